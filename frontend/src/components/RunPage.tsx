import { useState } from "react";
import { ArrowLeft } from "lucide-react";
import { useLiveRun } from "../hooks/useLiveRun";
import { navigate } from "../hooks/useRoute";
import AppHeader from "./AppHeader";
import RunCompare from "./RunCompare";
import RunPanel from "./RunPanel";

/** /runs/:id — one run, live: steps, details, responses, cancel, re-run, replay and compare. */
export default function RunPage({ runId }: { runId: string }) {
  const live = useLiveRun(runId);
  const run = live.run;
  const [comparing, setComparing] = useState<{ left: string; right: string } | null>(null);
  return (
    <div className="page">
      <AppHeader>
        {run && (
          <button className="ghost" onClick={() => navigate(`/flows/${encodeURIComponent(run.flowId)}`)} data-testid="run-back-to-flow">
            <ArrowLeft size={15} /> {run.flowName}
          </button>
        )}
      </AppHeader>
      <main className="run-page">
        <RunPanel runId={runId} live={live} onOpenRun={(id) => navigate(`/runs/${encodeURIComponent(id)}`)} onCompare={(left, right) => setComparing({ left, right })} />
      </main>
      {comparing && <RunCompare left={comparing.left} right={comparing.right} onClose={() => setComparing(null)} />}
    </div>
  );
}
