import { useEffect, useState } from "react";
import { CalendarDays, RefreshCw, Users } from "lucide-react";
import { oncallApi } from "../api/oncall";
import type { OnCallEntry, Person, ScheduleSummary, Team } from "../api/oncallTypes";
import { localZone, offsetLabel } from "../format/zone";
import AppHeader from "./AppHeader";
import "../styles/oncall.css";
import AppLink from "./AppLink";
import OnCallList from "./OnCallList";

interface Board {
  teams: { team: Team; entries: OnCallEntry[] | string }[];
  schedules: { schedule: ScheduleSummary; entries: OnCallEntry[] | string }[];
  names: Map<string, string>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** /oncall — who is on call now, per team (whom an alert to the team reaches) and per schedule, with reasons. */
export default function OnCallPage() {
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      const [teams, schedules, users] = await Promise.all([
        oncallApi.teams(signal),
        oncallApi.schedules(signal),
        oncallApi.users(signal).catch(() => [] as Person[]),
      ]);
      const ask = (target: { team?: string; schedule?: string }) => oncallApi.onCall(target, signal).catch(message);
      const [teamEntries, scheduleEntries] = await Promise.all([
        Promise.all(teams.map((t) => ask({ team: t.id }))),
        Promise.all(schedules.map((s) => ask({ schedule: s.id }))),
      ]);
      setBoard({
        teams: teams.map((team, i) => ({ team, entries: teamEntries[i] })),
        schedules: schedules.map((schedule, i) => ({ schedule, entries: scheduleEntries[i] })),
        names: new Map(users.map((u) => [u.id, u.name])),
      });
      setError(null);
    })().catch((err: unknown) => {
      if (!signal.aborted) setError(message(err));
    });
    return () => controller.abort();
  }, [tick]);

  const entries = (e: OnCallEntry[] | string, empty: string, showSchedule = false) =>
    typeof e === "string" ? (
      <div className="field-hint error">{e}</div>
    ) : (
      <OnCallList entries={e} names={board?.names} empty={empty} showSchedule={showSchedule} />
    );

  return (
    <div className="page">
      <AppHeader />
      <main className="flows-main">
        <div className="flows-head">
          <div>
            <h1>Who is on call</h1>
            <p className="muted">
              Right now, per team and per schedule, and why. Times in {localZone()} ({offsetLabel(localZone())}).
            </p>
          </div>
          <button onClick={() => setTick((t) => t + 1)}>
            <RefreshCw size={16} /> Refresh
          </button>
        </div>
        {error && <div className="problem-box">{error}</div>}
        {!board && !error && <div className="muted pad">Looking up who is on call…</div>}
        {board && (
          <div className="oncall-board">
            <section>
              <h4>
                <Users size={14} /> Teams
              </h4>
              {board.teams.length === 0 && <p className="muted">No teams.</p>}
              <div className="schedule-cards">
                {board.teams.map(({ team, entries: e }) => (
                  <div key={team.id} className="card" data-testid="team-oncall" data-team-id={team.id}>
                    <div className="schedule-card-head">
                      <Users size={18} />
                      <strong>{team.name}</strong>
                      <span className="muted small">{team.members.length} member{team.members.length === 1 ? "" : "s"}</span>
                    </div>
                    {entries(e, "Nobody would be paged for this team.", true)}
                  </div>
                ))}
              </div>
            </section>
            <section>
              <h4>
                <CalendarDays size={14} /> Schedules
              </h4>
              {board.schedules.length === 0 && <p className="muted">No schedules.</p>}
              <div className="schedule-cards">
                {board.schedules.map(({ schedule, entries: e }) => (
                  <div key={schedule.id} className="card" data-testid="schedule-oncall-card">
                    <div className="schedule-card-head">
                      <CalendarDays size={18} />
                      <AppLink to={`/schedules/${encodeURIComponent(schedule.id)}`}>
                        <strong>{schedule.name}</strong>
                      </AppLink>
                    </div>
                    {entries(e, "Nobody is on call on this schedule right now.")}
                  </div>
                ))}
              </div>
            </section>
          </div>
        )}
      </main>
    </div>
  );
}
