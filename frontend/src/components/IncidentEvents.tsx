import { CircleCheck, CircleMinus, KeyRound, Link2 } from "lucide-react";
import type { IncidentEvent } from "../api/oncallTypes";
import { absoluteTime } from "../format/time";
import AppLink from "./AppLink";
import SeverityBadge from "./SeverityBadge";

const ACTIONS: Record<string, string> = {
  opened: "opened this incident",
  attached: "was attached to this incident",
  acknowledged: "acknowledged this incident",
  resolved: "resolved this incident",
  ignored: "matched no open incident and was ignored",
};

/** The events of an incident, each with its explanation: every trigger's verdict, the dedup key, what it did. */
export default function IncidentEvents({ events, flowNames }: { events: IncidentEvent[]; flowNames?: Map<string, string> }) {
  if (!events.length) return <p className="muted">No events recorded.</p>;
  return (
    <ul className="event-list" data-testid="incident-events">
      {events.map((e) => {
        const x = e.explanation;
        return (
          <li key={e.id} className="event-card" data-testid="incident-event">
            <div className="event-head">
              <strong>{e.title || <span className="muted">(no title)</span>}</strong>
              <SeverityBadge severity={e.severity} />
              <span className="badge">{e.state}</span>
            </div>
            <div className="muted small">
              {e.source} · {absoluteTime(e.receivedAt)} · event <code>{e.id}</code>
            </div>
            <div className="explain" data-testid="event-explanation">
              <div className="explain-line">
                <KeyRound size={14} /> dedup key <code>{x?.dedupKey ?? e.dedupKey}</code>
              </div>
              {x?.incidentAction && (
                <div className="explain-line">
                  <Link2 size={14} /> The event {ACTIONS[x.incidentAction] ?? x.incidentAction}
                  {x.incidentId !== null && ` (#${x.incidentId})`}.
                </div>
              )}
              {x?.summary && <div className="explain-line">{x.summary}</div>}
              {x && x.triggers.length > 0 && (
                <table className="explain-table">
                  <thead>
                    <tr>
                      <th>Flow</th>
                      <th>Trigger</th>
                      <th>Verdict</th>
                    </tr>
                  </thead>
                  <tbody>
                    {x.triggers.map((t, n) => (
                      <tr key={`${t.flowId}:${t.nodeId}:${n}`} className={t.accepted ? "accepted" : "refused"} data-testid="trigger-verdict">
                        <td>
                          <AppLink to={`/flows/${encodeURIComponent(t.flowId)}`}>{flowNames?.get(t.flowId) ?? t.flowName}</AppLink>
                          {t.version !== null && <span className="muted small"> v{String(t.version)}</span>}
                        </td>
                        <td>
                          {t.nodeLabel ?? t.nodeId}
                          {t.nodeType && <div className="muted small">{t.nodeType}</div>}
                        </td>
                        <td>
                          <span className={t.accepted ? "verdict ok-text" : "verdict muted"}>
                            {t.accepted ? <CircleCheck size={14} /> : <CircleMinus size={14} />}
                            {t.accepted ? "started a run" : "did not start"}
                          </span>
                          {t.reason && <div className="small">{t.reason}</div>}
                          {t.runId && (
                            <AppLink to={`/runs/${encodeURIComponent(t.runId)}`} className="small">
                              run {t.runId}
                            </AppLink>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {x && x.triggers.length === 0 && <div className="explain-line muted">No active flow has a trigger for this event.</div>}
              {!x && <div className="explain-line muted">No explanation was recorded for this event.</div>}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
