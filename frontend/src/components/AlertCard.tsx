import { useState } from "react";
import { ChevronRight, CircleCheck, Clock, ExternalLink, Eye, Server, TriangleAlert } from "lucide-react";
import { ApiError } from "../api/client";
import { oncallApi } from "../api/oncall";
import type { MyAlert } from "../api/oncallTypes";
import { relativeTime } from "../format/time";
import AppLink from "./AppLink";
import IncidentStatusBadge from "./IncidentStatusBadge";
import IncidentTimeline from "./IncidentTimeline";
import { useCan } from "../hooks/useSession";
import SeverityBadge from "./SeverityBadge";

export type Outcome = { tone: "done" | "conflict" | "error"; text: string; choice?: string };

function until(iso: string | null): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso) - Date.now();
  if (Number.isNaN(ms)) return null;
  if (ms <= 0) return "expired";
  const min = Math.round(ms / 60000);
  return min < 60 ? `expires in ${min} min` : `expires in ${Math.round(min / 60)} h`;
}

/**
 * One alert on the responder page: the incident's context, one big button per response option, and
 * Acknowledge / Resolve for the incident. The answer stays on the card (`outcome`) after the alert closes.
 */
export default function AlertCard({
  alert,
  outcome,
  onOutcome,
  names,
}: {
  alert: MyAlert;
  names?: Map<string, string>;
  outcome: Outcome | null;
  onOutcome: (o: Outcome) => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [incidentNote, setIncidentNote] = useState<{ tone: "done" | "error"; text: string } | null>(null);
  const incident = alert.incident;
  const canRespond = useCan("responder");
  const answered = outcome?.tone === "done" || outcome?.tone === "conflict";
  const severity = incident?.severity ?? "warning";

  const respond = async (choice: string) => {
    setBusy(choice);
    try {
      await oncallApi.respond(alert.id, choice);
      onOutcome({ tone: "done", choice, text: `You chose “${choice}”. The flow goes on from here.` });
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      onOutcome({ tone: err instanceof ApiError && (err.status === 409 || err.status === 410) ? "conflict" : "error", text });
    } finally {
      setBusy(null);
    }
  };

  const incidentAction = async (action: "acknowledge" | "resolve") => {
    if (!incident) return;
    setBusy(action);
    try {
      await (action === "acknowledge" ? oncallApi.acknowledge(incident.id) : oncallApi.resolve(incident.id));
      setIncidentNote({ tone: "done", text: action === "acknowledge" ? "Incident acknowledged." : "Incident resolved." });
    } catch (err) {
      setIncidentNote({ tone: "error", text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(null);
    }
  };

  const expiry = until(alert.expiresAt);
  return (
    <article className={`respond-card sev-${severity}${answered ? " answered" : ""}`} data-testid="alert-card" data-alert-id={alert.id}>
      <header className="respond-card-head">
        <div className="respond-badges">
          <SeverityBadge severity={severity} />
          {incident && <IncidentStatusBadge status={incident.status} />}
          <span className="muted small">
            <Clock size={12} /> {relativeTime(alert.createdAt)}
            {expiry && !answered && ` · ${expiry}`}
          </span>
        </div>
        <h2 className="respond-title" data-testid="alert-title">
          {incident?.title || alert.subject || alert.message}
        </h2>
        {alert.message && alert.message !== incident?.title && <p className="respond-message">{alert.message}</p>}
      </header>

      <div className="respond-context">
        {incident?.service && (
          <div className="respond-fact">
            <Server size={14} /> {incident.service}
          </div>
        )}
        {incident && incident.entities.length > 0 && (
          <div className="entity-chips" data-testid="alert-entities">
            {incident.entities.map((e, n) => (
              <span key={n} className="entity-chip">
                {e.name}
              </span>
            ))}
          </div>
        )}
        {incident && incident.links.length > 0 && (
          <div className="link-list">
            {incident.links.map((l, n) => (
              <a key={n} href={l.url} target="_blank" rel="noreferrer noopener">
                <ExternalLink size={13} /> {l.text}
              </a>
            ))}
          </div>
        )}
      </div>

      {outcome && (
        <div className={`respond-outcome outcome-${outcome.tone}`} role="status" data-testid="alert-outcome">
          {outcome.tone === "done" ? <CircleCheck size={22} /> : <TriangleAlert size={22} />}
          <span>{outcome.text}</span>
        </div>
      )}

      {!answered && (
        <div className="respond-choices" role="group" aria-label="Responses">
          {alert.responses.map((choice, n) => (
            <button
              key={choice}
              className={`respond-choice${n === 0 ? " primary" : ""}`}
              disabled={!canRespond || busy !== null}
              onClick={() => respond(choice)}
              data-testid="response-button"
            >
              {busy === choice ? "Sending…" : choice}
            </button>
          ))}
        </div>
      )}

      {incident && incident.status !== "resolved" && (
        <div className="respond-incident-actions">
          <button
            disabled={!canRespond || busy !== null || incident.status !== "triggered" || incidentNote?.tone === "done"}
            onClick={() => incidentAction("acknowledge")}
            data-testid="alert-acknowledge"
          >
            <Eye size={16} /> Acknowledge
          </button>
          <button disabled={!canRespond || busy !== null} onClick={() => incidentAction("resolve")} data-testid="alert-resolve">
            <CircleCheck size={16} /> Resolve
          </button>
        </div>
      )}
      {incidentNote && (
        <div className={`small ${incidentNote.tone === "done" ? "ok-text" : "field-hint error"}`} role="status">
          {incidentNote.text}
        </div>
      )}

      {alert.recentTimeline.length > 0 && (
        <details className="respond-timeline" open>
          <summary>Latest on the incident</summary>
          <IncidentTimeline entries={alert.recentTimeline.slice(-4)} compact names={names} />
        </details>
      )}
      {incident && (
        <AppLink to={`/incidents/${incident.id}`} className="respond-open-link">
          Open incident #{incident.id} <ChevronRight size={15} />
        </AppLink>
      )}
    </article>
  );
}
