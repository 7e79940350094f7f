import { useEffect, useState } from "react";
import { ChevronDown, ChevronRight, ExternalLink, X } from "lucide-react";
import { api } from "../api/client";
import type { Run, Step } from "../api/types";
import { absoluteTime, duration } from "../format/time";
import { useRun } from "../hooks/useRun";
import { navigate } from "../hooks/useRoute";
import RunStatusBadge from "./RunStatusBadge";
import StepOutput from "./StepOutput";

interface Props {
  runId: string;
  labelOf?: (nodeId: string) => string;
  onPickStep?: (nodeId: string) => void;
  onUpdate?: (run: Run) => void;
  onClose?: () => void;
}

/** A run's steps with their statuses, ports, durations and outputs; polls until the run settles. */
export default function RunPanel({ runId, labelOf = (id) => id, onPickStep, onUpdate, onClose }: Props) {
  const { run, error, refresh } = useRun(runId);
  const [open, setOpen] = useState<Set<string>>(new Set());

  useEffect(() => {
    if (run && onUpdate) onUpdate(run);
  }, [run, onUpdate]);

  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const respond = async (step: Step, choice: string) => {
    await api.respond(runId, step.nodeId, choice, "canvas");
    refresh();
  };

  return (
    <section className="run-panel" data-testid="run-panel">
      <header className="run-head">
        <div>
          <div className="muted small">Run {runId}</div>
          <div className="run-title">
            {run ? <RunStatusBadge status={run.status} /> : <span className="muted">starting…</span>}
            {run && <span className="muted small">{duration(run.durationMs)}</span>}
          </div>
        </div>
        <span className="spacer" />
        {onClose && (
          <a
            className="icon-button"
            href={`/runs/${runId}`}
            title="Open the run page"
            onClick={(e) => {
              e.preventDefault();
              navigate(`/runs/${runId}`);
            }}
          >
            <ExternalLink size={15} />
          </a>
        )}
        {onClose && (
          <button className="icon-button" onClick={onClose} aria-label="Close run">
            <X size={16} />
          </button>
        )}
      </header>
      {error && <div className="problem-box">{error}</div>}
      {run?.error && <div className="problem-box">{run.error}</div>}
      {run && (
        <div className="muted small run-meta">
          Started {absoluteTime(run.startedAt)} · version {run.flowVersion ?? "draft"}
          {run.triggerNode && <> · trigger {labelOf(run.triggerNode)}</>}
        </div>
      )}
      <ol className="run-steps" data-testid="run-steps">
        {run?.steps.map((s) => (
          <li key={s.nodeId} className={`run-step run-step-${s.status}`} data-testid="run-step" data-node-id={s.nodeId} data-status={s.status}>
            <div className="run-step-row">
              <button className="icon-button tiny" onClick={() => toggle(s.nodeId)} aria-label="Details">
                {open.has(s.nodeId) ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
              </button>
              <button className="link-button" onClick={() => onPickStep?.(s.nodeId)}>
                {labelOf(s.nodeId)}
              </button>
              <span className="spacer" />
              {s.port && <code className="port-chip">{s.port}</code>}
              <RunStatusBadge status={s.status} />
              <span className="muted small run-step-time">{duration(s.durationMs)}</span>
            </div>
            {s.status === "waiting" && s.wait?.responses.length ? (
              <div className="wait-row">
                <span className="muted small">Waiting for a response:</span>
                {s.wait.responses.map((r) => (
                  <button key={r} className="chip" onClick={() => respond(s, r)}>
                    {r}
                  </button>
                ))}
              </div>
            ) : null}
            {open.has(s.nodeId) && <StepOutput step={s} />}
          </li>
        ))}
      </ol>
    </section>
  );
}
