import { useState } from "react";
import { ChevronDown, ChevronUp, CircleAlert, CircleCheck, Loader } from "lucide-react";
import type { Problem } from "../api/types";

interface Props {
  problems: Problem[];
  checking: boolean;
  error: string | null;
  labelOf: (nodeId: string) => string;
  onPick: (p: Problem) => void;
}

/** The validation problems of the draft; clicking one selects and centres its node. */
export default function ProblemsPanel({ problems, checking, error, labelOf, onPick }: Props) {
  const [open, setOpen] = useState(true);
  const count = problems.length;
  return (
    <section className={`problems-panel${open ? " open" : ""}`} data-testid="problems-panel">
      <button className="problems-head" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
        {count ? <CircleAlert size={15} className="bad" /> : <CircleCheck size={15} className="good" />}
        <span data-testid="problems-count">{count ? `${count} problem${count === 1 ? "" : "s"}` : "No problems"}</span>
        {checking && <Loader size={13} className="spin muted" aria-label="Checking" />}
        {error && <span className="muted small">· could not check: {error}</span>}
        <span className="spacer" />
        {open ? <ChevronDown size={15} /> : <ChevronUp size={15} />}
      </button>
      {open && count > 0 && (
        <ul className="problems-list" data-testid="problems-list">
          {problems.map((p, i) => (
            <li key={`${p.code}-${p.nodeId}-${p.edgeId}-${i}`}>
              <button onClick={() => onPick(p)} data-testid="problem-item" data-node-id={p.nodeId ?? undefined}>
                <code className="problem-code">{p.code}</code>
                <span className="problem-where">{p.nodeId ? labelOf(p.nodeId) : p.edgeId ? `edge ${p.edgeId}` : "flow"}</span>
                <span className="problem-message">{p.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
