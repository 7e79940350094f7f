"""iCalendar (RFC 5545) export of on-call shifts, for calendar subscriptions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from mendflow.oncall.schedules import Shift

PRODID = "-//mendflow//on-call schedules//EN"
MAX_LINE_OCTETS = 75
_CONTROLS = {code: None for code in [*range(0x20), 0x7F] if code != 0x09}


def shifts_to_ical(calendar_name: str, shifts: Iterable[Shift], *, uid_domain: str = "mendflow",
                   now: datetime | None = None) -> str:
    """A VCALENDAR with one VEVENT per shift, as text with CRLF line endings.

    Times are UTC (`DTSTART:20240304T080000Z`), so no VTIMEZONE is needed. Each event's UID is
    derived from the calendar name and the shift (user, times, source), so exporting the same
    shifts again gives the same UIDs and subscribed calendars update instead of duplicating.
    `now` (default: the current time) is the DTSTAMP. Events are TRANSPARENT: being on call does
    not make someone busy. Lines are folded at 75 octets, never inside a UTF-8 character.
    """
    stamp = _utc(now or datetime.now(UTC), "now")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"NAME:{escape_text(calendar_name)}", f"X-WR-CALNAME:{escape_text(calendar_name)}"]
    for shift in shifts:
        lines += _event(calendar_name, shift, uid_domain, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def _event(calendar_name: str, shift: Shift, uid_domain: str, stamp: str) -> list[str]:
    start, end = _utc(shift.start, "shift start"), _utc(shift.end, "shift end")
    if shift.source == "override":
        detail = f"Override {shift.override_id}"
    else:
        detail = f"Layer {shift.layer_name}" if shift.layer_name else "Layer"
    return ["BEGIN:VEVENT", f"UID:{shift_uid(calendar_name, shift)}@{uid_domain}", f"DTSTAMP:{stamp}",
            f"DTSTART:{start}", f"DTEND:{end}", f"SUMMARY:{escape_text(f'On call: {shift.user}')}",
            f"DESCRIPTION:{escape_text(f'{calendar_name}: {detail}')}", "TRANSP:TRANSPARENT", "END:VEVENT"]


def shift_uid(calendar_name: str, shift: Shift) -> str:
    """A stable identifier of one shift in one calendar (without the `@domain` part)."""
    key = "\x1f".join([calendar_name, shift.user, _utc(shift.start, "shift start"), _utc(shift.end, "shift end"),
                       shift.source, str(shift.layer), shift.override_id or ""])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def escape_text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped; every line break becomes `\\n`.

    Other control characters (which TEXT may not hold) are dropped; a tab is kept.
    """
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    return value.translate(_CONTROLS)


def fold_line(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets (RFC 5545 3.1), keeping UTF-8 characters whole."""
    if len(line.encode()) <= MAX_LINE_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if size + width > MAX_LINE_OCTETS:
            parts.append("".join(current))
            current, size = [" "], 1  # a continuation line starts with one space, which counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n".join(parts)


def _utc(value: datetime, what: str) -> str:
    if value.utcoffset() is None:
        raise ValueError(f"{what} {value.isoformat()} needs a UTC offset or time zone")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
