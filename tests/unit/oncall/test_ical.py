"""iCal export: it parses back (with a tiny unfolding parser), folds at 75 octets, escapes TEXT."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mendflow.oncall import Shift, shifts_to_ical
from mendflow.oncall.ical import escape_text, fold_line

NOW = datetime(2024, 3, 1, 12, 30, 5, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
SHIFTS = [
    Shift("alice", datetime(2024, 3, 4, 9, tzinfo=BERLIN), datetime(2024, 3, 11, 9, tzinfo=BERLIN), "layer", 0,
          "Primary", None),
    Shift("dave", datetime(2024, 3, 9, 10, tzinfo=UTC), datetime(2024, 3, 10, 10, tzinfo=UTC), "override", None,
          None, "ov-1"),
]


def unfold(text: str) -> list[str]:
    """The logical content lines, after checking every physical line ends in CRLF and fits 75 octets."""
    assert text.endswith("\r\n")
    physical = text.split("\r\n")[:-1]
    for line in physical:
        assert "\n" not in line and "\r" not in line
        assert len(line.encode()) <= 75, line
    logical: list[str] = []
    for line in physical:
        if line[:1] in (" ", "\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(text: str) -> dict[str, object]:
    """{"props": {...}, "events": [{...}]} of a VCALENDAR without parameters or nested components."""
    calendar: dict[str, object] = {"props": {}, "events": []}
    current: dict[str, str] | None = None
    lines = unfold(text)
    assert (lines[0], lines[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR")
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        if (name, value) == ("BEGIN", "VEVENT"):
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            calendar["events"].append(current)  # type: ignore[attr-defined]
            current = None
        else:
            (current if current is not None else calendar["props"])[name] = value  # type: ignore[index]
    assert current is None
    return calendar


def utc(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def test_the_calendar_parses_back_to_the_shifts() -> None:
    calendar = parse(shifts_to_ical("Storage primary", SHIFTS, now=NOW))
    props = calendar["props"]
    assert props["VERSION"] == "2.0" and props["PRODID"] and props["X-WR-CALNAME"] == "Storage primary"
    events = calendar["events"]
    assert [(e["SUMMARY"], utc(e["DTSTART"]), utc(e["DTEND"])) for e in events] == [
        ("On call: alice", datetime(2024, 3, 4, 8, tzinfo=UTC), datetime(2024, 3, 11, 8, tzinfo=UTC)),
        ("On call: dave", datetime(2024, 3, 9, 10, tzinfo=UTC), datetime(2024, 3, 10, 10, tzinfo=UTC))]
    assert [unescape(e["DESCRIPTION"]) for e in events] == ["Storage primary: Layer Primary",
                                                            "Storage primary: Override ov-1"]
    assert {e["DTSTAMP"] for e in events} == {"20240301T123005Z"}
    assert all(re.fullmatch(r"[0-9a-f]{32}@mendflow", e["UID"]) for e in events)


def test_uids_are_stable_and_distinct() -> None:
    first = parse(shifts_to_ical("Storage", SHIFTS, now=NOW))["events"]
    again = parse(shifts_to_ical("Storage", list(reversed(SHIFTS)), now=datetime(2025, 1, 1, tzinfo=UTC)))["events"]
    assert [e["UID"] for e in first] == [e["UID"] for e in reversed(again)]
    assert len({e["UID"] for e in first}) == 2
    elsewhere = parse(shifts_to_ical("Network", SHIFTS, uid_domain="oncall.example.org", now=NOW))["events"]
    assert all(e["UID"].endswith("@oncall.example.org") for e in elsewhere)
    assert {e["UID"].split("@")[0] for e in elsewhere}.isdisjoint(e["UID"].split("@")[0] for e in first)


def test_an_empty_calendar_is_still_a_calendar() -> None:
    calendar = parse(shifts_to_ical("Nobody", [], now=NOW))
    assert calendar["events"] == []


def test_dtstamp_defaults_to_the_current_time_in_utc() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = utc(parse(shifts_to_ical("C", SHIFTS[:1]))["events"][0]["DTSTAMP"])
    assert stamp >= before


def test_text_is_escaped_and_comes_back_unchanged() -> None:
    name = "Ops, Storage; Team\nNight \\ shift\r\nend"
    text = shifts_to_ical(name, [Shift("o'brien, pat", SHIFTS[0].start, SHIFTS[0].end, "layer", 0, "A;B", None)],
                          now=NOW)
    assert "X-WR-CALNAME:Ops\\, Storage\\; Team\\nNight \\\\ shift\\nend\r\n" in text
    calendar = parse(text)
    assert unescape(calendar["props"]["X-WR-CALNAME"]) == name.replace("\r\n", "\n")
    event = calendar["events"][0]
    assert unescape(event["SUMMARY"]) == "On call: o'brien, pat"
    assert unescape(event["DESCRIPTION"]).endswith(": Layer A;B")


def test_escape_text_covers_every_special_character() -> None:
    assert escape_text("a\\b;c,d\ne\rf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_control_characters_are_dropped_but_tabs_kept() -> None:
    assert escape_text("bell\x07\x00 tab\there\x7f") == "bell tab\there"


def test_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    assert fold_line("x" * 75) == "x" * 75
    assert fold_line("x" * 76) == "x" * 75 + "\r\n x"
    folded = fold_line("x" * 74 + "é" + "y" * 80)  # é is two octets and would straddle octet 75
    first, second, third = folded.split("\r\n")
    assert (first, len(second.encode()), len(third.encode())) == ("x" * 74, 75, 9)  # " é" + 72 y, then " " + 8 y
    assert second.startswith(" é")
    emoji = fold_line("SUMMARY:" + "🚨" * 40)  # four octets each
    assert all(len(line.encode()) <= 75 for line in emoji.split("\r\n"))
    assert "".join(line[1:] if i else line for i, line in enumerate(emoji.split("\r\n"))) == "SUMMARY:" + "🚨" * 40


def test_a_long_multibyte_calendar_name_folds_and_unfolds() -> None:
    name = "Bereitschaft Störungsdienst Rechenzentrum Süd — 夜間オンコール 🚨 " * 3
    calendar = parse(shifts_to_ical(name, SHIFTS, now=NOW))
    assert unescape(calendar["props"]["X-WR-CALNAME"]) == name


@settings(max_examples=150, deadline=None)
@given(name=st.text(min_size=0, max_size=300), user=st.text(min_size=1, max_size=120))
def test_any_text_round_trips(name: str, user: str) -> None:
    shift = Shift(user, SHIFTS[0].start, SHIFTS[0].end, "layer", 0, "L", None)
    calendar = parse(shifts_to_ical(name, [shift], now=NOW))
    assert unescape(calendar["props"]["X-WR-CALNAME"]) == plain(name)
    assert unescape(calendar["events"][0]["SUMMARY"]) == "On call: " + plain(user)


def plain(text: str) -> str:
    """What survives as TEXT: line breaks as \\n, control characters other than tab dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))


def test_a_naive_shift_is_refused() -> None:
    naive = Shift("a", datetime(2024, 3, 4, 9), datetime(2024, 3, 4, 10), "layer", 0, "L", None)
    with pytest.raises(ValueError, match="needs a UTC offset"):
        shifts_to_ical("C", [naive], now=NOW)
