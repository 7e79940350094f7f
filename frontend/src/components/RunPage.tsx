import { useState } from "react";
import { ArrowLeft } from "lucide-react";
import type { Run } from "../api/types";
import { navigate } from "../hooks/useRoute";
import AppHeader from "./AppHeader";
import RunPanel from "./RunPanel";

/** /runs/:id — one run's steps, for links from the flows list and the editor. */
export default function RunPage({ runId }: { runId: string }) {
  const [run, setRun] = useState<Run | null>(null);
  return (
    <div className="page">
      <AppHeader>
        {run && (
          <button className="ghost" onClick={() => navigate(`/flows/${encodeURIComponent(run.flowId)}`)}>
            <ArrowLeft size={15} /> {run.flowName}
          </button>
        )}
      </AppHeader>
      <main className="run-page">
        <RunPanel runId={runId} onUpdate={setRun} />
      </main>
    </div>
  );
}
