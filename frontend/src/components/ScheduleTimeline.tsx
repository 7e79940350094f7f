import type { ScheduleShifts, Shift } from "../api/oncallTypes";
import { dayStarts, formatInZone, zoneParts } from "../format/zone";

export interface TimelineRow {
  key: string;
  label: string;
  hint?: string;
  shifts: Shift[];
  final?: boolean;
}

const PALETTE = [
  "#4f46e5", "#0891b2", "#16a34a", "#d97706", "#db2777", "#7c3aed", "#0d9488", "#ea580c", "#2563eb", "#65a30d",
  "#c026d3", "#475569",
];

/** One colour per user, in order of first appearance, so a person has the same colour in every row. */
export function userColours(userIds: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of userIds) if (!out.has(id)) out.set(id, PALETTE[out.size % PALETTE.length]);
  return out;
}

/** The rows to draw: one per layer (in the schedule's order), then the final schedule. */
export function timelineRows(shifts: ScheduleShifts, layerHints: string[] = []): TimelineRow[] {
  const rows: TimelineRow[] = shifts.layers.map((l, i) => ({ key: `layer-${i}`, label: l.name || `Layer ${i + 1}`, hint: layerHints[i], shifts: l.shifts }));
  rows.push({ key: "final", label: "Final schedule", hint: "the result", shifts: shifts.final, final: true });
  return rows;
}

/** "Tue 24", with the month on the first day drawn and on the 1st: "Tue 24 Nov", "Mon 1 Dec". */
function dayLabel(d: Date, zone: string, first: boolean): string {
  const p = zoneParts(d, zone);
  const opts: Intl.DateTimeFormatOptions = { timeZone: zone, weekday: "short", day: "numeric" };
  if (first || p.day === 1) opts.month = "short";
  return new Intl.DateTimeFormat("en-GB", opts).format(d);
}

function gaps(shifts: Shift[], from: number, to: number): { start: number; end: number }[] {
  const spans = shifts.map((s) => [Math.max(from, Date.parse(s.start)), Math.min(to, Date.parse(s.end))]).filter(([a, b]) => b > a).sort((a, b) => a[0] - b[0]);
  const out: { start: number; end: number }[] = [];
  let at = from;
  for (const [a, b] of spans) {
    if (a > at) out.push({ start: at, end: a });
    at = Math.max(at, b);
  }
  if (at < to) out.push({ start: at, end: to });
  return out;
}

/**
 * The next days of a schedule drawn as horizontal bars: one per layer and the final result, coloured blocks
 * per user with their names, day gridlines (weekends shaded), a "now" marker; times on the wall clock of `zone`.
 */
export default function ScheduleTimeline({
  rows,
  from,
  days,
  zone,
  names,
  colours,
  now,
}: {
  rows: TimelineRow[];
  from: Date;
  days: number;
  zone: string;
  names: Map<string, string>;
  colours: Map<string, string>;
  now: Date;
}) {
  const starts = dayStarts(from, days, zone);
  const t0 = starts[0].getTime();
  const t1 = starts[starts.length - 1].getTime();
  const span = t1 - t0;
  const pct = (t: number) => `${((Math.min(Math.max(t, t0), t1) - t0) / span) * 100}%`;
  const width = (a: number, b: number) => `${((Math.min(b, t1) - Math.max(a, t0)) / span) * 100}%`;
  const nowT = now.getTime();
  const showNow = nowT >= t0 && nowT <= t1;
  const nameOf = (s: Shift) => s.userName ?? names.get(s.userId) ?? s.userId;

  return (
    <div className="sched-scroll" data-testid="schedule-timeline">
      <div className="sched-grid" style={{ minWidth: Math.max(720, days * 64 + 150) }}>
        <div className="sched-row sched-days-row">
          <div className="sched-label" />
          <div className="sched-track sched-days">
            {starts.slice(0, -1).map((d, i) => {
              const p = zoneParts(d, zone);
              const weekend = p.weekday >= 5;
              return (
                <div
                  key={d.toISOString()}
                  className={`sched-day${weekend ? " weekend" : ""}`}
                  style={{ left: pct(d.getTime()), width: width(d.getTime(), starts[i + 1].getTime()) }}
                  data-testid="schedule-day"
                >
                  <span className="sched-day-name">{dayLabel(d, zone, i === 0)}</span>
                </div>
              );
            })}
          </div>
        </div>
        {rows.map((row) => (
          <div key={row.key} className={`sched-row${row.final ? " sched-final" : ""}`} data-testid={row.final ? "final-row" : "layer-row"}>
            <div className="sched-label" title={row.hint}>
              <strong>{row.label}</strong>
              {row.hint && <span className="muted small">{row.hint}</span>}
            </div>
            <div className="sched-track">
              {starts.slice(0, -1).map((d) =>
                zoneParts(d, zone).weekday >= 5 ? (
                  <div key={d.toISOString()} className="sched-weekend" style={{ left: pct(d.getTime()), width: width(d.getTime(), d.getTime() + 86400_000) }} />
                ) : null,
              )}
              {row.final &&
                gaps(row.shifts, t0, t1).map((g) => (
                  <div
                    key={`gap-${g.start}`}
                    className="sched-gap"
                    style={{ left: pct(g.start), width: width(g.start, g.end) }}
                    title={`Nobody on call ${formatInZone(new Date(g.start), zone)} – ${formatInZone(new Date(g.end), zone)}`}
                  />
                ))}
              {row.shifts
                .filter((s) => Date.parse(s.end) > t0 && Date.parse(s.start) < t1)
                .map((s, i) => {
                  const a = Date.parse(s.start);
                  const b = Date.parse(s.end);
                  const name = nameOf(s);
                  const source = s.overrideId || s.source === "override" ? "override" : s.layerName ? `layer ${s.layerName}` : s.source;
                  return (
                    <div
                      key={`${s.userId}-${a}-${i}`}
                      className={`sched-block${s.overrideId || s.source === "override" ? " override" : ""}`}
                      style={{ left: pct(a), width: width(a, b), background: colours.get(s.userId) ?? "#64748b" }}
                      title={`${name} · ${formatInZone(s.start, zone)} – ${formatInZone(s.end, zone)}${row.final ? ` · ${source}` : ""}`}
                      data-testid="shift-block"
                      data-user={s.userId}
                    >
                      <span>{name}</span>
                    </div>
                  );
                })}
            </div>
          </div>
        ))}
        <div className="sched-overlay" aria-hidden="true">
          {starts.map((d) => (
            <div key={d.toISOString()} className="sched-gridline" style={{ left: pct(d.getTime()) }} />
          ))}
          {showNow && (
            <div className="sched-now" style={{ left: pct(nowT) }} data-testid="now-marker">
              <span>now</span>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
