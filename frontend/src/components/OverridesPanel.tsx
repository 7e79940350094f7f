import { useState, type FormEvent } from "react";
import { CalendarPlus, Trash2 } from "lucide-react";
import { fieldErrors, oncallApi } from "../api/oncall";
import type { Override, Person } from "../api/oncallTypes";
import { formatInZone, fromInputValue, toInputValue } from "../format/zone";
import { useToasts } from "../hooks/useToasts";

const FIELDS = ["user", "start", "end", "note"];

function nextHour(offsetHours = 0): Date {
  const d = new Date();
  d.setMinutes(0, 0, 0);
  return new Date(d.getTime() + (1 + offsetHours) * 3600_000);
}

/** A schedule's overrides: the list with delete, and a form to add one; the API's refusals show at their field. */
export default function OverridesPanel({
  scheduleId,
  zone,
  overrides,
  users,
  names,
  canEdit,
  onChanged,
}: {
  scheduleId: string;
  zone: string;
  overrides: Override[];
  users: Person[];
  names: Map<string, string>;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const [userId, setUserId] = useState("");
  const [start, setStart] = useState(() => toInputValue(nextHour(), zone));
  const [end, setEnd] = useState(() => toInputValue(nextHour(8), zone));
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const toasts = useToasts();

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    const startAt = fromInputValue(start, zone);
    const endAt = fromInputValue(end, zone);
    if (!userId) local.user = "Choose who takes over.";
    if (!startAt) local.start = "Enter a start date and time.";
    if (!endAt) local.end = "Enter an end date and time.";
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      await oncallApi.addOverride(scheduleId, { userId, start: startAt!.toISOString(), end: endAt!.toISOString(), note: note.trim() });
      toasts.show(`Override added for ${names.get(userId) ?? userId}`, "success");
      setNote("");
      onChanged();
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (o: Override) => {
    try {
      await oncallApi.deleteOverride(scheduleId, o.id);
      toasts.show("Override removed", "success");
      onChanged();
    } catch (err) {
      toasts.show(err instanceof Error ? err.message : String(err), "error");
    }
  };

  const upcoming = [...overrides].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const fieldError = (name: string) =>
    errors[name] ? (
      <div className="field-hint error" data-testid={`override-error-${name}`} role="alert">
        {errors[name]}
      </div>
    ) : null;

  return (
    <div className="overrides" data-testid="overrides">
      {upcoming.length === 0 ? (
        <p className="muted">No overrides.</p>
      ) : (
        <ul className="override-list">
          {upcoming.map((o) => (
            <li key={o.id} data-testid="override-row">
              <div>
                <strong>{o.userName ?? names.get(o.userId) ?? o.userId}</strong>
                <div className="small">
                  {formatInZone(o.start, zone)} – {formatInZone(o.end, zone)}
                </div>
                {(o.note || o.createdBy) && (
                  <div className="muted small">
                    {o.note}
                    {o.note && o.createdBy && " · "}
                    {o.createdBy && `by ${names.get(o.createdBy) ?? o.createdBy}`}
                  </div>
                )}
              </div>
              {canEdit && (
                <button className="icon-button danger" aria-label={`Delete override of ${o.userName ?? o.userId}`} title="Delete" onClick={() => remove(o)}>
                  <Trash2 size={16} />
                </button>
              )}
            </li>
          ))}
        </ul>
      )}

      {canEdit && (
        <form className="override-form" onSubmit={add} noValidate data-testid="override-form">
          <h4>
            <CalendarPlus size={14} /> Add an override
          </h4>
          {errors[""] && (
            <div className="problem-box" role="alert" data-testid="override-error">
              {errors[""]}
            </div>
          )}
          <div className="form-grid">
            <label>
              <span className="field-label">Who</span>
              <select value={userId} onChange={(e) => setUserId(e.target.value)} className={errors.user ? "has-error" : ""} data-testid="override-user">
                <option value="">Choose a person…</option>
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
              {fieldError("user")}
            </label>
            <label>
              <span className="field-label">Start ({zone})</span>
              <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} className={errors.start ? "has-error" : ""} data-testid="override-start" />
              {fieldError("start")}
            </label>
            <label>
              <span className="field-label">End ({zone})</span>
              <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} className={errors.end ? "has-error" : ""} data-testid="override-end" />
              {fieldError("end")}
            </label>
            <label>
              <span className="field-label">Note</span>
              <input value={note} onChange={(e) => setNote(e.target.value)} placeholder="Swap with Bob" className={errors.note ? "has-error" : ""} data-testid="override-note" />
              {fieldError("note")}
            </label>
          </div>
          <button type="submit" className="primary" disabled={busy} data-testid="override-add">
            <CalendarPlus size={16} /> {busy ? "Adding…" : "Add override"}
          </button>
        </form>
      )}
    </div>
  );
}
