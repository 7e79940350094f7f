import { useState } from "react";
import { api } from "../api/client";
import type { FlowSummary } from "../api/types";
import Modal from "./Modal";

/** Rename a flow (its id stays) by saving the draft with the new name. */
export default function RenameFlowDialog({ flow, onClose, onDone }: { flow: FlowSummary; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState(flow.name);
  const [error, setError] = useState<string | null>(null);

  const rename = async () => {
    try {
      const detail = await api.getFlow(flow.id);
      await api.saveFlow(flow.id, { ...detail.document, name: name.trim() }, detail.revision);
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <Modal
      title="Rename flow"
      onClose={onClose}
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!name.trim() || name.trim() === flow.name} onClick={rename} data-testid="rename-confirm">
            Rename
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void rename();
        }}
      >
        <label className="field-label" htmlFor="rename-flow">
          Name
        </label>
        <input id="rename-flow" autoFocus value={name} onChange={(e) => setName(e.target.value)} data-testid="rename-input" />
        <p className="muted small">
          The id <code>{flow.id}</code> stays the same, so webhooks and links keep working.
        </p>
        {error && <div className="problem-box">{error}</div>}
      </form>
    </Modal>
  );
}
