import { useEffect, useMemo, useState } from "react";
import { Download, History } from "lucide-react";
import { api } from "../api/client";
import type { Version, VersionSummary } from "../api/types";
import { diffDocuments } from "../flow/diff";
import type { FlowDocument } from "../flow/document";
import { absoluteTime } from "../format/time";
import DiffList from "./DiffList";
import Modal from "./Modal";

interface Props {
  flowId: string;
  draft: FlowDocument;
  onClose: () => void;
  onRestore: (doc: FlowDocument, version: number) => void;
}

type Base = "previous" | "draft";

/** Published versions of the flow, each with a readable diff against the version before it or the current draft. */
export default function VersionsDialog({ flowId, draft, onClose, onRestore }: Props) {
  const [list, setList] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [docs, setDocs] = useState<Map<number, Version>>(new Map());
  const [base, setBase] = useState<Base>("previous");

  useEffect(() => {
    api
      .versions(flowId)
      .then((items) => {
        const sorted = [...items].sort((a, b) => b.version - a.version);
        setList(sorted);
        if (sorted.length) setSelected(sorted[0].version);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [flowId]);

  const need = useMemo(() => (selected === null ? [] : [selected, selected - 1].filter((n) => n >= 1)), [selected]);
  useEffect(() => {
    for (const n of need)
      if (!docs.has(n) && list?.some((v) => v.version === n))
        api
          .version(flowId, n)
          .then((v) => setDocs((d) => new Map(d).set(n, v)))
          .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [need, docs, flowId, list]);

  const current = selected !== null ? docs.get(selected) : undefined;
  const previous = selected !== null ? docs.get(selected - 1) : undefined;
  const entries = useMemo(() => {
    if (!current) return null;
    if (base === "draft") return diffDocuments(current.document, draft);
    if (selected === 1) return diffDocuments({ schema: "", name: current.document.name, description: current.document.description, nodes: [], edges: [] }, current.document);
    return previous ? diffDocuments(previous.document, current.document) : null;
  }, [current, previous, base, draft, selected]);

  return (
    <Modal title="Version history" onClose={onClose} wide testId="versions-dialog">
      {error && <div className="problem-box">{error}</div>}
      {list?.length === 0 && (
        <div className="empty-state small">
          <History size={28} strokeWidth={1.5} />
          <p>No published versions yet. Publish the draft to create version 1.</p>
        </div>
      )}
      {list && list.length > 0 && (
        <div className="versions">
          <ul className="version-list">
            {list.map((v) => (
              <li key={v.version}>
                <button className={v.version === selected ? "active" : undefined} onClick={() => setSelected(v.version)} data-testid="version-item">
                  <strong>v{v.version}</strong>
                  <span className="muted small">{absoluteTime(v.publishedAt)}</span>
                  <span className="muted small">revision {v.revision}</span>
                </button>
              </li>
            ))}
          </ul>
          <div className="version-detail">
            {selected !== null && (
              <>
                <div className="version-toolbar">
                  <div className="segmented" role="radiogroup" aria-label="Compare with">
                    <button className={base === "previous" ? "active" : undefined} onClick={() => setBase("previous")} role="radio" aria-checked={base === "previous"}>
                      {selected === 1 ? "What v1 contains" : `Changes from v${selected - 1}`}
                    </button>
                    <button className={base === "draft" ? "active" : undefined} onClick={() => setBase("draft")} role="radio" aria-checked={base === "draft"}>
                      v{selected} → current draft
                    </button>
                  </div>
                  <span className="spacer" />
                  <a className="button" href={api.exportUrl(flowId, selected)} download={`${flowId}-v${selected}.json`}>
                    <Download size={14} /> Export v{selected}
                  </a>
                  <button disabled={!current} onClick={() => current && onRestore(current.document, selected)}>
                    Open v{selected} in editor
                  </button>
                </div>
                {entries === null ? <p className="muted">Loading…</p> : <DiffList entries={entries} empty="No differences." />}
              </>
            )}
          </div>
        </div>
      )}
    </Modal>
  );
}
