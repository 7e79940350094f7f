import type { Step } from "../api/types";
import { absoluteTime, duration } from "../format/time";

/** What a dry run recorded instead of acting: `{"dry_run": true, "would": {"type", "config"}}` plus recorded outputs. */
export function predictionOf(output: unknown): { type: string; config: unknown } | null {
  if (!output || typeof output !== "object" || Array.isArray(output)) return null;
  const o = output as Record<string, unknown>;
  if (o.dry_run !== true || !o.would || typeof o.would !== "object") return null;
  const w = o.would as Record<string, unknown>;
  return { type: String(w.type ?? ""), config: w.config ?? null };
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "object" && Object.keys(v as object).length === 0);
}

function logLine(entry: unknown): string {
  if (!entry || typeof entry !== "object") return String(entry);
  const { at, message, ...rest } = entry as Record<string, unknown>;
  const time = typeof at === "string" && !Number.isNaN(Date.parse(at)) ? new Date(at).toLocaleTimeString() : "";
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
  return `${time ? `${time}  ` : ""}${String(message ?? "")}${extra}`;
}

function Block({ title, value, testId }: { title: string; value: unknown; testId?: string }) {
  return (
    <div data-testid={testId}>
      <div className="muted small">{title}</div>
      <pre className="json-block">{typeof value === "string" ? value : JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

/** A step's error, output (or, in a dry run, the request it would have made), rendered config, logs and timings. */
export default function StepOutput({ step }: { step: Step }) {
  const prediction = predictionOf(step.output);
  let recorded: unknown = null;
  if (prediction) {
    const { dry_run: _dry, would: _would, ...rest } = step.output as Record<string, unknown>;
    recorded = rest;
  }
  return (
    <div className="step-detail" data-testid="step-detail">
      <div className="step-timings muted small">
        {step.attempts > 1 ? `${step.attempts} attempts · ` : step.attempts === 1 ? "1 attempt · " : ""}
        started {absoluteTime(step.startedAt)}
        {step.startedAt && <> ({new Date(step.startedAt).toLocaleTimeString()})</>}
        {step.finishedAt && <> · took {duration(step.durationMs)}</>}
      </div>
      {step.error && <div className="problem-box">{step.error}</div>}
      {prediction ? (
        <>
          <div className="prediction" data-testid="step-prediction">
            <div className="prediction-head">Dry run: would call {prediction.type}, nothing was sent</div>
            <pre className="json-block">{JSON.stringify(prediction.config, null, 2)}</pre>
          </div>
          {!isEmpty(recorded) && <Block title="Outputs taken from the replayed run (for the steps after it)" value={recorded} />}
        </>
      ) : (
        !isEmpty(step.output) && <Block title="Output" value={step.output} testId="step-output" />
      )}
      {!prediction && !isEmpty(step.config) && <Block title="Rendered config (secrets masked)" value={step.config} testId="step-config" />}
      {Array.isArray(step.logs) && step.logs.length > 0 && (
        <div data-testid="step-logs">
          <div className="muted small">Logs</div>
          <pre className="json-block">{step.logs.map(logLine).join("\n")}</pre>
        </div>
      )}
    </div>
  );
}
