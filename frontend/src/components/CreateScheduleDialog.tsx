import { useEffect, useMemo, useState } from "react";
import { fieldErrors, oncallApi } from "../api/oncall";
import type { Team } from "../api/oncallTypes";
import { knownZones, localZone } from "../format/zone";
import { navigate } from "../hooks/useRoute";
import Modal from "./Modal";

const FIELDS = ["id", "name", "time_zone", "team_id", "description"];

function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}

/** Name a new schedule (id, time zone, team), create it without layers and open it to add them. */
export default function CreateScheduleDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState("");
  const [id, setId] = useState<string | null>(null);
  const [timeZone, setTimeZone] = useState(localZone());
  const [teamId, setTeamId] = useState("");
  const [teams, setTeams] = useState<Team[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const zones = useMemo(knownZones, []);
  const effectiveId = id ?? slug(name);

  useEffect(() => {
    oncallApi.teams().then(setTeams, () => undefined);
  }, []);

  const create = async () => {
    setBusy(true);
    try {
      const s = await oncallApi.createSchedule({ id: effectiveId, name: name.trim(), timeZone, teamId: teamId || null, description: "" });
      navigate(`/schedules/${encodeURIComponent(s.id)}?edit=layers`);
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS));
      setBusy(false);
    }
  };
  const hint = (field: string) => (errors[field] ? <div className="field-hint error">{errors[field]}</div> : null);

  return (
    <Modal
      title="New schedule"
      onClose={onClose}
      testId="create-schedule-dialog"
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!name.trim() || !effectiveId || busy} onClick={create} data-testid="create-schedule">
            Create and add layers
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        {errors[""] && <div className="problem-box">{errors[""]}</div>}
        <label className="field-label" htmlFor="schedule-name">
          Name
        </label>
        <input id="schedule-name" autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Database primary" className={errors.name ? "has-error" : ""} />
        {hint("name")}
        <label className="field-label" htmlFor="schedule-id">
          Id <span className="muted">(in recipients: schedule:{effectiveId || "…"})</span>
        </label>
        <input id="schedule-id" value={effectiveId} onChange={(e) => setId(e.target.value)} className={`code-input${errors.id ? " has-error" : ""}`} />
        {hint("id")}
        <label className="field-label" htmlFor="schedule-zone">
          Time zone
        </label>
        <input id="schedule-zone" list="mendflow-schedule-zones" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} className={errors.time_zone ? "has-error" : ""} />
        <datalist id="mendflow-schedule-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {hint("time_zone")}
        <label className="field-label" htmlFor="schedule-team">
          Team <span className="muted">(optional: a page to the team reaches whoever is on call here)</span>
        </label>
        <select id="schedule-team" value={teamId} onChange={(e) => setTeamId(e.target.value)} className={errors.team_id ? "has-error" : ""}>
          <option value="">No team</option>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        {hint("team_id")}
      </form>
    </Modal>
  );
}
