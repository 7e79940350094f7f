/** Dates in a named time zone (IANA, e.g. Europe/Berlin) with nothing but Intl: parts, midnights, input values. */

export interface ZoneParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Monday … 6 = Sunday, as the schedule restrictions count. */
  weekday: number;
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The browser's own time zone. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function isValidZone(zone: string): boolean {
  try {
    partsFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

export function zoneParts(date: Date, zone: string): ZoneParts {
  const parts: Record<string, string> = {};
  for (const p of partsFormatter(zone).formatToParts(date)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday),
  };
}

/** How far the zone's wall clock is ahead of UTC at `date`, in ms. */
export function zoneOffset(date: Date, zone: string): number {
  const p = zoneParts(date, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return wall - Math.floor(date.getTime() / 60000) * 60000;
}

/** The instant when the wall clock in `zone` reads the given date and time (the earlier one in a DST overlap). */
export function fromWallTime(year: number, month: number, day: number, hour: number, minute: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let t = wall - zoneOffset(new Date(wall), zone);
  t = wall - zoneOffset(new Date(t), zone);
  return new Date(t);
}

/** Midnight (in `zone`) of the day `date` falls on. */
export function startOfDay(date: Date, zone: string): Date {
  const p = zoneParts(date, zone);
  return fromWallTime(p.year, p.month, p.day, 0, 0, zone);
}

/** The midnights of `count` consecutive days in `zone`, starting with the day of `from`, plus the one after the last. */
export function dayStarts(from: Date, count: number, zone: string): Date[] {
  const out: Date[] = [startOfDay(from, zone)];
  for (let i = 1; i <= count; i++) {
    // noon of the next day is always on the next day, whatever DST does
    out.push(startOfDay(new Date(out[i - 1].getTime() + 36 * 3600_000), zone));
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A value for <input type="datetime-local"> showing `date` on the wall clock of `zone`. */
export function toInputValue(date: Date, zone: string): string {
  const p = zoneParts(date, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The instant an <input type="datetime-local"> value means on the wall clock of `zone`; null when empty or bad. */
export function fromInputValue(value: string, zone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  return fromWallTime(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), zone);
}

/** "Mon 24 Nov, 09:00" on the wall clock of `zone`. */
export function formatInZone(iso: string | Date | null | undefined, zone: string, withDay = true): string {
  if (!iso) return "—";
  const d = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  const opts: Intl.DateTimeFormatOptions = { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (withDay) Object.assign(opts, { weekday: "short", day: "numeric", month: "short" });
  return new Intl.DateTimeFormat("en-GB", opts).format(d);
}

/** "UTC+01:00" for the zone at `date`. */
export function offsetLabel(zone: string, date = new Date()): string {
  const minutes = Math.round(zoneOffset(date, zone) / 60000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 with the zone's offset at that instant: "2026-11-02T09:00:00+01:00". */
export function isoInZone(date: Date, zone: string): string {
  const p = zoneParts(date, zone);
  const minutes = Math.round(zoneOffset(date, zone) / 60000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Every IANA zone the browser knows (for pickers); a short list when the browser cannot say. */
export function knownZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    const zones = intl.supportedValuesOf?.("timeZone");
    if (zones?.length) return zones.includes("UTC") ? zones : ["UTC", ...zones];
  } catch {
    // older browsers
  }
  return ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"];
}
