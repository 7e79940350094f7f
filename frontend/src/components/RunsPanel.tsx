import { useMemo, useState } from "react";
import { FlaskConical, GitCompare, RefreshCw, SkipBack } from "lucide-react";
import type { RunFilter, RunStatus } from "../api/types";
import { absoluteTime, duration, relativeTime } from "../format/time";
import { useFlowRuns } from "../hooks/useFlowRuns";
import LiveIndicator from "./LiveIndicator";
import RunStatusBadge from "./RunStatusBadge";

const STATUSES: RunStatus[] = ["running", "waiting", "succeeded", "failed", "cancelled"];

const RANGES = {
  any: { label: "Any time", ms: null },
  hour: { label: "Last hour", ms: 3600_000 },
  day: { label: "Last 24 hours", ms: 86400_000 },
  week: { label: "Last 7 days", ms: 7 * 86400_000 },
  custom: { label: "Between…", ms: null },
} as const;
type Range = keyof typeof RANGES;

interface Props {
  flowId: string;
  selectedRunId: string | null;
  onSelect: (runId: string) => void;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  onRunCreated: (runId: string) => void;
  onCompare: (left: string, right: string) => void;
}

/** `datetime-local` text (local time) as an ISO instant; null when empty. */
function localToIso(value: string): string | null {
  if (!value) return null;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

/** A flow's runs, newest first, live: status, triggering event, start, duration, version; filters; pick two to compare. */
export default function RunsPanel({ flowId, selectedRunId, onSelect, follow, onFollowChange, onRunCreated, onCompare }: Props) {
  const [statuses, setStatuses] = useState<RunStatus[]>([]);
  const [range, setRange] = useState<Range>("any");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  // A relative range is fixed when chosen: re-reads keep the same window instead of sliding with every event.
  const [rangeStart, setRangeStart] = useState<number>(() => Date.now());

  const filter = useMemo<RunFilter>(() => {
    if (range === "custom") return { statuses, since: localToIso(from), until: localToIso(to) };
    const ms = RANGES[range].ms;
    return { statuses, since: ms === null ? null : new Date(rangeStart - ms).toISOString(), until: null };
  }, [statuses, range, from, to, rangeStart]);

  const { runs, total, loading, error, refresh } = useFlowRuns(flowId, filter, 50, onRunCreated);

  const toggleStatus = (s: RunStatus) => setStatuses((list) => (list.includes(s) ? list.filter((x) => x !== s) : [...list, s]));
  const togglePick = (id: string) => setPicked((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list.slice(-1), id]));

  return (
    <div className="runs-panel" data-testid="runs-panel">
      <div className="runs-head">
        <h3>Runs</h3>
        <span className="muted small" data-testid="runs-total">
          {loading ? "…" : `${total} run${total === 1 ? "" : "s"}`}
        </span>
        <span className="spacer" />
        <LiveIndicator />
        <button className="icon-button" onClick={refresh} title="Read the list again" aria-label="Refresh runs">
          <RefreshCw size={14} />
        </button>
      </div>
      <div className="runs-filters">
        <div className="status-filters" role="group" aria-label="Filter by status">
          {STATUSES.map((s) => (
            <button
              key={s}
              className={`chip filter-chip${statuses.includes(s) ? " active" : ""}`}
              aria-pressed={statuses.includes(s)}
              onClick={() => toggleStatus(s)}
              data-testid={`runs-filter-${s}`}
            >
              {s}
            </button>
          ))}
        </div>
        <select
          value={range}
          onChange={(e) => {
            setRange(e.target.value as Range);
            setRangeStart(Date.now());
          }}
          aria-label="Time range"
          data-testid="runs-range"
        >
          {Object.entries(RANGES).map(([k, v]) => (
            <option key={k} value={k}>
              {v.label}
            </option>
          ))}
        </select>
        {range === "custom" && (
          <div className="range-inputs">
            <label>
              from <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="runs-from" />
            </label>
            <label>
              to <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="runs-to" />
            </label>
          </div>
        )}
        <label className="check-row small" title="Show each new run of this flow on the canvas as it starts (a run still going stays until it ends)">
          <input type="checkbox" checked={follow} onChange={(e) => onFollowChange(e.target.checked)} data-testid="runs-follow" />
          Follow new runs on the canvas
        </label>
      </div>
      {picked.length > 0 && (
        <div className="compare-bar">
          <span className="muted small">{picked.length === 1 ? "Pick one more run to compare" : "Two runs picked"}</span>
          <span className="spacer" />
          <button disabled={picked.length !== 2} onClick={() => onCompare(picked[0], picked[1])} data-testid="runs-compare">
            <GitCompare size={14} /> Compare
          </button>
          <button className="ghost" onClick={() => setPicked([])}>
            Clear
          </button>
        </div>
      )}
      {error && <div className="problem-box">{error}</div>}
      {!loading && runs.length === 0 && !error && (
        <p className="muted small runs-empty" data-testid="runs-empty">
          {statuses.length || range !== "any" ? "No runs match these filters." : "No runs yet. Use “Run with sample event”, or send an event to a trigger."}
        </p>
      )}
      <ul className="run-list" data-testid="run-list">
        {runs.map((r) => (
          <li key={r.id} className={`run-row${r.id === selectedRunId ? " selected" : ""}`} data-testid="run-row" data-run-id={r.id} data-status={r.status}>
            <input type="checkbox" checked={picked.includes(r.id)} onChange={() => togglePick(r.id)} aria-label="Pick to compare" data-testid="run-pick" />
            <button className="run-row-main" onClick={() => onSelect(r.id)} title={`Run ${r.id}`}>
              <div className="run-row-top">
                <RunStatusBadge status={r.status} />
                <span className="run-row-title">{r.eventTitle || <span className="muted">(no event title)</span>}</span>
              </div>
              <div className="run-row-meta muted small">
                <span title={absoluteTime(r.startedAt)}>{relativeTime(r.startedAt)}</span>
                <span>{r.durationMs !== null ? duration(r.durationMs) : r.status === "waiting" ? "waiting" : "running"}</span>
                <span>{r.flowVersion === null ? "draft" : `v${r.flowVersion}`}</span>
                {r.dryRun && (
                  <span className="dry-tag" title="Dry run">
                    <FlaskConical size={11} /> dry
                  </span>
                )}
                {r.replayOf && (
                  <span className="dry-tag" title={`Replay of ${r.replayOf}`}>
                    <SkipBack size={11} /> replay
                  </span>
                )}
              </div>
            </button>
          </li>
        ))}
      </ul>
      {total > runs.length && <p className="muted small runs-more">Showing the newest {runs.length} of {total}.</p>}
    </div>
  );
}
