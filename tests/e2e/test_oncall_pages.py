"""Incidents, schedules and the responder page in a real browser against a real `mendflow serve`.

A responder on a phone answers the page of the shipped full-disk flow and the flow goes on through that port;
an incident is acknowledged and resolved from its page; a schedule draws two weeks and refuses an overlapping
override at the field.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import ARTIFACTS, ROOT, Server, sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
FLOW = ROOT / "flows" / "full-disk-prevention.json"


def shot(page: Page, name: str) -> None:
    """A screenshot in tests/e2e/artifacts/, with animations run to their end (a confirmation pops in)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), animations="disabled")


def _until(what: str, probe: Any, timeout: float = 30.0) -> Any:
    """Poll `probe` until it answers something truthy (a wait for the server, not a timed assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


def _ensure_full_disk_flow(server: Server) -> None:
    """The shipped full-disk flow, published and active (imported when the server did not load flows/)."""
    status, flow = server.request("GET", "/api/flows/full-disk-prevention")
    if status == 404:
        status, flow = server.request("POST", "/api/flows/import", json.loads(FLOW.read_text()))
        assert status == 201, flow
    if flow["published_version"] is None or flow["status"] != "published":
        status, flow = server.request("POST", "/api/flows/full-disk-prevention/publish",
                                      {"base_revision": flow["revision"]})
        assert status == 201, flow
    if not flow["active"]:
        status, flow = server.request("POST", "/api/flows/full-disk-prevention/activation", {"active": True})
        assert status == 200, flow
    page = next(n for n in flow["document"]["nodes"] if n["id"] == "page")
    assert page["config"]["recipients"] == ["team:storage"], page
    assert "Clean temp files" in page["config"]["responses"], page


def _disk_event(server: Server, tmp_dir: Path | None = None) -> dict[str, Any]:
    """Send a disk event; answers {incident_id, run_id (of the full-disk flow), dedup_key}."""
    key = f"disk-{uuid.uuid4().hex[:8]}"
    event = {"title": f"Disk latency high on db-{key[-4:]}", "severity": "critical", "dedup_key": key,
             "service": "postgres", "entities": [{"name": f"db-{key[-4:]}", "type": "HOST"}, "vol-0a12"],
             "links": [{"url": "https://grafana.example.com/d/disk", "text": "Grafana disk board"}]}
    if tmp_dir is not None:
        event["path"] = str(tmp_dir)
    status, body = server.request("POST", "/api/events", event)
    assert status == 202, body
    runs = [server.get(f"/api/runs/{r}") for r in body["runs"]]
    (run,) = [r for r in runs if r["flow_id"] == "full-disk-prevention"]
    return {"incident_id": body["incident_id"], "run_id": run["id"], "dedup_key": key, "title": event["title"]}


def _our_alert(server: Server, sent: dict[str, Any]) -> dict[str, Any]:
    """The full-disk run's alert once it has been sent (flows of other tests may page on the same incident)."""

    def probe() -> dict[str, Any] | None:
        incident = server.get(f"/api/incidents/{sent['incident_id']}")
        return next((a for a in incident["alerts"] if a["run_id"] == sent["run_id"] and a["notifications"]), None)

    return _until("the alert to be sent", probe)


def _paged_users(alert: dict[str, Any]) -> list[str]:
    return sorted({n["user_id"] for n in alert["notifications"]})


def _context(browser: Browser, server: Server, viewport: dict[str, int]) -> BrowserContext:
    return browser.new_context(viewport=viewport, base_url=server.url)


def _sign_in(context: BrowserContext, server: Server, user_id: str, errors: list[str], path: str = "/") -> Page:
    """Open `path` and sign a demo user in through the sign-in page; JavaScript errors go to `errors`."""
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(10_000)
    page.goto(path)
    sign_in(page, f"{user_id}@example.com", server.demo_password)
    return page


def test_a_responder_on_a_phone_answers_the_alert_and_the_flow_goes_on_through_that_port(
        browser: Browser, server: Server, tmp_path: Path) -> None:
    _ensure_full_disk_flow(server)
    junk = tmp_path / "var-tmp"
    junk.mkdir()
    (junk / "old.tmp").write_text("x" * 1000)
    sent = _disk_event(server, junk)
    alert = _our_alert(server, sent)
    paged = _paged_users(alert)
    context = _context(browser, server, PHONE)
    errors: list[str] = []
    try:
        page = _sign_in(context, server, paged[0], errors)
        page.get_by_role("link", name="Respond").click()
        card = page.locator(f'[data-testid="alert-card"][data-alert-id="{alert["id"]}"]')
        expect(card).to_have_count(1)
        expect(card.get_by_test_id("alert-title")).to_have_text(sent["title"])
        expect(card.get_by_test_id("severity")).to_contain_text("critical")
        expect(card.get_by_test_id("alert-entities")).to_contain_text(f"db-{sent['dedup_key'][-4:]}")
        expect(card.get_by_role("link", name="Grafana disk board")).to_be_visible()
        expect(card.get_by_test_id("timeline-entry").first).to_be_visible()
        button = card.get_by_role("button", name="Clean temp files")
        expect(button).to_be_in_viewport()
        box = button.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 300, box  # a thumb-sized target on a phone
        shot(page, "oncall-respond-1-phone-alert")

        button.click()
        expect(card.get_by_test_id("alert-outcome")).to_contain_text("You chose “Clean temp files”")
        shot(page, "oncall-respond-2-phone-answered")

        def finished() -> dict[str, Any] | None:
            run = server.get(f"/api/runs/{sent['run_id']}")
            return run if run["status"] in ("succeeded", "failed", "cancelled") else None

        run = _until("the run to finish", finished, timeout=90)
        steps = {s["node_id"]: s for s in run["steps"]}
        assert steps["page"]["status"] == "succeeded" and steps["page"]["port"] == "Clean temp files", steps["page"]
        assert steps["clean"]["status"] == "succeeded", steps["clean"]
        assert steps["note_ignore"]["status"] == "skipped", steps["note_ignore"]
        assert not (junk / "old.tmp").exists(), "the runbook after the port did not clean the directory"
        assert run["status"] == "succeeded", run

        # The card follows the incident on: the flow resolves it, and the timeline says who chose what.
        expect(card.get_by_test_id("incident-status")).to_have_text("resolved", timeout=20_000)
        shot(page, "oncall-respond-3-phone-flow-went-on")
        assert not errors, f"JavaScript errors in the page: {errors}"
    finally:
        context.close()


def test_a_second_answer_on_the_phone_shows_who_answered_first(browser: Browser, server: Server) -> None:
    _ensure_full_disk_flow(server)
    sent = _disk_event(server)
    alert = _our_alert(server, sent)
    paged = _paged_users(alert)
    context = _context(browser, server, PHONE)
    errors: list[str] = []
    try:
        page = _sign_in(context, server, paged[0], errors)
        page.goto("/respond")
        card = page.locator(f'[data-testid="alert-card"][data-alert-id="{alert["id"]}"]')
        expect(card).to_have_count(1)
        status, body = server.request("POST", f"/api/alerts/{alert['id']}/response", {"choice": "Ignore"})
        assert status == 202, body
        card.get_by_role("button", name="Clean temp files").click()
        outcome = card.get_by_test_id("alert-outcome")
        expect(outcome).to_contain_text("already answered")
        expect(outcome).to_contain_text("Ignore")
        shot(page, "oncall-respond-4-phone-already-answered")
    finally:
        context.close()


def test_the_incident_page_acknowledges_then_resolves_and_explains(browser: Browser, server: Server) -> None:
    _ensure_full_disk_flow(server)
    sent = _disk_event(server)
    alert = _our_alert(server, sent)
    paged = _paged_users(alert)
    user = server.get(f"/api/users/{paged[0]}")
    context = _context(browser, server, DESKTOP)
    errors: list[str] = []
    try:
        page = _sign_in(context, server, user["id"], errors)
        page.get_by_role("link", name="Incidents").click()
        row = page.locator(f'[data-incident-id="{sent["incident_id"]}"]')
        expect(row).to_contain_text(sent["title"])
        expect(row.get_by_test_id("incident-status")).to_have_text("triggered")
        shot(page, "oncall-incidents-1-list")
        page.get_by_test_id("status-filter-resolved").click()
        expect(row).to_have_count(0)
        page.get_by_test_id("status-filter-triggered").click()
        page.get_by_test_id("incident-search").fill(sent["dedup_key"])
        expect(page).to_have_url(re.compile(rf"/incidents\?status=triggered&q={sent['dedup_key']}$"))
        expect(page.get_by_test_id("incident-row")).to_have_count(1)
        row.click()
        expect(page.get_by_test_id("incident-title")).to_have_text(sent["title"])

        # the explanation: the full-disk trigger started a run, the others say why not; the dedup key
        explanation = page.get_by_test_id("event-explanation")
        expect(explanation).to_contain_text(sent["dedup_key"])
        expect(explanation).to_contain_text("opened this incident")
        accepted = explanation.get_by_test_id("trigger-verdict").filter(has_text="Full disk prevention")
        expect(accepted).to_contain_text("started a run")
        expect(accepted).to_contain_text("every filter matched")
        # who was notified, how and why
        ours = page.get_by_test_id("incident-alert").filter(has=page.locator(f'a[href="/runs/{sent["run_id"]}"]'))
        notification = ours.get_by_test_id("notification").filter(has_text=user["name"])
        expect(notification).to_contain_text("inbox")
        expect(notification).to_contain_text("storage-primary")

        page.get_by_test_id("acknowledge").click()
        expect(page.get_by_test_id("incident-head").get_by_test_id("incident-status")).to_have_text("acknowledged")
        acked = page.locator('[data-testid="timeline-entry"][data-kind="acknowledged"]')
        expect(acked.get_by_test_id("timeline-actor")).to_have_text(user["name"])
        expect(page.get_by_test_id("acknowledge")).to_be_disabled()

        page.get_by_test_id("resolve").click()
        expect(page.get_by_test_id("incident-head").get_by_test_id("incident-status")).to_have_text("resolved")
        resolved = page.locator('[data-testid="timeline-entry"][data-kind="resolved"]')
        expect(resolved.get_by_test_id("timeline-actor")).to_have_text(user["name"])
        expect(page.get_by_test_id("resolve")).to_have_count(0)  # nothing left to do
        shot(page, "oncall-incidents-2-detail-resolved")

        incident = server.get(f"/api/incidents/{sent['incident_id']}")
        assert incident["status"] == "resolved"
        kinds = [(t["kind"], t["actor"]) for t in incident["timeline"]]
        assert ("acknowledged", user["id"]) in kinds and ("resolved", user["id"]) in kinds, kinds
        assert kinds.index(("acknowledged", user["id"])) < kinds.index(("resolved", user["id"]))

        page.set_viewport_size(PHONE)
        shot(page, "oncall-incidents-3-detail-phone")
        assert not errors, f"JavaScript errors in the page: {errors}"
    finally:
        context.close()


def test_the_incident_list_follows_a_change_live(browser: Browser, server: Server) -> None:
    _ensure_full_disk_flow(server)
    sent = _disk_event(server)
    context = _context(browser, server, PHONE)
    errors: list[str] = []
    try:
        page = _sign_in(context, server, "vera", errors, path="/incidents")  # a viewer may watch
        row = page.locator(f'[data-incident-id="{sent["incident_id"]}"]')
        expect(row.get_by_test_id("incident-status")).to_have_text("triggered")
        status, body = server.request("POST", f"/api/incidents/{sent['incident_id']}/resolve", {"note": "done"})
        assert status == 200, body
        expect(row.get_by_test_id("incident-status")).to_have_text("resolved")
        shot(page, "oncall-incidents-4-list-phone")
        assert not errors, f"JavaScript errors in the page: {errors}"
    finally:
        context.close()


def test_the_schedule_page_draws_two_weeks_and_refuses_an_overlapping_override(
        browser: Browser, server: Server) -> None:
    schedule = server.get("/api/schedules/storage-primary")
    editor = next(u for u in server.get("/api/users")["items"] if u["role"] in ("editor", "admin")
                  and u["id"] != "admin" and u.get("has_password", True))
    context = _context(browser, server, DESKTOP)
    errors: list[str] = []
    try:
        page = _sign_in(context, server, editor["id"], errors)
        page.get_by_role("link", name="Schedules").click()
        page.locator('[data-schedule-id="storage-primary"]').click()
        expect(page.get_by_test_id("schedule-name")).to_have_text(schedule["name"])
        timeline = page.get_by_test_id("schedule-timeline")
        expect(timeline.get_by_test_id("schedule-day")).to_have_count(14)
        expect(timeline.get_by_test_id("layer-row")).to_have_count(len(schedule["layers"]))
        for i in range(len(schedule["layers"])):
            expect(timeline.get_by_test_id("layer-row").nth(i).get_by_test_id("shift-block").first).to_be_visible()
        expect(timeline.get_by_test_id("final-row").get_by_test_id("shift-block").first).to_be_visible()
        expect(timeline.get_by_test_id("now-marker")).to_be_visible()
        expect(page.get_by_test_id("schedule-zone")).to_contain_text(schedule["time_zone"])
        expect(page.get_by_test_id("oncall-entry").first).to_be_visible()
        expect(page.get_by_test_id("oncall-reason").first).not_to_be_empty()
        ical = "/api/schedules/storage-primary/calendar.ics"
        expect(page.get_by_test_id("ical-link")).to_have_attribute("href", ical)
        shot(page, "oncall-schedule-1-two-weeks")

        # an override through the form, drawn in the final row
        form = page.get_by_test_id("override-form")
        other = schedule["layers"][0]["users"][-1]
        form.get_by_test_id("override-user").select_option(other)
        form.get_by_test_id("override-start").fill(_local(days=2, hour=8))
        form.get_by_test_id("override-end").fill(_local(days=2, hour=20))
        form.get_by_test_id("override-note").fill("swap")
        form.get_by_test_id("override-add").click()
        expect(page.get_by_test_id("override-row")).to_have_count(len(schedule["overrides"]) + 1)
        expect(page.locator('[data-testid="final-row"] .sched-block.override')).not_to_have_count(0)

        # an overlapping one: the API refuses and says so at the start field, naming the other override
        form.get_by_test_id("override-start").fill(_local(days=2, hour=12))
        form.get_by_test_id("override-end").fill(_local(days=3, hour=9))
        form.get_by_test_id("override-add").click()
        error = form.get_by_test_id("override-error-start")
        expect(error).to_contain_text("overlaps")
        expect(form.get_by_test_id("override-start")).to_have_class("has-error")
        expect(page.get_by_test_id("override-row")).to_have_count(len(schedule["overrides"]) + 1)
        shot(page, "oncall-schedule-2-overlap-refused")

        page.set_viewport_size(PHONE)
        page.get_by_test_id("schedule-timeline").scroll_into_view_if_needed()
        shot(page, "oncall-schedule-3-phone")

        # who is on call now, per team and schedule, with the reason
        page.set_viewport_size(DESKTOP)
        page.get_by_role("link", name="On call").click()
        team = page.locator('[data-testid="team-oncall"][data-team-id="storage"]')
        expect(team.get_by_test_id("oncall-entry")).to_have_count(1)
        expect(team.get_by_test_id("oncall-schedule")).to_have_text(f"on {schedule['name']}")
        expect(team.get_by_test_id("oncall-reason")).to_contain_text("layer 'Weekly'")
        shot(page, "oncall-board")
        assert not errors, f"JavaScript errors in the page: {errors}"
    finally:
        context.close()


def _local(days: int, hour: int) -> str:
    """A datetime-local value `days` from today at `hour`:00 (the form reads it in the schedule's zone)."""
    when = time.localtime(time.time() + days * 86400)
    return f"{when.tm_year:04d}-{when.tm_mon:02d}-{when.tm_mday:02d}T{hour:02d}:00"
