import { useRoute } from "../hooks/useRoute";
import FlowsPage from "./FlowsPage";
import FlowEditorPage from "./FlowEditorPage";
import RunPage from "./RunPage";
import NotFound from "./NotFound";

/** Routes: / (flows), /flows/:id (editor), /runs/:id (a run's steps). */
export default function App() {
  const path = useRoute();
  const flow = /^\/flows\/([^/]+)\/?$/.exec(path);
  if (flow) return <FlowEditorPage key={flow[1]} flowId={decodeURIComponent(flow[1])} />;
  const run = /^\/runs\/([^/]+)\/?$/.exec(path);
  if (run) return <RunPage runId={decodeURIComponent(run[1])} />;
  if (path === "/" || path === "/flows" || path === "/flows/") return <FlowsPage />;
  return <NotFound />;
}
