import { Inbox, Mail, MessageSquare, Webhook, type LucideIcon } from "lucide-react";
import type { Alert, Notification } from "../api/oncallTypes";
import { absoluteTime } from "../format/time";
import AppLink from "./AppLink";

const CHANNEL_ICONS: Record<string, LucideIcon> = { email: Mail, chat: MessageSquare, webhook: Webhook, inbox: Inbox, app: Inbox };

function alertState(a: Alert, names?: Map<string, string>): string {
  if (a.status === "open") return "waiting for a response";
  if (a.response) return `${(a.responder && names?.get(a.responder)) ?? a.responder ?? "someone"} chose “${a.response}”`;
  return a.status.replace(/_/g, " ");
}

/** One person paged at one escalation step, on every channel they were reached on (the reason is said once). */
interface Paged {
  userId: string;
  userName: string | null;
  level: number | null;
  round: number | null;
  via: string;
  reason: string;
  sentAt: string | null;
  channels: Notification[];
}

function byPerson(notifications: Notification[]): Paged[] {
  const groups = new Map<string, Paged>();
  for (const n of notifications) {
    const key = `${n.userId}|${n.level}|${n.round}|${n.via}|${n.reason}`;
    const g = groups.get(key);
    if (g) g.channels.push(n);
    else groups.set(key, { userId: n.userId, userName: n.userName, level: n.level, round: n.round, via: n.via, reason: n.reason, sentAt: n.sentAt, channels: [n] });
  }
  return [...groups.values()];
}

/** Levels and rounds are numbered from 0 on the wire; people count from 1. */
function levelText(p: Paged): string {
  if (p.level === null) return "—";
  return `level ${p.level + 1}${p.round ? `, round ${p.round + 1}` : ""}`;
}

/** The alerts of an incident: who was notified, on which channels, when, at which escalation level, and why. */
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
                {byPerson(a.notifications).map((p, i) => (
                  <tr key={`${p.userId}-${i}`} data-testid="notification">
                    <td className="nowrap">
                      <strong title={p.userId}>{p.userName ?? names?.get(p.userId) ?? p.userId}</strong>
                    </td>
                    <td>
                      <ul className="channel-list">
                        {p.channels.map((n, k) => {
                          const Icon = CHANNEL_ICONS[n.channel] ?? Inbox;
                          const ok = n.status === "sent" || n.status === "delivered";
                          return (
                            <li key={n.id ?? k} className={ok ? "" : "channel-not-sent"} title={[n.address, n.error].filter(Boolean).join(" — ") || undefined} data-channel={n.channel}>
                              <span className="channel nowrap">
                                <Icon size={14} /> {n.channel}
                                {!ok && <span className="channel-status"> · {n.status}</span>}
                              </span>
                              {n.error && <div className="small channel-error">{n.error}</div>}
                            </li>
                          );
                        })}
                      </ul>
                    </td>
                    <td className="nowrap">{absoluteTime(p.sentAt)}</td>
                    <td className="nowrap">{levelText(p)}</td>
                    <td>
                      {p.via && <div className="small">{p.via}</div>}
                      <div className="small muted">{p.reason}</div>
                    </td>
                  </tr>
                ))}
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
