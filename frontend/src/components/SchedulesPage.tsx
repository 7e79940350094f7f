import { useEffect, useState } from "react";
import { CalendarClock, CalendarDays, Globe, Plus, Users } from "lucide-react";
import { oncallApi } from "../api/oncall";
import type { OnCallEntry, Person, ScheduleSummary } from "../api/oncallTypes";
import { offsetLabel } from "../format/zone";
import { useCan } from "../hooks/useSession";
import AppHeader from "./AppHeader";
import "../styles/oncall.css";
import AppLink from "./AppLink";
import CreateScheduleDialog from "./CreateScheduleDialog";

/** /schedules — every schedule with its team, time zone, layers and who is on call on it now. */
export default function SchedulesPage() {
  const [schedules, setSchedules] = useState<ScheduleSummary[] | null>(null);
  const [onCall, setOnCall] = useState<Map<string, OnCallEntry[]>>(new Map());
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const canEdit = useCan("editor");

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    oncallApi
      .schedules(signal)
      .then(async (list) => {
        setSchedules(list);
        setError(null);
        const users = await oncallApi.users(signal).catch(() => [] as Person[]);
        setNames(new Map(users.map((u) => [u.id, u.name])));
        const now = await Promise.all(list.map((s) => oncallApi.onCall({ schedule: s.id }, signal).catch(() => [] as OnCallEntry[])));
        setOnCall(new Map(list.map((s, i) => [s.id, now[i]])));
      })
      .catch((err: unknown) => {
        if (!signal.aborted) setError(err instanceof Error ? err.message : String(err));
      });
    return () => controller.abort();
  }, []);

  return (
    <div className="page">
      <AppHeader />
      <main className="flows-main">
        <div className="flows-head">
          <div>
            <h1>Schedules</h1>
            <p className="muted">Layers of rotations, combined into who is on call; overrides on top.</p>
          </div>
          <div className="flows-actions">
            <AppLink to="/oncall" className="button">
              <Users size={16} /> Who is on call
            </AppLink>
            {canEdit && (
              <button className="primary" onClick={() => setCreating(true)} data-testid="new-schedule">
                <Plus size={16} /> New schedule
              </button>
            )}
          </div>
        </div>
        {error && <div className="problem-box">{error}</div>}
        {schedules === null && !error && <div className="muted pad">Loading schedules…</div>}
        {schedules?.length === 0 && (
          <div className="empty-state" data-testid="schedules-empty">
            <CalendarClock size={40} strokeWidth={1.4} />
            <h2>No schedules yet</h2>
            <p>A schedule says who is on call when: layers of rotations, combined, with overrides on top.</p>
            {canEdit && (
              <button className="primary" onClick={() => setCreating(true)}>
                <Plus size={16} /> New schedule
              </button>
            )}
          </div>
        )}
        {schedules && schedules.length > 0 && (
          <div className="schedule-cards" data-testid="schedule-list">
            {schedules.map((s) => {
              const now = onCall.get(s.id);
              return (
                <AppLink key={s.id} to={`/schedules/${encodeURIComponent(s.id)}`} className="schedule-card card" data-testid="schedule-card" data-schedule-id={s.id}>
                  <div className="schedule-card-head">
                    <CalendarDays size={18} />
                    <strong>{s.name}</strong>
                  </div>
                  <div className="muted small">
                    {s.teamId && <>team {s.teamId} · </>}
                    <Globe size={12} /> {s.timeZone} ({offsetLabel(s.timeZone)}) · {s.layers.length} layer{s.layers.length === 1 ? "" : "s"}
                  </div>
                  <div className="schedule-card-now">
                    <span className="muted small">On call now</span>{" "}
                    {now === undefined ? (
                      <span className="muted">…</span>
                    ) : now.length ? (
                      <strong data-testid="schedule-oncall">{now.map((e) => e.userName ?? names.get(e.userId) ?? e.userId).join(", ")}</strong>
                    ) : (
                      <span className="field-hint error">nobody</span>
                    )}
                  </div>
                </AppLink>
              );
            })}
          </div>
        )}
      </main>
      {creating && <CreateScheduleDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
