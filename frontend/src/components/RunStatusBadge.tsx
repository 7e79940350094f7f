import type { RunStatus, StepStatus } from "../api/types";

/** A coloured pill for a run or step status. */
export default function RunStatusBadge({ status, testId }: { status: RunStatus | StepStatus; testId?: string }) {
  return (
    <span className={`badge run-${status}`} data-testid={testId}>
      {status}
    </span>
  );
}
