import { useRoute } from "../hooks/useRoute";
import FlowsPage from "./FlowsPage";
import FlowEditorPage from "./FlowEditorPage";
import RunPage from "./RunPage";
import NotFound from "./NotFound";
import IncidentsPage from "./IncidentsPage";
import IncidentPage from "./IncidentPage";
import SchedulesPage from "./SchedulesPage";
import SchedulePage from "./SchedulePage";
import OnCallPage from "./OnCallPage";
import RespondPage from "./RespondPage";

/**
 * Routes: / (flows), /flows/:id (editor), /runs/:id (a run's steps), /incidents[/:id], /schedules[/:id],
 * /oncall, /respond (the responder page; /respond/<token> is served by the server).
 */
export default function App() {
  const path = useRoute();
  const flow = /^\/flows\/([^/]+)\/?$/.exec(path);
  if (flow) return <FlowEditorPage key={flow[1]} flowId={decodeURIComponent(flow[1])} />;
  const run = /^\/runs\/([^/]+)\/?$/.exec(path);
  if (run) return <RunPage runId={decodeURIComponent(run[1])} />;
  if (path === "/" || path === "/flows" || path === "/flows/") return <FlowsPage />;
  const incident = /^\/incidents\/([^/]+)\/?$/.exec(path);
  if (incident) return <IncidentPage key={incident[1]} incidentId={decodeURIComponent(incident[1])} />;
  if (/^\/incidents\/?$/.test(path)) return <IncidentsPage />;
  const schedule = /^\/schedules\/([^/]+)\/?$/.exec(path);
  if (schedule) return <SchedulePage key={schedule[1]} scheduleId={decodeURIComponent(schedule[1])} />;
  if (/^\/schedules\/?$/.test(path)) return <SchedulesPage />;
  if (/^\/oncall\/?$/.test(path)) return <OnCallPage />;
  if (/^\/respond\/?$/.test(path)) return <RespondPage />;
  return <NotFound />;
}
