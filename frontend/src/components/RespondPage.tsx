import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { BellRing, RefreshCw } from "lucide-react";
import { oncallApi } from "../api/oncall";
import type { MyAlert } from "../api/oncallTypes";
import { useLiveReload } from "../hooks/useLiveReload";
import AlertCard, { type Outcome } from "./AlertCard";
import AppHeader from "./AppHeader";
import "../styles/oncall.css";

interface Answered {
  alert: MyAlert;
  outcome: Outcome;
}

/** /respond — the responder page, made for a phone: my open alerts with their context and one tap to answer. */
export default function RespondPage() {
  const [alerts, setAlerts] = useState<MyAlert[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Answered here: kept on screen with the confirmation after the alert leaves the open list.
  const [answered, setAnswered] = useState<Map<number, Answered>>(new Map());
  const [loading, setLoading] = useState(false);
  const [names, setNames] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    oncallApi.users().then((us) => setNames(new Map(us.map((u) => [u.id, u.name]))), () => undefined);
  }, []);

  const answeredRef = useRef(answered);
  answeredRef.current = answered;

  /** My open alerts; and for the alerts answered here, their incident as it is now (the flow goes on). */
  const load = useCallback(async (just?: Answered) => {
    setLoading(true);
    try {
      const open = await oncallApi.myAlerts();
      setAlerts(open);
      setError(null);
      const openIds = new Set(open.map((a) => a.id));
      const mine = [...answeredRef.current.values(), ...(just ? [just] : [])];
      const stale = mine.filter((x) => !openIds.has(x.alert.id) && x.alert.incidentId !== null);
      const fresh = await Promise.all(stale.map((x) => oncallApi.getIncident(x.alert.incidentId!).catch(() => null)));
      setAnswered((m) => {
        const next = new Map(m);
        stale.forEach((x, i) => {
          const incident = fresh[i];
          const current = next.get(x.alert.id);
          if (incident && current) next.set(x.alert.id, { ...current, alert: { ...current.alert, incident, recentTimeline: incident.timeline.slice(-5) } });
        });
        return next;
      });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const shown = useMemo(() => {
    const open = alerts ?? [];
    const ids = new Set(open.map((a) => a.id));
    const gone = [...answered.values()].filter((a) => !ids.has(a.alert.id)).map((a) => a.alert);
    return [...open, ...gone];
  }, [alerts, answered]);

  const incidentIds = useMemo(() => shown.map((a) => a.incidentId).filter((id): id is number => id !== null), [shown]);
  useLiveReload(load, incidentIds, 10_000);

  const record = (alert: MyAlert) => (outcome: Outcome) => {
    const entry = { alert, outcome };
    setAnswered((m) => new Map(m).set(alert.id, entry));
    if (outcome.tone !== "error") void load(entry);
  };

  const settled = (id: number) => answered.get(id)?.outcome.tone === "done" || answered.get(id)?.outcome.tone === "conflict";
  const openCount = (alerts ?? []).filter((a) => !settled(a.id)).length;
  return (
    <div className="page respond-page">
      <AppHeader />
      <main className="respond-main">
        <div className="respond-head">
          <h1>
            My alerts{alerts !== null && <span className={`count-pill${openCount ? "" : " zero"}`} data-testid="alert-count">{openCount}</span>}
          </h1>
          <button className="icon-button" onClick={() => void load()} aria-label="Refresh" title="Refresh" disabled={loading}>
            <RefreshCw size={18} className={loading ? "spin" : undefined} />
          </button>
        </div>
        {error && <div className="problem-box">{error}</div>}
        {alerts === null && !error && <div className="muted pad">Loading your alerts…</div>}
        {alerts !== null && shown.length === 0 && (
          <div className="empty-state respond-empty" data-testid="no-alerts">
            <BellRing size={36} strokeWidth={1.4} />
            <h2>Nothing needs you</h2>
            <p>When a flow pages you, the alert appears here with its incident and the buttons to answer.</p>
          </div>
        )}
        <div className="respond-list">
          {shown.map((a) => (
            <AlertCard key={a.id} alert={a} outcome={answered.get(a.id)?.outcome ?? null} onOutcome={record(a)} names={names} />
          ))}
        </div>
      </main>
    </div>
  );
}
