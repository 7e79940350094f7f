import { useCallback, useEffect, useMemo, useState } from "react";
import { ArrowLeft, CalendarDays, CalendarRange, ChevronLeft, ChevronRight, Globe, Layers as LayersIcon, Pencil, UserCheck } from "lucide-react";
import { ApiError } from "../api/client";
import { oncallApi } from "../api/oncall";
import type { OnCallEntry, Override, Person, Restriction, ScheduleShifts, ScheduleSummary } from "../api/oncallTypes";
import { dayStarts, localZone, offsetLabel, startOfDay } from "../format/zone";
import { useCan } from "../hooks/useSession";
import AppHeader from "./AppHeader";
import "../styles/oncall.css";
import AppLink from "./AppLink";
import LoadFailedPage from "./LoadFailedPage";
import LayersEditor from "./LayersEditor";
import OnCallList from "./OnCallList";
import OverridesPanel from "./OverridesPanel";
import ScheduleTimeline, { timelineRows, userColours } from "./ScheduleTimeline";

const DAYS = 14;

function rotationHint(l: ScheduleSummary["layers"][number]): string {
  const rotation = l.rotation === "custom" ? `every ${l.shiftLength ?? "?"}` : l.rotation;
  return l.restrictions.length ? `${rotation}, restricted` : rotation;
}

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** "Mon–Fri 09:00–17:00, daily 20:00–08:00": same-day windows with equal hours are grouped by runs of days. */
function describeRestrictions(rs: Restriction[]): string {
  const parts: string[] = [];
  const sameDay = new Map<string, number[]>();
  for (const r of rs) {
    if (r.kind === "daily") parts.push(`daily ${r.startTime}–${r.endTime}`);
    else if (r.startDay === r.endDay && r.startTime < r.endTime) {
      const key = `${r.startTime}–${r.endTime}`;
      sameDay.set(key, [...(sameDay.get(key) ?? []), r.startDay ?? 0]);
    } else parts.push(`${DAY_NAMES[r.startDay ?? 0]} ${r.startTime} – ${DAY_NAMES[r.endDay ?? 0]} ${r.endTime}`);
  }
  for (const [hours, days] of sameDay) {
    const sorted = [...new Set(days)].sort((a, b) => a - b);
    const runs: string[] = [];
    for (let i = 0; i < sorted.length; i++) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      runs.push(j - i >= 2 ? `${DAY_NAMES[sorted[i]]}–${DAY_NAMES[sorted[j]]}` : sorted.slice(i, j + 1).map((d) => DAY_NAMES[d]).join(", "));
      i = j;
    }
    parts.unshift(`${runs.join(", ")} ${hours}`);
  }
  return parts.join("; ");
}

/** /schedules/:id — who is on call now, the next two weeks per layer and combined, overrides, layers, iCal. */
export default function SchedulePage({ scheduleId }: { scheduleId: string }) {
  const [schedule, setSchedule] = useState<ScheduleSummary | null>(null);
  const [users, setUsers] = useState<Person[]>([]);
  const [shifts, setShifts] = useState<ScheduleShifts | null>(null);
  const [overrides, setOverrides] = useState<Override[]>([]);
  const [onCall, setOnCall] = useState<OnCallEntry[] | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const [shiftError, setShiftError] = useState<string | null>(null);
  const [offsetDays, setOffsetDays] = useState(0);
  const [useMyZone, setUseMyZone] = useState(false);
  const [editing, setEditing] = useState(() => new URLSearchParams(location.search).get("edit") === "layers");
  const [version, setVersion] = useState(0);
  const [now, setNow] = useState(() => new Date());

  const zone = schedule ? (useMyZone ? localZone() : schedule.timeZone) : "UTC";
  const today = startOfDay(now, zone).getTime();
  // noon of the first day drawn: dayStarts() finds that day's midnight, whatever DST does in between
  const from = useMemo(() => new Date(today + offsetDays * 86400_000 + 12 * 3600_000), [today, offsetDays]);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([oncallApi.schedule(scheduleId, controller.signal), oncallApi.users(controller.signal).catch(() => [] as Person[])])
      .then(([s, u]) => {
        setSchedule(s);
        setUsers(u);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError({ status: err instanceof ApiError ? err.status : 0, message: err instanceof Error ? err.message : String(err) });
      });
    return () => controller.abort();
  }, [scheduleId, version]);

  useEffect(() => {
    if (!schedule) return;
    const controller = new AbortController();
    const [start, ...rest] = dayStarts(from, DAYS, zone);
    const end = rest[rest.length - 1];
    Promise.all([
      oncallApi.shifts(scheduleId, start, end, controller.signal),
      oncallApi.overrides(scheduleId, controller.signal),
      oncallApi.onCall({ schedule: scheduleId }, controller.signal),
    ])
      .then(([sh, ov, oc]) => {
        setShifts(sh);
        setOverrides(ov);
        setOnCall(oc);
        setShiftError(null);
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setShiftError(err instanceof Error ? err.message : String(err));
      });
    return () => controller.abort();
  }, [schedule, scheduleId, from, zone, version]);

  useEffect(() => {
    const t = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(t);
  }, []);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const names = useMemo(() => new Map(users.map((u) => [u.id, u.name])), [users]);
  const colours = useMemo(() => {
    const order = [...(schedule?.layers.flatMap((l) => l.users) ?? []), ...(shifts?.final.map((s) => s.userId) ?? []), ...overrides.map((o) => o.userId)];
    return userColours(order);
  }, [schedule, shifts, overrides]);
  const legend = [...colours.entries()];
  const canEdit = useCan("editor");

  if (error && !schedule) {
    return (
      <LoadFailedPage
        title={error.status === 404 ? `No schedule ${scheduleId}` : "The schedule could not be loaded"}
        message={error.message}
        backTo="/schedules"
        backLabel="All schedules"
      />
    );
  }

  return (
    <div className="page">
      <AppHeader />
      <main className="schedule-main">
        <AppLink to="/schedules" className="back-link small">
          <ArrowLeft size={14} /> Schedules
        </AppLink>
        {!schedule ? (
          <div className="muted pad">Loading schedule…</div>
        ) : (
          <>
            <div className="flows-head schedule-head">
              <div>
                <h1 data-testid="schedule-name">{schedule.name}</h1>
                <p className="muted">
                  <code>{schedule.id}</code>
                  {schedule.teamId && <> · team {schedule.teamId}</>}
                  {schedule.description && <> · {schedule.description}</>}
                </p>
              </div>
              <div className="flows-actions">
                <a className="button" href={oncallApi.scheduleCalendarUrl(schedule.id)} data-testid="ical-link" title="Subscribe in a calendar app (next 8 weeks)">
                  <CalendarDays size={16} /> iCal
                </a>
              </div>
            </div>

            <div className="schedule-columns">
              <section className="card" aria-labelledby="now-title">
                <h4 id="now-title">
                  <UserCheck size={14} /> On call now
                </h4>
                {onCall === null ? <p className="muted">…</p> : <OnCallList entries={onCall} names={names} zone={zone} empty="Nobody is on call on this schedule right now." />}
              </section>
              <section className="card" aria-labelledby="ical-title">
                <h4 id="ical-title">
                  <CalendarDays size={14} /> Calendars
                </h4>
                <ul className="plain-list small">
                  <li>
                    <a href={oncallApi.scheduleCalendarUrl(schedule.id)}>{schedule.name} (whole schedule)</a>
                  </li>
                  {legend
                    .filter(([id]) => names.has(id))
                    .map(([id]) => (
                      <li key={id}>
                        <a href={oncallApi.userCalendarUrl(id)} data-testid="user-ical-link">
                          {names.get(id)}’s shifts on every schedule
                        </a>
                      </li>
                    ))}
                </ul>
              </section>
            </div>

            <section className="card" aria-labelledby="timeline-title">
              <div className="card-head">
                <h4 id="timeline-title">
                  <CalendarRange size={14} /> Next two weeks
                </h4>
                <div className="card-tools">
                  <span className="zone-note small" data-testid="schedule-zone">
                    <Globe size={13} /> {zone} ({offsetLabel(zone, now)})
                  </span>
                  {schedule.timeZone !== localZone() && (
                    <button className="chip" onClick={() => setUseMyZone((v) => !v)}>
                      {useMyZone ? `Show in ${schedule.timeZone}` : "Show in my time zone"}
                    </button>
                  )}
                  <button className="icon-button" aria-label="Two weeks earlier" onClick={() => setOffsetDays((d) => d - DAYS)}>
                    <ChevronLeft size={16} />
                  </button>
                  <button className="chip" onClick={() => setOffsetDays(0)} disabled={offsetDays === 0}>
                    Today
                  </button>
                  <button className="icon-button" aria-label="Two weeks later" onClick={() => setOffsetDays((d) => d + DAYS)}>
                    <ChevronRight size={16} />
                  </button>
                </div>
              </div>
              {shiftError && <div className="problem-box">{shiftError}</div>}
              {shifts ? (
                <ScheduleTimeline
                  rows={timelineRows(shifts, schedule.layers.map(rotationHint))}
                  from={from}
                  days={DAYS}
                  zone={zone}
                  names={names}
                  colours={colours}
                  now={now}
                />
              ) : (
                !shiftError && <p className="muted">Drawing the schedule…</p>
              )}
              {legend.length > 0 && (
                <div className="sched-legend">
                  {legend.map(([id, colour]) => (
                    <span key={id}>
                      <span className="swatch" style={{ background: colour }} /> {names.get(id) ?? id}
                    </span>
                  ))}
                  <span>
                    <span className="swatch override" /> override
                  </span>
                  <span>
                    <span className="swatch gap" /> nobody on call
                  </span>
                </div>
              )}
            </section>

            <div className="schedule-columns">
              <section className="card" aria-labelledby="overrides-title">
                <h4 id="overrides-title">
                  <CalendarDays size={14} /> Overrides
                </h4>
                <OverridesPanel
                  key={zone}
                  scheduleId={schedule.id}
                  zone={zone}
                  overrides={overrides}
                  users={users}
                  names={names}
                  canEdit={canEdit}
                  onChanged={refresh}
                />
              </section>
              <section className="card" aria-labelledby="layers-title">
                <div className="card-head">
                  <h4 id="layers-title">
                    <LayersIcon size={14} /> Layers
                  </h4>
                  {canEdit && !editing && (
                    <button onClick={() => setEditing(true)} data-testid="edit-layers">
                      <Pencil size={15} /> Edit layers
                    </button>
                  )}
                </div>
                {editing && canEdit ? (
                  <LayersEditor
                    schedule={schedule}
                    users={users}
                    onCancel={() => setEditing(false)}
                    onSaved={(s) => {
                      setSchedule(s);
                      setEditing(false);
                    }}
                  />
                ) : (
                  <ol className="layer-summary">
                    {schedule.layers.map((l, i) => (
                      <li key={i}>
                        <strong>{l.name || `Layer ${i + 1}`}</strong> <span className="muted small">{rotationHint(l)} · {l.timeZone}</span>
                        <div className="small">{l.users.map((u) => names.get(u) ?? u).join(" → ") || <span className="muted">nobody</span>}</div>
                        {l.restrictions.length > 0 && <div className="muted small">{describeRestrictions(l.restrictions)}</div>}
                      </li>
                    ))}
                    {schedule.layers.length === 0 && <li className="muted">No layers yet.</li>}
                  </ol>
                )}
              </section>
            </div>
          </>
        )}
      </main>
    </div>
  );
}
