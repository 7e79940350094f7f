import { useMemo } from "react";
import { diffDocuments } from "../flow/diff";
import type { FlowDocument } from "../flow/document";
import DiffList from "./DiffList";
import Modal from "./Modal";

interface Props {
  theirs: FlowDocument | null;
  theirRevision: number;
  mine: FlowDocument;
  onKeepEditing: () => void;
  onLoadTheirs: () => void;
  onOverwrite: () => void;
}

/** Someone else saved meanwhile: show what differs between their save and these edits, and let the user choose. */
export default function ConflictDialog({ theirs, theirRevision, mine, onKeepEditing, onLoadTheirs, onOverwrite }: Props) {
  const entries = useMemo(() => (theirs ? diffDocuments(theirs, mine) : []), [theirs, mine]);
  return (
    <Modal
      title="Someone else saved this flow"
      onClose={onKeepEditing}
      wide
      testId="conflict-dialog"
      footer={
        <>
          <button onClick={onKeepEditing}>Keep editing</button>
          <button onClick={onLoadTheirs} disabled={!theirs} data-testid="conflict-load-theirs">
            Discard mine, load theirs
          </button>
          <button className="primary danger" onClick={onOverwrite} data-testid="conflict-overwrite">
            Save mine over theirs
          </button>
        </>
      }
    >
      <p>
        While you were editing, the flow was saved by someone else (now at revision {theirRevision}). Nothing was overwritten; your edits are
        still here. This is how your version differs from theirs:
      </p>
      <DiffList entries={entries} empty="Your version and theirs are the same." />
    </Modal>
  );
}
