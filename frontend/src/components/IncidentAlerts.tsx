import { Inbox, Mail, MessageSquare, Webhook, type LucideIcon } from "lucide-react";
import type { Alert } from "../api/oncallTypes";
import { absoluteTime } from "../format/time";
import AppLink from "./AppLink";

const CHANNEL_ICONS: Record<string, LucideIcon> = { email: Mail, chat: MessageSquare, webhook: Webhook, inbox: Inbox, app: Inbox };

function alertState(a: Alert, names?: Map<string, string>): string {
  if (a.status === "open") return "waiting for a response";
  if (a.response) return `${(a.responder && names?.get(a.responder)) ?? a.responder ?? "someone"} chose “${a.response}”`;
  return a.status.replace(/_/g, " ");
}

/** The alerts of an incident: who was notified, on which channel, when, at which escalation level, and why. */
export default function IncidentAlerts({ alerts, names }: { alerts: Alert[]; names?: Map<string, string> }) {
  if (!alerts.length) return <p className="muted">No alerts were sent for this incident.</p>;
  return (
    <ul className="alert-list" data-testid="incident-alerts">
      {alerts.map((a) => (
        <li key={a.id} className="alert-card" data-testid="incident-alert">
          <div className="event-head">
            <strong>{a.subject || a.message}</strong>
            <span className={`badge alert-${a.status}`}>{a.status.replace(/_/g, " ")}</span>
          </div>
          {a.subject && a.message && a.message !== a.subject && <div className="small">{a.message}</div>}
          <div className="muted small">
            {absoluteTime(a.createdAt)} · to {a.recipients.join(", ") || "—"} · {alertState(a, names)} ·{" "}
            <AppLink to={`/runs/${encodeURIComponent(a.runId)}`}>run {a.runId}</AppLink> step {a.nodeId}
          </div>
          {a.notifications.length > 0 ? (
            <table className="explain-table notify-table" data-testid="notifications">
              <thead>
                <tr>
                  <th>Who</th>
                  <th>How</th>
                  <th>When</th>
                  <th>Level</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {a.notifications.map((n, i) => {
                  const Icon = CHANNEL_ICONS[n.channel] ?? Inbox;
                  return (
                    <tr key={n.id ?? i} data-testid="notification" className={n.status === "failed" ? "refused" : ""}>
                      <td className="nowrap">
                        <strong title={n.userId}>{n.userName ?? names?.get(n.userId) ?? n.userId}</strong>
                      </td>
                      <td>
                        <span className="channel nowrap">
                          <Icon size={14} /> {n.channel}
                        </span>
                        {n.address && <div className="muted small address">{n.address}</div>}
                        {n.status !== "sent" && (
                          <div className={n.status === "failed" ? "small field-hint error" : "small muted"}>
                            {n.status}
                            {n.error && `: ${n.error}`}
                          </div>
                        )}
                      </td>
                      <td className="nowrap">{absoluteTime(n.sentAt)}</td>
                      <td className="nowrap">
                        {n.level !== null ? `level ${n.level}` : "—"}
                        {n.round !== null && n.round > 1 && <div className="muted small">round {n.round}</div>}
                      </td>
                      <td>
                        {n.via && <div className="small">{n.via}</div>}
                        <div className="small muted">{n.reason}</div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : (
            <p className="muted small">No notification recorded.</p>
          )}
        </li>
      ))}
    </ul>
  );
}
