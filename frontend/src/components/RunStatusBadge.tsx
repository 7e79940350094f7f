import type { RunStatus, StepStatus } from "../api/types";

/** A coloured pill for a run or step status. */
export default function RunStatusBadge({ status }: { status: RunStatus | StepStatus }) {
  return <span className={`badge run-${status}`}>{status}</span>;
}
