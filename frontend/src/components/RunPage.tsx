import { useState } from "react";
import { ArrowLeft, Workflow } from "lucide-react";
import { useLiveRun } from "../hooks/useLiveRun";
import { navigate } from "../hooks/useRoute";
import { useStepLabels } from "../hooks/useStepLabels";
import AppHeader from "./AppHeader";
import RunCompare from "./RunCompare";
import RunPanel from "./RunPanel";

/** /runs/:id — one run, live: steps, details, responses, cancel, re-run, replay and compare. */
export default function RunPage({ runId }: { runId: string }) {
  const live = useLiveRun(runId);
  const run = live.run;
  const [comparing, setComparing] = useState<{ left: string; right: string } | null>(null);
  const labelOf = useStepLabels(run && !live.provisional ? run.flowId : null, run?.flowVersion ?? null);
  const flowPath = run ? `/flows/${encodeURIComponent(run.flowId)}` : "";
  return (
    <div className="page">
      <AppHeader>
        {run && !live.provisional && (
          <>
            <button className="ghost" onClick={() => navigate(flowPath)} data-testid="run-back-to-flow">
              <ArrowLeft size={15} /> {run.flowName}
            </button>
            <button className="ghost" onClick={() => navigate(`${flowPath}?run=${encodeURIComponent(runId)}`)} data-testid="run-on-canvas" title="Open the flow with this run painted on its canvas">
              <Workflow size={15} /> Show on canvas
            </button>
          </>
        )}
      </AppHeader>
      <main className="run-page">
        <RunPanel runId={runId} live={live} labelOf={labelOf} onOpenRun={(id) => navigate(`/runs/${encodeURIComponent(id)}`)} onCompare={(left, right) => setComparing({ left, right })} />
      </main>
      {comparing && <RunCompare left={comparing.left} right={comparing.right} labelOf={labelOf} onClose={() => setComparing(null)} />}
    </div>
  );
}
