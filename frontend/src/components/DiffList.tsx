import type { DiffEntry } from "../flow/diff";

const SUBJECT: Record<DiffEntry["subject"], string> = { flow: "Flow", node: "Step", edge: "Connection" };

/** A readable list of document differences: added, removed and changed steps and connections. */
export default function DiffList({ entries, empty = "No differences." }: { entries: DiffEntry[]; empty?: string }) {
  if (!entries.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="diff-list" data-testid="diff-list">
      {entries.map((e) => (
        <li key={`${e.subject}-${e.id}-${e.kind}`} className={`diff-${e.kind}`}>
          <div className="diff-title">
            <span className={`diff-kind diff-kind-${e.kind}`}>{e.kind}</span>
            <span className="muted small">{SUBJECT[e.subject]}</span> <strong>{e.title}</strong>
          </div>
          {e.details.length > 0 && (
            <ul className="diff-details">
              {e.details.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
