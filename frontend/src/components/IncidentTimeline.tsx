import {
  ArrowLeftRight, ArrowUpRight, BellRing, CircleCheck, CircleDot, CircleX, Eye, FilePen, Flag, Hash, MessageCircleReply,
  Play, Plus, Send, Siren, Terminal, Ticket, Timer, type LucideIcon,
} from "lucide-react";
import type { TimelineEntry } from "../api/oncallTypes";
import { absoluteTime, relativeTime } from "../format/time";
import AppLink from "./AppLink";

const KIND_ICONS: Record<string, LucideIcon> = {
  triggered: Siren,
  acknowledged: Eye,
  resolved: CircleCheck,
  event_attached: Plus,
  run_started: Play,
  run_finished: Flag,
  step_failed: CircleX,
  alert_sent: BellRing,
  notification_sent: Send,
  notified: Send,
  escalated: ArrowUpRight,
  alert_escalated: ArrowUpRight,
  alert_response: MessageCircleReply,
  alert_timeout: Timer,
  ticket_created: Ticket,
  ticket_updated: FilePen,
  channel_created: Hash,
  runbook_finished: Terminal,
  deploy_switched: ArrowLeftRight,
};

/** The icon of a timeline entry's kind; kinds added later fall back to a dot. */
export function timelineIcon(kind: string): LucideIcon {
  return KIND_ICONS[kind] ?? CircleDot;
}

function tone(kind: string): string {
  if (kind === "triggered" || kind === "step_failed") return "bad";
  if (kind === "acknowledged" || kind === "alert_timeout" || kind.includes("escalat")) return "warn";
  if (kind === "resolved" || kind === "alert_response") return "good";
  return "plain";
}

/** Everything that happened to an incident, oldest first: kind icon, actor, time, message, link to the run. */
export default function IncidentTimeline({
  entries,
  compact = false,
  names,
}: {
  entries: TimelineEntry[];
  compact?: boolean;
  /** User ids to names: actors that are people show their name (the id stays in the tooltip). */
  names?: Map<string, string>;
}) {
  if (!entries.length) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <ol className={`timeline${compact ? " compact" : ""}`} data-testid="timeline">
      {entries.map((e, n) => {
        const Icon = timelineIcon(e.kind);
        return (
          <li key={e.id ?? n} className={`timeline-entry tone-${tone(e.kind)}`} data-testid="timeline-entry" data-kind={e.kind}>
            <span className="timeline-icon" title={e.kind.replace(/_/g, " ")}>
              <Icon size={compact ? 13 : 15} />
            </span>
            <div className="timeline-body">
              <div className="timeline-meta">
                <strong className="timeline-actor" data-testid="timeline-actor" data-actor={e.actor} title={names?.has(e.actor) ? e.actor : undefined}>
                  {names?.get(e.actor) ?? e.actor}
                </strong>
                <time dateTime={e.at} title={absoluteTime(e.at)}>
                  {compact ? relativeTime(e.at) : absoluteTime(e.at)}
                </time>
                {!compact && <span className="timeline-kind">{e.kind.replace(/_/g, " ")}</span>}
              </div>
              <div className="timeline-message">{e.message}</div>
              {!compact && e.runId && (
                <AppLink to={`/runs/${encodeURIComponent(e.runId)}`} className="timeline-link small">
                  run {e.runId}
                  {e.nodeId && <> · step {e.nodeId}</>}
                </AppLink>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
