import { useCallback, useEffect, useMemo, useState } from "react";
import { Radio, Search, Siren } from "lucide-react";
import { oncallApi } from "../api/oncall";
import { INCIDENT_STATUSES, SEVERITIES, type IncidentSummary } from "../api/oncallTypes";
import { absoluteTime, relativeTime } from "../format/time";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { useLiveReload } from "../hooks/useLiveReload";
import AppHeader from "./AppHeader";
import "../styles/oncall.css";
import AppLink from "./AppLink";
import IncidentStatusBadge from "./IncidentStatusBadge";
import SeverityBadge from "./SeverityBadge";

interface Filter {
  status: string;
  severity: string;
  q: string;
}

function readFilter(): Filter {
  const p = new URLSearchParams(location.search);
  return { status: p.get("status") ?? "", severity: p.get("severity") ?? "", q: p.get("q") ?? "" };
}

function writeFilter(f: Filter) {
  const p = new URLSearchParams();
  if (f.status) p.set("status", f.status);
  if (f.severity) p.set("severity", f.severity);
  if (f.q) p.set("q", f.q);
  const query = p.toString();
  history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}`);
}

/** /incidents — every incident, newest first, filtered by status, severity and text; refreshed live. */
export default function IncidentsPage() {
  const [filter, setFilter] = useState<Filter>(readFilter);
  const q = useDebouncedValue(filter.q.trim(), 200);
  const [incidents, setIncidents] = useState<IncidentSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [now, setNow] = useState(Date.now());

  useEffect(() => writeFilter({ ...filter, q }), [filter.status, filter.severity, q]);

  useEffect(() => {
    const controller = new AbortController();
    oncallApi
      .listIncidents({ status: filter.status, severity: filter.severity, q }, controller.signal)
      .then((items) => {
        setIncidents(items);
        setError(null);
        setNow(Date.now());
      })
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      });
    return () => controller.abort();
  }, [filter.status, filter.severity, q, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const openIds = useMemo(() => (incidents ?? []).filter((i) => i.status !== "resolved").slice(0, 40).map((i) => i.id), [incidents]);
  useLiveReload(reload, openIds, 30_000, true); // new incidents arrive through the `incidents` room

  const set = (change: Partial<Filter>) => setFilter((f) => ({ ...f, ...change }));
  const filtered = Boolean(filter.status || filter.severity || q);

  return (
    <div className="page">
      <AppHeader />
      <main className="flows-main">
        <div className="flows-head">
          <div>
            <h1>Incidents</h1>
            <p className="muted">Events correlated by dedup key, from the first alert until resolved.</p>
          </div>
          <span className="live-note muted small" title="The list follows incident updates and re-reads every 10 s">
            <Radio size={14} /> live
          </span>
        </div>

        <div className="filter-bar" data-testid="incident-filters">
          <div className="segmented" role="group" aria-label="Status">
            {["", ...INCIDENT_STATUSES].map((s) => (
              <button
                key={s || "all"}
                className={filter.status === s ? "active" : ""}
                aria-pressed={filter.status === s}
                onClick={() => set({ status: s })}
                data-testid={`status-filter-${s || "all"}`}
              >
                {s ? <span className={`status-dot incident-${s}`} aria-hidden="true" /> : null}
                {s || "all"}
              </button>
            ))}
          </div>
          <select
            value={filter.severity}
            onChange={(e) => set({ severity: e.target.value })}
            aria-label="Severity"
            className="severity-select"
            data-testid="severity-filter"
          >
            <option value="">any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <div className="search-box grow">
            <Search size={16} />
            <input
              type="search"
              placeholder="Search title, service, dedup key"
              value={filter.q}
              onChange={(e) => set({ q: e.target.value })}
              aria-label="Search incidents"
              data-testid="incident-search"
            />
          </div>
        </div>

        {error && <div className="problem-box">{error}</div>}
        {incidents === null && !error && <div className="muted pad">Loading incidents…</div>}
        {incidents?.length === 0 && (
          <div className="empty-state" data-testid="incidents-empty">
            <Siren size={40} strokeWidth={1.4} />
            {filtered ? (
              <p>No incident matches these filters.</p>
            ) : (
              <>
                <h2>No incidents</h2>
                <p>Incidents open when an event reaches mendflow (a webhook, the API, a monitor) and a flow or the correlation picks it up.</p>
              </>
            )}
          </div>
        )}
        {incidents && incidents.length > 0 && (
          <div className="incident-list" data-testid="incident-list" role="list">
            <div className="incident-row incident-row-head" aria-hidden="true">
              <span>Status</span>
              <span>Severity</span>
              <span>Incident</span>
              <span>Service</span>
              <span>Age</span>
              <span className="num">Events</span>
            </div>
            {incidents.map((i) => (
              <AppLink
                key={i.id}
                to={`/incidents/${i.id}`}
                className={`incident-row status-${i.status}`}
                role="listitem"
                data-testid="incident-row"
                data-incident-id={i.id}
              >
                <span>
                  <IncidentStatusBadge status={i.status} />
                </span>
                <span>
                  <SeverityBadge severity={i.severity} />
                </span>
                <span className="incident-title-cell">
                  <span className="incident-title">
                    <span className="muted">#{i.id}</span> {i.title}
                  </span>
                  {i.entities.length > 0 && (
                    <span className="entity-line muted small">{i.entities.map((e) => e.name).join(" · ")}</span>
                  )}
                </span>
                <span className="service-cell">{i.service ?? <span className="muted">—</span>}</span>
                <span className="muted" title={absoluteTime(i.createdAt)}>
                  {relativeTime(i.createdAt, now)}
                </span>
                <span className="num" title={`${i.eventCount} event(s)`}>
                  {i.eventCount}
                  <span className="events-word"> event{i.eventCount === 1 ? "" : "s"}</span>
                </span>
              </AppLink>
            ))}
          </div>
        )}
      </main>
    </div>
  );
}
