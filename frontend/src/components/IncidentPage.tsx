import { useCallback, useEffect, useState } from "react";
import { ArrowLeft, BellRing, CircleCheck, ExternalLink, Eye, ListChecks, Radar, Server, Workflow } from "lucide-react";
import { ApiError, api } from "../api/client";
import { oncallApi } from "../api/oncall";
import type { Incident } from "../api/oncallTypes";
import { absoluteTime, relativeTime } from "../format/time";
import { useLiveReload } from "../hooks/useLiveReload";
import { useCan } from "../hooks/useSession";
import { useToasts } from "../hooks/useToasts";
import AppHeader from "./AppHeader";
import "../styles/oncall.css";
import AppLink from "./AppLink";
import LoadFailedPage from "./LoadFailedPage";
import IncidentAlerts from "./IncidentAlerts";
import IncidentEvents from "./IncidentEvents";
import IncidentStatusBadge from "./IncidentStatusBadge";
import IncidentTimeline from "./IncidentTimeline";
import RunStatusBadge from "./RunStatusBadge";
import SeverityBadge from "./SeverityBadge";

/** /incidents/:id — the incident with its timeline, events and their explanation, alerts and runs. */
export default function IncidentPage({ incidentId }: { incidentId: string }) {
  const [incident, setIncident] = useState<Incident | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const [busy, setBusy] = useState<"acknowledge" | "resolve" | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [flowNames, setFlowNames] = useState<Map<string, string>>(new Map());
  const toasts = useToasts();
  const canRespond = useCan("responder");

  useEffect(() => {
    // names for people and flows; the page works with ids when these cannot be read
    oncallApi.users().then((us) => setNames(new Map(us.map((u) => [u.id, u.name]))), () => undefined);
    api.listFlows().then((fs) => setFlowNames(new Map(fs.map((f) => [f.id, f.name]))), () => undefined);
  }, []);

  const load = useCallback(async () => {
    try {
      setIncident(await oncallApi.getIncident(incidentId));
      setError(null);
    } catch (err) {
      setError({ status: err instanceof ApiError ? err.status : 0, message: err instanceof Error ? err.message : String(err) });
    }
  }, [incidentId]);

  useEffect(() => {
    void load();
  }, [load]);
  useLiveReload(load, [incidentId], 20_000);

  const act = async (action: "acknowledge" | "resolve") => {
    if (!incident) return;
    setBusy(action);
    setActionError(null);
    try {
      await (action === "acknowledge" ? oncallApi.acknowledge(incident.id) : oncallApi.resolve(incident.id));
      toasts.show(action === "acknowledge" ? "Incident acknowledged" : "Incident resolved", "success");
      await load();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  if (error && !incident) {
    return (
      <LoadFailedPage
        title={error.status === 404 ? `No incident ${incidentId}` : "The incident could not be loaded"}
        message={error.message}
        backTo="/incidents"
        backLabel="All incidents"
      />
    );
  }

  return (
    <div className="page">
      <AppHeader />
      <main className="incident-main">
        <AppLink to="/incidents" className="back-link small">
          <ArrowLeft size={14} /> Incidents
        </AppLink>
        {!incident ? (
          <div className="muted pad">Loading incident…</div>
        ) : (
          <>
            <section className={`incident-head card status-${incident.status}`} data-testid="incident-head">
              <div className="incident-head-top">
                <div className="incident-head-title">
                  <div className="incident-badges">
                    <IncidentStatusBadge status={incident.status} large />
                    <SeverityBadge severity={incident.severity} />
                    <span className="muted small">#{incident.id}</span>
                  </div>
                  <h1 data-testid="incident-title">{incident.title}</h1>
                </div>
                {incident.status !== "resolved" && (
                  <div className="incident-actions">
                    <button
                      className="accent"
                      disabled={!canRespond || incident.status !== "triggered" || busy !== null}
                      title={canRespond ? undefined : "Responders and above acknowledge incidents"}
                      onClick={() => act("acknowledge")}
                      data-testid="acknowledge"
                    >
                      <Eye size={16} /> {busy === "acknowledge" ? "Acknowledging…" : "Acknowledge"}
                    </button>
                    <button
                      className="primary"
                      disabled={!canRespond || busy !== null}
                      title={canRespond ? undefined : "Responders and above resolve incidents"}
                      onClick={() => act("resolve")}
                      data-testid="resolve"
                    >
                      <CircleCheck size={16} /> {busy === "resolve" ? "Resolving…" : "Resolve"}
                    </button>
                  </div>
                )}
              </div>
              {actionError && (
                <div className="problem-box" role="alert" data-testid="action-error">
                  {actionError}
                </div>
              )}
              <dl className="incident-facts">
                <div>
                  <dt>
                    <Server size={13} /> Service
                  </dt>
                  <dd>{incident.service ?? <span className="muted">—</span>}</dd>
                </div>
                <div>
                  <dt>Opened</dt>
                  <dd title={absoluteTime(incident.createdAt)}>{relativeTime(incident.createdAt)}</dd>
                </div>
                <div>
                  <dt>Acknowledged</dt>
                  <dd>{incident.acknowledgedAt ? absoluteTime(incident.acknowledgedAt) : <span className="muted">—</span>}</dd>
                </div>
                <div>
                  <dt>Resolved</dt>
                  <dd>{incident.resolvedAt ? absoluteTime(incident.resolvedAt) : <span className="muted">—</span>}</dd>
                </div>
                <div>
                  <dt>Events</dt>
                  <dd>{incident.eventCount}</dd>
                </div>
                <div>
                  <dt>Dedup key</dt>
                  <dd>
                    <code>{incident.dedupKey}</code>
                  </dd>
                </div>
              </dl>
              {incident.entities.length > 0 && (
                <div className="entity-chips" data-testid="incident-entities">
                  <span className="muted small">Impacted</span>
                  {incident.entities.map((e, n) => (
                    <span key={n} className="entity-chip" title={e.kind ?? undefined}>
                      {e.name}
                    </span>
                  ))}
                </div>
              )}
              {incident.links.length > 0 && (
                <div className="link-list">
                  {incident.links.map((l, n) => (
                    <a key={n} href={l.url} target="_blank" rel="noreferrer noopener">
                      <ExternalLink size={13} /> {l.text}
                    </a>
                  ))}
                </div>
              )}
            </section>

            <div className="incident-columns">
              <section className="card" aria-labelledby="timeline-title">
                <h4 id="timeline-title">
                  <ListChecks size={14} /> Timeline
                </h4>
                <IncidentTimeline entries={incident.timeline} names={names} />
              </section>
              <div className="incident-side">
                <section className="card" aria-labelledby="alerts-title">
                  <h4 id="alerts-title">
                    <BellRing size={14} /> Alerts and who was notified
                  </h4>
                  <IncidentAlerts alerts={incident.alerts} names={names} />
                </section>
                <section className="card" aria-labelledby="events-title">
                  <h4 id="events-title">
                    <Radar size={14} /> Events and why they did what they did
                  </h4>
                  <IncidentEvents events={incident.events} flowNames={flowNames} />
                </section>
                <section className="card" aria-labelledby="runs-title">
                  <h4 id="runs-title">
                    <Workflow size={14} /> Runs
                  </h4>
                  {incident.runs.length === 0 ? (
                    <p className="muted">No flow ran for this incident.</p>
                  ) : (
                    <ul className="plain-list" data-testid="incident-runs">
                      {incident.runs.map((r) => (
                        <li key={r.id}>
                          <RunStatusBadge status={r.status as never} />
                          <AppLink to={`/runs/${encodeURIComponent(r.id)}`}>{r.flowName}</AppLink>
                          <span className="muted small"> · run {r.id} · {relativeTime(r.startedAt)}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              </div>
            </div>
          </>
        )}
      </main>
    </div>
  );
}
