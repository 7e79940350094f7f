import { useEffect, useMemo, useState } from "react";
import { FlaskConical, SkipBack } from "lucide-react";
import { api } from "../api/client";
import type { ReplayRequest, Run, VersionSummary } from "../api/types";
import { useNodeTypes } from "../hooks/useNodeTypes";
import Modal from "./Modal";

interface Props {
  run: Run;
  labelOf?: (nodeId: string) => string;
  onClose: () => void;
  onStarted: (runId: string) => void;
}

type Target = "same" | "draft" | "version";

/** Replay a run's event: against the version it ran, the current draft or another version; for real or as a dry run. */
export default function ReplayDialog({ run, labelOf = (id) => id, onClose, onStarted }: Props) {
  const { byType } = useNodeTypes();
  const [target, setTarget] = useState<Target>(run.flowVersion === null ? "draft" : "same");
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [version, setVersion] = useState<number | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .versions(run.flowId)
      .then((vs) => {
        setVersions(vs);
        setVersion((v) => v ?? vs[0]?.version ?? null);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [run.flowId]);

  // Steps whose ports come from their config (an alert's responses): a dry run may take another port there.
  const choosable = useMemo(
    () =>
      run.steps.flatMap((s) => {
        const t = byType.get(s.nodeType);
        const from = t?.ports.fromConfig;
        const list = from && s.config && typeof s.config === "object" ? (s.config as Record<string, unknown>)[from] : null;
        if (!t || !Array.isArray(list)) return [];
        return [{ nodeId: s.nodeId, recorded: s.port, ports: [...list.map(String), ...t.ports.fixed] }];
      }),
    [run.steps, byType],
  );

  const start = async () => {
    const req: ReplayRequest = {
      version: target === "version" ? (version ?? "same") : target,
      dryRun,
      choices: dryRun ? Object.fromEntries(Object.entries(choices).filter(([, port]) => port)) : {},
    };
    setBusy(true);
    setError(null);
    try {
      onStarted(await api.replayRun(run.id, req));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Replay this event"
      onClose={onClose}
      testId="replay-dialog"
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" onClick={start} disabled={busy || (target === "version" && version === null)} data-testid="replay-start">
            {dryRun ? <FlaskConical size={15} /> : <SkipBack size={15} />} {busy ? "Starting…" : dryRun ? "Start dry run" : "Replay for real"}
          </button>
        </>
      }
    >
      <fieldset className="choice-list" data-testid="replay-target">
        <legend className="field-label">Against</legend>
        {run.flowVersion !== null && (
          <label>
            <input type="radio" name="replay-target" checked={target === "same"} onChange={() => setTarget("same")} value="same" />
            the version it ran (v{run.flowVersion})
          </label>
        )}
        <label>
          <input type="radio" name="replay-target" checked={target === "draft"} onChange={() => setTarget("draft")} value="draft" />
          the current draft
        </label>
        <label>
          <input type="radio" name="replay-target" checked={target === "version"} onChange={() => setTarget("version")} value="version" disabled={!versions.length} />
          version
          <select
            value={version ?? ""}
            onChange={(e) => {
              setVersion(Number(e.target.value));
              setTarget("version");
            }}
            disabled={!versions.length}
            data-testid="replay-version"
            aria-label="Version"
          >
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
          {!versions.length && <span className="muted small">(none published)</span>}
        </label>
      </fieldset>
      <label className="check-row">
        <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} data-testid="replay-dry-run" />
        <span>
          <strong>Dry run</strong>
          <span className="muted small">
            {" "}
            — change nothing outside: tickets, chat, alerts, runbooks and deploy switches record the request they would have made, and the run
            shows the path it would take.
          </span>
        </span>
      </label>
      {!dryRun && <p className="field-hint warn">A real replay acts again: it may open tickets, page people and run playbooks.</p>}
      {dryRun && choosable.length > 0 && (
        <div className="replay-choices">
          <div className="field-label">Ports to take where people answered</div>
          {choosable.map((c) => (
            <label key={c.nodeId} className="replay-choice">
              <span title={c.nodeId}>{labelOf(c.nodeId)}</span>
              <select value={choices[c.nodeId] ?? ""} onChange={(e) => setChoices((m) => ({ ...m, [c.nodeId]: e.target.value }))} data-testid={`replay-choice-${c.nodeId}`}>
                <option value="">as recorded{c.recorded ? ` (${c.recorded})` : ""}</option>
                {c.ports.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}
      {error && <div className="problem-box">{error}</div>}
    </Modal>
  );
}
