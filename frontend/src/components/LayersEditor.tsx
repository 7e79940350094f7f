import { useMemo, useState } from "react";
import { ArrowDown, ArrowUp, Layers as LayersIcon, Plus, Save, Trash2, X } from "lucide-react";
import { errorPaths, oncallApi } from "../api/oncall";
import type { Layer, Person, Restriction, ScheduleSummary } from "../api/oncallTypes";
import { fromInputValue, isoInZone, isValidZone, knownZones, startOfDay, toInputValue } from "../format/zone";
import { useToasts } from "../hooks/useToasts";

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function newLayer(n: number, zone: string): Layer {
  const start = new Date(startOfDay(new Date(), zone).getTime() + 9 * 3600_000);
  return { name: `Layer ${n}`, users: [], rotation: "weekly", shiftLength: null, start: isoInZone(start, zone), timeZone: zone, restrictions: [], extra: {} };
}

/** Weekday business hours: one window per weekday (a single Monday-to-Friday window would include the nights). */
const BUSINESS_HOURS: Restriction[] = [0, 1, 2, 3, 4].map((d) => ({ kind: "weekly", startDay: d, startTime: "09:00", endDay: d, endTime: "17:00" }));

/**
 * The layers of a schedule as a form: name, rotation (daily, weekly, custom shift length), the people in
 * rotation order, start and time zone, restrictions. Saves the whole schedule; the API's messages show at the
 * field they name (`layers.1.time_zone`).
 */
export default function LayersEditor({
  schedule,
  users,
  onSaved,
  onCancel,
}: {
  schedule: ScheduleSummary;
  users: Person[];
  onSaved: (s: ScheduleSummary) => void;
  onCancel: () => void;
}) {
  const [layers, setLayers] = useState<Layer[]>(() => schedule.layers.map((l) => ({ ...l, users: [...l.users], restrictions: l.restrictions.map((r) => ({ ...r })) })));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const zones = useMemo(knownZones, []);
  const toasts = useToasts();
  const names = useMemo(() => new Map(users.map((u) => [u.id, u.name])), [users]);

  const change = (i: number, patch: Partial<Layer>) => setLayers((ls) => ls.map((l, n) => (n === i ? { ...l, ...patch } : l)));
  const move = <T,>(list: T[], from: number, to: number): T[] => {
    if (to < 0 || to >= list.length) return list;
    const copy = [...list];
    const [x] = copy.splice(from, 1);
    copy.splice(to, 0, x);
    return copy;
  };
  const changeRestriction = (i: number, r: number, patch: Partial<Restriction>) =>
    change(i, { restrictions: layers[i].restrictions.map((x, n) => (n === r ? { ...x, ...patch } : x)) });

  const save = async () => {
    setBusy(true);
    setErrors({});
    try {
      const saved = await oncallApi.saveSchedule({ ...schedule, layers });
      toasts.show("Layers saved", "success");
      onSaved(saved);
    } catch (err) {
      setErrors(errorPaths(err));
    } finally {
      setBusy(false);
    }
  };

  const err = (path: string) => {
    const hits = Object.entries(errors).filter(([k]) => k === path || k.startsWith(`${path}.`));
    return hits.length ? (
      <div className="field-hint error" role="alert" data-testid={`layer-error-${path}`}>
        {hits.map(([, m]) => m).join(" ")}
      </div>
    ) : null;
  };
  const layerPaths = new Set(["name", "users", "rotation", "shift_length", "start", "time_zone", "restrictions"]);
  const general = Object.entries(errors).filter(([k]) => {
    const m = /^layers\.(\d+)\.([a-z_]+)/.exec(k);
    return !(m && Number(m[1]) < layers.length && layerPaths.has(m[2]));
  });

  return (
    <div className="layers-editor" data-testid="layers-editor">
      {general.length > 0 && (
        <div className="problem-box" role="alert" data-testid="layers-error">
          <ul>
            {general.map(([k, m]) => (
              <li key={k}>
                {k && <code>{k}</code>} {m}
              </li>
            ))}
          </ul>
        </div>
      )}
      {layers.length === 0 && <p className="muted">No layers: nobody is on call on this schedule except through overrides.</p>}
      {layers.map((l, i) => {
        const p = `layers.${i}`;
        // while a zone is being typed (or is wrong) the start is shown and read in UTC, and the field says so
        const wallZone = isValidZone(l.timeZone) ? l.timeZone : "UTC";
        const candidates = users.filter((u) => !l.users.includes(u.id));
        return (
          <fieldset key={i} className="layer-card" data-testid="layer-form">
            <legend>
              <LayersIcon size={14} /> Layer {i + 1}
              <span className="muted small"> {i > 0 ? "— takes precedence over the layers above where it has someone" : ""}</span>
            </legend>
            <div className="layer-card-tools">
              <button type="button" className="icon-button" aria-label="Move layer up" disabled={i === 0} onClick={() => setLayers((ls) => move(ls, i, i - 1))}>
                <ArrowUp size={15} />
              </button>
              <button type="button" className="icon-button" aria-label="Move layer down" disabled={i === layers.length - 1} onClick={() => setLayers((ls) => move(ls, i, i + 1))}>
                <ArrowDown size={15} />
              </button>
              <button type="button" className="icon-button danger" aria-label={`Remove layer ${l.name}`} onClick={() => setLayers((ls) => ls.filter((_, n) => n !== i))}>
                <Trash2 size={15} />
              </button>
            </div>
            <div className="form-grid">
              <label>
                <span className="field-label">Name</span>
                <input value={l.name} onChange={(e) => change(i, { name: e.target.value })} className={errors[`${p}.name`] ? "has-error" : ""} />
                {err(`${p}.name`)}
              </label>
              <label>
                <span className="field-label">Rotation</span>
                <select value={l.rotation} onChange={(e) => change(i, { rotation: e.target.value, shiftLength: e.target.value === "custom" ? (l.shiftLength ?? "12h") : null })}>
                  <option value="daily">daily (a new person every day)</option>
                  <option value="weekly">weekly</option>
                  <option value="custom">custom shift length</option>
                </select>
                {err(`${p}.rotation`)}
              </label>
              {l.rotation === "custom" && (
                <label>
                  <span className="field-label">Shift length</span>
                  <input value={l.shiftLength ?? ""} placeholder="12h, 3d" onChange={(e) => change(i, { shiftLength: e.target.value })} className={errors[`${p}.shift_length`] ? "has-error" : ""} />
                  {err(`${p}.shift_length`)}
                </label>
              )}
              <label>
                <span className="field-label">Start (first handoff, {wallZone})</span>
                <input
                  type="datetime-local"
                  value={l.start && !Number.isNaN(Date.parse(l.start)) ? toInputValue(new Date(l.start), wallZone) : ""}
                  onChange={(e) => {
                    const at = fromInputValue(e.target.value, wallZone);
                    if (at) change(i, { start: isoInZone(at, wallZone) });
                  }}
                  className={errors[`${p}.start`] ? "has-error" : ""}
                />
                {err(`${p}.start`)}
              </label>
              <label>
                <span className="field-label">Time zone</span>
                <input
                  list="mendflow-zones"
                  value={l.timeZone}
                  onChange={(e) => change(i, { timeZone: e.target.value })}
                  className={errors[`${p}.time_zone`] ? "has-error" : ""}
                  data-testid="layer-time-zone"
                />
                {err(`${p}.time_zone`)}
                {!errors[`${p}.time_zone`] && l.timeZone && wallZone !== l.timeZone && (
                  <div className="field-hint error">This browser does not know the time zone “{l.timeZone}”.</div>
                )}
              </label>
            </div>

            <div className="field-label">People, in rotation order</div>
            <ol className="rotation-users">
              {l.users.map((u, n) => (
                <li key={u}>
                  <span className="rotation-n">{n + 1}</span>
                  <span className="grow">{names.get(u) ?? u}</span>
                  <button type="button" className="icon-button tiny" aria-label={`Move ${u} earlier`} disabled={n === 0} onClick={() => change(i, { users: move(l.users, n, n - 1) })}>
                    <ArrowUp size={13} />
                  </button>
                  <button type="button" className="icon-button tiny" aria-label={`Move ${u} later`} disabled={n === l.users.length - 1} onClick={() => change(i, { users: move(l.users, n, n + 1) })}>
                    <ArrowDown size={13} />
                  </button>
                  <button type="button" className="icon-button tiny danger" aria-label={`Remove ${u}`} onClick={() => change(i, { users: l.users.filter((x) => x !== u) })}>
                    <X size={13} />
                  </button>
                </li>
              ))}
            </ol>
            <select
              value=""
              onChange={(e) => e.target.value && change(i, { users: [...l.users, e.target.value] })}
              aria-label={`Add a person to ${l.name}`}
              className={errors[`${p}.users`] ? "has-error add-user" : "add-user"}
              data-testid="layer-add-user"
            >
              <option value="">Add a person…</option>
              {candidates.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
            {err(`${p}.users`)}

            <div className="field-label">Restrictions {l.restrictions.length === 0 && <span className="muted">(none: on call around the clock)</span>}</div>
            {l.restrictions.map((r, n) => (
              <div key={n} className="restriction-row">
                <select value={r.kind} onChange={(e) => changeRestriction(i, n, { kind: e.target.value as Restriction["kind"] })} aria-label="Restriction kind">
                  <option value="weekly">weekly window</option>
                  <option value="daily">every day</option>
                </select>
                {r.kind === "weekly" && (
                  <select value={r.startDay ?? 0} onChange={(e) => changeRestriction(i, n, { startDay: Number(e.target.value) })} aria-label="From day">
                    {DAYS.map((d, k) => (
                      <option key={d} value={k}>
                        {d}
                      </option>
                    ))}
                  </select>
                )}
                <input type="time" value={r.startTime} onChange={(e) => changeRestriction(i, n, { startTime: e.target.value })} aria-label="From time" />
                <span className="muted">to</span>
                {r.kind === "weekly" && (
                  <select value={r.endDay ?? 0} onChange={(e) => changeRestriction(i, n, { endDay: Number(e.target.value) })} aria-label="To day">
                    {DAYS.map((d, k) => (
                      <option key={d} value={k}>
                        {d}
                      </option>
                    ))}
                  </select>
                )}
                <input type="time" value={r.endTime} onChange={(e) => changeRestriction(i, n, { endTime: e.target.value })} aria-label="To time" />
                <button type="button" className="icon-button danger" aria-label="Remove restriction" onClick={() => change(i, { restrictions: l.restrictions.filter((_, k) => k !== n) })}>
                  <X size={15} />
                </button>
              </div>
            ))}
            {err(`${p}.restrictions`)}
            <div className="button-row">
              <button type="button" onClick={() => change(i, { restrictions: [...l.restrictions, ...BUSINESS_HOURS.map((r) => ({ ...r }))] })}>
                <Plus size={15} /> Weekday business hours
              </button>
              <button type="button" onClick={() => change(i, { restrictions: [...l.restrictions, { kind: "daily", startDay: null, startTime: "20:00", endDay: null, endTime: "08:00" }] })}>
                <Plus size={15} /> Nightly window
              </button>
            </div>
          </fieldset>
        );
      })}
      <datalist id="mendflow-zones">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <div className="layers-editor-foot">
        <button type="button" onClick={() => setLayers((ls) => [...ls, newLayer(ls.length + 1, schedule.timeZone)])} data-testid="add-layer">
          <Plus size={15} /> Add layer
        </button>
        <span className="spacer" />
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={save} disabled={busy} data-testid="save-layers">
          <Save size={15} /> {busy ? "Saving…" : "Save layers"}
        </button>
      </div>
    </div>
  );
}
