import { useMemo, useState } from "react";
import { Play } from "lucide-react";
import type { NodeType } from "../api/types";
import type { StepNode } from "../flow/adapter";
import Modal from "./Modal";

interface Props {
  triggers: StepNode[];
  byType: Map<string, NodeType>;
  isDirty: boolean;
  onClose: () => void;
  onRun: (triggerId: string, event: unknown) => Promise<void>;
}

const FALLBACK_EVENT = { title: "Test event", severity: "warning", state: "open", dedup_key: "test-1", entities: {} };

/** "Run with sample event": pick the trigger, edit its sample event, start a test run of the draft. */
export default function RunDialog({ triggers, byType, isDirty, onClose, onRun }: Props) {
  const [triggerId, setTriggerId] = useState(triggers[0]?.id ?? "");
  const samples = useMemo(() => {
    const m = new Map<string, string>();
    for (const t of triggers) m.set(t.id, JSON.stringify(byType.get(t.data.typeName)?.sampleEvent ?? FALLBACK_EVENT, null, 2));
    return m;
  }, [triggers, byType]);
  const [texts, setTexts] = useState<Map<string, string>>(samples);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const text = texts.get(triggerId) ?? "";

  let parseError: string | null = null;
  let event: unknown = null;
  try {
    event = JSON.parse(text);
    if (typeof event !== "object" || event === null || Array.isArray(event)) parseError = "The event must be a JSON object.";
  } catch (err) {
    parseError = err instanceof Error ? err.message : String(err);
  }

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await onRun(triggerId, event);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Run with sample event"
      onClose={onClose}
      wide
      testId="run-dialog"
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!triggers.length || Boolean(parseError) || busy} onClick={run} data-testid="run-start">
            <Play size={15} /> {busy ? "Starting…" : isDirty ? "Save and run" : "Run"}
          </button>
        </>
      }
    >
      {!triggers.length ? (
        <p>This flow has no trigger yet. Add one from the Triggers group of the palette.</p>
      ) : (
        <>
          {triggers.length > 1 && (
            <>
              <label className="field-label" htmlFor="run-trigger">
                Trigger
              </label>
              <select id="run-trigger" value={triggerId} onChange={(e) => setTriggerId(e.target.value)}>
                {triggers.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.data.label || t.id} ({t.data.typeName})
                  </option>
                ))}
              </select>
            </>
          )}
          <label className="field-label" htmlFor="run-event">
            Event <span className="muted">(the trigger's sample; edit it freely)</span>
          </label>
          <textarea
            id="run-event"
            className={`code-input${parseError ? " has-error" : ""}`}
            rows={14}
            spellCheck={false}
            value={text}
            onChange={(e) => setTexts((m) => new Map(m).set(triggerId, e.target.value))}
            data-testid="run-event"
          />
          {parseError && <div className="field-hint error">{parseError}</div>}
          <p className="muted small">
            The run uses the saved draft{isDirty ? "; your unsaved changes are saved first" : ""}. Steps talk to the built-in local ticket, chat and runbook
            services unless their connection says otherwise.
          </p>
          {error && <div className="problem-box">{error}</div>}
        </>
      )}
    </Modal>
  );
}
