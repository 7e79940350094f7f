import { useEffect, useState } from "react";
import { ArrowRight, FlaskConical, RefreshCw } from "lucide-react";
import { api } from "../api/client";
import type { Comparison, RunSummary, StepBrief } from "../api/types";
import { absoluteTime, duration } from "../format/time";
import Modal from "./Modal";
import RunStatusBadge from "./RunStatusBadge";

interface Props {
  left: string;
  right: string;
  labelOf?: (nodeId: string) => string;
  onClose: () => void;
}

function RunHead({ run, side }: { run: RunSummary; side: string }) {
  return (
    <div className="compare-run" data-testid={`compare-${side}`}>
      <div className="muted small">{side}</div>
      <div className="run-title">
        <RunStatusBadge status={run.status} />
        {run.dryRun && (
          <span className="badge dry-badge">
            <FlaskConical size={12} /> dry run
          </span>
        )}
        <code className="small">{run.id}</code>
      </div>
      <div className="muted small">
        {run.flowVersion === null ? "draft" : `v${run.flowVersion}`} · {absoluteTime(run.startedAt)} · {duration(run.durationMs)}
      </div>
    </div>
  );
}

function Cell({ step }: { step: StepBrief | null }) {
  if (!step) return <td className="compare-cell missing">did not run</td>;
  return (
    <td className="compare-cell">
      <RunStatusBadge status={step.status} /> {step.port && <code className="port-chip">{step.port}</code>}
      {step.attempts > 1 && <span className="attempts-chip">×{step.attempts}</span>}
      <span className="muted small"> {duration(step.durationMs)}</span>
      {step.error && <div className="compare-error">{step.error}</div>}
    </td>
  );
}

const MAX_SHOWN = 160;

/** A value in one line, cut to a readable length (the whole value is in the tooltip). */
function show(v: unknown): string {
  const text = v === undefined || v === null ? "—" : typeof v === "string" ? v : JSON.stringify(v);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

const full = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v, null, 2));

/** Two runs side by side: which nodes ran, which ports they took, and where their outputs differ. */
export default function RunCompare({ left, right, labelOf = (id) => id, onClose }: Props) {
  const [cmp, setCmp] = useState<Comparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let stopped = false;
    api
      .compareRuns(left, right)
      .then((c) => !stopped && (setCmp(c), setError(null)))
      .catch((err: unknown) => !stopped && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      stopped = true;
    };
  }, [left, right, tick]);

  return (
    <Modal title="Compare runs" onClose={onClose} wide testId="run-compare">
      {error && <div className="problem-box">{error}</div>}
      {!cmp && !error && <p className="muted">Comparing…</p>}
      {cmp && (
        <>
          <div className="compare-heads">
            <RunHead run={cmp.left} side="left" />
            <ArrowRight size={18} className="muted" />
            <RunHead run={cmp.right} side="right" />
            <span className="spacer" />
            <button className="icon-button" onClick={() => setTick((t) => t + 1)} title="Compare again (runs still going change)" aria-label="Refresh">
              <RefreshCw size={15} />
            </button>
          </div>
          <p className={`compare-verdict ${cmp.samePath ? "same" : "different"}`} data-testid="compare-verdict">
            {cmp.samePath ? "Both runs took the same path." : "The runs took different paths: the highlighted steps ran differently."}
          </p>
          <table className="compare-table" data-testid="compare-table">
            <thead>
              <tr>
                <th>Step</th>
                <th>Left</th>
                <th>Right</th>
                <th>Where outputs differ</th>
              </tr>
            </thead>
            <tbody>
              {cmp.nodes.map((n) => (
                <tr key={n.nodeId} className={n.samePath ? undefined : "path-differs"} data-testid="compare-row" data-node-id={n.nodeId} data-same-path={String(n.samePath)}>
                  <td>
                    <strong>{labelOf(n.nodeId)}</strong>
                    {labelOf(n.nodeId) !== n.nodeId && <div className="muted small">{n.nodeId}</div>}
                  </td>
                  <Cell step={n.left} />
                  <Cell step={n.right} />
                  <td className="compare-diff">
                    {n.outputDiff.length === 0 ? (
                      <span className="muted small">{n.left && n.right ? "same output" : ""}</span>
                    ) : (
                      <ul>
                        {n.outputDiff.map((d) => (
                          <li key={d.path}>
                            <code>{d.path}</code>:{" "}
                            <span className="diff-left" title={full(d.left)}>
                              {show(d.left)}
                            </span>{" "}
                            →{" "}
                            <span className="diff-right" title={full(d.right)}>
                              {show(d.right)}
                            </span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Modal>
  );
}
