import type { Step } from "../api/types";

/** A finished step's error, output, rendered config and logs. */
export default function StepOutput({ step }: { step: Step }) {
  const blocks: [string, unknown][] = [
    ["Output", step.output],
    ["Rendered config", step.config],
    ["Logs", step.logs],
  ];
  return (
    <div className="step-detail">
      {step.error && <div className="problem-box">{step.error}</div>}
      {blocks
        .filter(([, v]) => v !== null && v !== undefined && !(typeof v === "object" && Object.keys(v as object).length === 0))
        .map(([title, v]) => (
          <div key={title}>
            <div className="muted small">{title}</div>
            <pre className="json-block">{typeof v === "string" ? v : JSON.stringify(v, null, 2)}</pre>
          </div>
        ))}
    </div>
  );
}
