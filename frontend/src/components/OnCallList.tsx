import { UserCheck } from "lucide-react";
import type { OnCallEntry } from "../api/oncallTypes";
import { formatInZone, localZone } from "../format/zone";

/** Who is on call, each with the reason (layer, override, team membership) and until when. */
export default function OnCallList({
  entries,
  names,
  zone = localZone(),
  empty = "Nobody is on call.",
  showSchedule = false,
}: {
  entries: OnCallEntry[];
  names?: Map<string, string>;
  zone?: string;
  empty?: string;
  /** Say which schedule each person is on call on (a team's list spans its schedules). */
  showSchedule?: boolean;
}) {
  if (!entries.length) return <p className="muted oncall-empty" data-testid="oncall-empty">{empty}</p>;
  return (
    <ul className="oncall-list" data-testid="oncall-list">
      {entries.map((e, n) => (
        <li key={`${e.userId}-${n}`} data-testid="oncall-entry">
          <span className="oncall-avatar" aria-hidden="true">
            <UserCheck size={16} />
          </span>
          <div>
            <strong>{e.userName ?? names?.get(e.userId) ?? e.userId}</strong>
            {e.until && <span className="muted small"> until {formatInZone(e.until, zone)}</span>}
            {showSchedule && e.scheduleName && <div className="small" data-testid="oncall-schedule">on {e.scheduleName}</div>}
            <div className="small muted" data-testid="oncall-reason">
              {e.reason}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
