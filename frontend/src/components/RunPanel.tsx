import { useState } from "react";
import { ArrowLeft, ChevronDown, ChevronRight, CircleStop, ExternalLink, FlaskConical, GitCompare, RotateCcw, SkipBack, X } from "lucide-react";
import { api } from "../api/client";
import { SETTLED_RUN_STATUSES, type Step } from "../api/types";
import { absoluteTime, duration } from "../format/time";
import { useConnectionState } from "../hooks/useConnectionState";
import type { LiveRun } from "../hooks/useLiveRun";
import { navigate } from "../hooks/useRoute";
import { useToasts } from "../hooks/useToasts";
import LiveIndicator from "./LiveIndicator";
import ReplayDialog from "./ReplayDialog";
import RunStatusBadge from "./RunStatusBadge";
import StepOutput from "./StepOutput";
import "../styles/live.css";

interface Props {
  runId: string;
  live: LiveRun;
  labelOf?: (nodeId: string) => string;
  onPickStep?: (nodeId: string) => void;
  /** Show another run here (a re-run or a replay just started). */
  onOpenRun: (runId: string) => void;
  onCompare?: (left: string, right: string) => void;
  /** Back to the runs list (in the editor); the run leaves the canvas. */
  onBack?: () => void;
}

/** One run: its status and event, every step's port, attempts, timings and details, responses, cancel and replay. */
export default function RunPanel({ runId, live, labelOf = (id) => id, onPickStep, onOpenRun, onCompare, onBack }: Props) {
  const { run, provisional, error, refresh } = live;
  const toasts = useToasts();
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const [replaying, setReplaying] = useState(false);
  const settled = run ? SETTLED_RUN_STATUSES.includes(run.status) : false;
  const connection = useConnectionState();
  // Without the live connection a run still going may have moved on: say so rather than look current.
  const behind = connection !== "live" && run !== null && !settled;

  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const act = async (what: string, f: () => Promise<void>) => {
    setBusy(what);
    try {
      await f();
    } catch (err) {
      toasts.show(err instanceof Error ? err.message : String(err), "error");
    } finally {
      setBusy(null);
      refresh();
    }
  };

  const respond = (step: Step, choice: string) => act(`respond:${step.nodeId}`, () => api.respond(runId, step.nodeId, choice, "canvas"));
  const cancel = () => act("cancel", () => api.cancelRun(runId));
  const rerun = () =>
    act("rerun", async () => {
      const id = await api.replayRun(runId, { version: "same", dryRun: false, choices: {} });
      toasts.show("Re-run started with the same event", "success");
      onOpenRun(id);
    });

  return (
    <section className={`run-panel${run?.dryRun ? " dry" : ""}`} data-testid="run-panel" data-run-id={runId} data-status={run?.status ?? ""}>
      {onBack && (
        <div className="run-back">
          <button className="link-button" onClick={onBack} data-testid="run-back">
            <ArrowLeft size={14} /> All runs
          </button>
          <span className="spacer" />
          <a
            className="icon-button"
            href={`/runs/${runId}`}
            title="Open the run on its own page"
            aria-label="Open the run page"
            onClick={(e) => {
              e.preventDefault();
              navigate(`/runs/${runId}`);
            }}
          >
            <ExternalLink size={15} />
          </a>
          <button className="icon-button" onClick={onBack} aria-label="Close run" title="Close (the run leaves the canvas)" data-testid="run-close">
            <X size={16} />
          </button>
        </div>
      )}
      <header className="run-head">
        <div>
          <div className="muted small">
            Run <code>{runId}</code>
          </div>
          <div className="run-title">
            {run ? <RunStatusBadge status={run.status} testId="run-status" /> : <span className="muted">loading…</span>}
            {run?.dryRun && (
              <span className="badge dry-badge" data-testid="dry-run-badge" title="Nothing outside was changed: steps recorded the requests they would have made">
                <FlaskConical size={12} /> dry run
              </span>
            )}
            {run && <span className="muted small">{run.durationMs !== null ? duration(run.durationMs) : settled ? "" : "in progress"}</span>}
          </div>
        </div>
        <span className="spacer" />
        <LiveIndicator />
      </header>
      {behind && (
        <div className="behind-box" data-testid="run-behind">
          Live updates are paused: this run may have moved on since. It is read again as soon as the connection is back.
        </div>
      )}
      {error && !behind && <div className="problem-box">{error}</div>}
      {run?.error && <div className="problem-box">{run.error}</div>}
      {run && !provisional && (
        <>
          <div className="muted small run-meta">
            {run.eventTitle && (
              <div className="run-event-title" data-testid="run-event-title">
                “{run.eventTitle}”
              </div>
            )}
            Started {absoluteTime(run.startedAt)} · {run.flowVersion === null ? "draft" : `version ${run.flowVersion}`}
            {run.triggerNode && <> · trigger {labelOf(run.triggerNode)}</>}
            {run.replayOf && (
              <>
                {" "}
                · replay of{" "}
                <button className="link-button" onClick={() => onOpenRun(run.replayOf!)}>
                  {run.replayOf}
                </button>
              </>
            )}
          </div>
          <div className="run-actions">
            {!settled && (
              <button className="danger" onClick={cancel} disabled={busy !== null} data-testid="run-cancel">
                <CircleStop size={14} /> Cancel run
              </button>
            )}
            <button onClick={rerun} disabled={busy !== null} title="Run the same event again, against the version this run used" data-testid="run-rerun">
              <RotateCcw size={14} /> Re-run
            </button>
            <button onClick={() => setReplaying(true)} disabled={busy !== null} title="Replay this event against the draft or another version, optionally as a dry run" data-testid="run-replay">
              <SkipBack size={14} /> Replay…
            </button>
            {run.replayOf && onCompare && (
              <button onClick={() => onCompare(run.replayOf!, runId)} data-testid="run-compare-original" title="Compare with the run this one replays">
                <GitCompare size={14} /> Compare
              </button>
            )}
          </div>
          <details className="run-event" data-testid="run-event">
            <summary>Event that started it</summary>
            <pre className="json-block">{JSON.stringify(run.event, null, 2)}</pre>
          </details>
        </>
      )}
      <ol className="run-steps" data-testid="run-steps">
        {run?.steps.map((s) => (
          <li key={s.nodeId} className={`run-step run-step-${s.status}`} data-testid="run-step" data-node-id={s.nodeId} data-status={s.status}>
            <div className="run-step-row">
              <button className="icon-button tiny" onClick={() => toggle(s.nodeId)} aria-label="Details" aria-expanded={open.has(s.nodeId)} data-testid="run-step-toggle">
                {open.has(s.nodeId) ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
              </button>
              <button className="link-button" onClick={() => onPickStep?.(s.nodeId)}>
                {labelOf(s.nodeId)}
              </button>
              <span className="spacer" />
              {s.port && <code className="port-chip">{s.port}</code>}
              {s.attempts > 1 && (
                <span className="attempts-chip" title={`${s.attempts} attempts`}>
                  ×{s.attempts}
                </span>
              )}
              <RunStatusBadge status={s.status} />
              <span className="muted small run-step-time">{duration(s.durationMs)}</span>
            </div>
            {s.status === "waiting" && s.wait?.responses?.length ? (
              <div className="wait-row" data-testid="wait-row">
                <span className="muted small">Waiting for a response:</span>
                {s.wait.responses.map((r) => (
                  <button key={r} className="chip" onClick={() => respond(s, r)} disabled={busy !== null} data-testid="respond" data-choice={r}>
                    {r}
                  </button>
                ))}
              </div>
            ) : null}
            {open.has(s.nodeId) && <StepOutput step={s} />}
          </li>
        ))}
      </ol>
      {replaying && run && (
        <ReplayDialog
          run={run}
          labelOf={labelOf}
          onClose={() => setReplaying(false)}
          onStarted={(id) => {
            setReplaying(false);
            onOpenRun(id);
          }}
        />
      )}
    </section>
  );
}
