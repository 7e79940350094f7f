"""HotStatement writes exactly the rows SQLAlchemy's own execution writes, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from mendflow.db import Database, hot
from mendflow.models import Event, Step, Ticket, TimelineEntry
from tests.conftest import make_database_url

_STEPS = Step.__table__
_TIMELINE = TimelineEntry.__table__
_EVENTS = Event.__table__
_TICKETS = Ticket.__table__


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Any:
    database = Database(make_database_url(request.param, request, tmp_path, sqlite_template))
    yield database
    database.dispose()


def _step(run_id: str, node_id: str, **changes: Any) -> dict[str, Any]:
    at = datetime(2026, 11, 24, 3, 0, 0, 123456, tzinfo=UTC)
    return {"run_id": run_id, "node_id": node_id, "node_type": "ticket.create", "status": "running", "port": None,
            "attempts": 1, "started_at": at, "finished_at": None, "due_at": None, "config": {"title": "Disk 95 %"},
            "output": None, "error": None, "logs": [{"at": at.isoformat(), "message": "é ✓"}], "wait": None,
            **changes}


def _rows(db: Database, table: Any, order: Any) -> list[dict[str, Any]]:
    with db.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(table).order_by(*order))]


def test_inserts_and_updates_match_sqlalchemy(db: Database) -> None:
    with db.begin() as conn:
        conn.execute(insert(_STEPS), [_step("r1", "a"), _step("r1", "b", status="succeeded", output={"n": [1, 2]})])
        hot(conn).executemany(conn, insert(_STEPS), [_step("r2", "a"), _step("r2", "b", status="succeeded",
                                                                            output={"n": [1, 2]})])
    change = update(_STEPS).where(_STEPS.c.run_id == bindparam("b_run_id"), _STEPS.c.node_id == bindparam("b_node"))
    done = {"status": "failed", "error": "boom", "finished_at": datetime(2026, 11, 24, 3, 1, tzinfo=UTC),
            "wait": {"kind": "response", "until": None}}
    with db.begin() as conn:
        conn.execute(change, [{**done, "b_run_id": "r1", "b_node": "a"}])
        hot(conn).executemany(conn, change, [{**done, "b_run_id": "r2", "b_node": "a"}])
    rows = _rows(db, _STEPS, (_STEPS.c.run_id, _STEPS.c.node_id))
    assert len(rows) == 4
    for by_sqlalchemy, by_hot in zip(rows[:2], rows[2:], strict=True):
        assert {**by_sqlalchemy, "run_id": "r2"} == by_hot
    assert rows[2]["status"] == "failed" and rows[2]["wait"] == {"kind": "response", "until": None}
    assert rows[2]["finished_at"] == datetime(2026, 11, 24, 3, 1, tzinfo=UTC)


def test_python_side_defaults_are_filled_in(db: Database) -> None:
    entry = {"incident_id": None, "kind": "note", "message": "checked", "run_id": None, "node_id": None}
    with db.begin() as conn:
        incident = conn.execute(insert(Event.metadata.tables["incidents"]).values(
            dedup_key="k", title="t", severity="info", status="triggered", service=None, entities=[], links=[],
            event_count=1, created_at=datetime.now(UTC)).returning(Event.metadata.tables["incidents"].c.id)).scalar()
        hot(conn).executemany(conn, insert(_TIMELINE), [{**entry, "incident_id": incident}])
    (row,) = _rows(db, _TIMELINE, (_TIMELINE.c.id,))
    assert row["actor"] == "mendflow" and row["data"] == {}  # the model's defaults
    assert abs((row["at"] - datetime.now(UTC)).total_seconds()) < 60


def test_returning_and_complete_give_the_written_row(db: Database) -> None:
    values = {"title": "Disk full", "incident_id": None, "idempotency_key": "run:1", "assignee": None}
    with db.begin() as conn:
        statement = hot(conn).get(insert(_TICKETS).returning(_TICKETS.c.id), values)
        ((ticket_id,),) = statement.execute(conn, values)
        written = {**statement.complete(values), "id": ticket_id}
    (stored,) = _rows(db, _TICKETS, (_TICKETS.c.id,))
    assert {key: stored[key] for key in written if key not in ("created_at", "updated_at")} == \
        {key: value for key, value in written.items() if key not in ("created_at", "updated_at")}
    assert stored["status"] == "open" and stored["priority"] == "normal" and stored["description"] == ""


def test_driver_errors_surface_as_sqlalchemy_errors(db: Database) -> None:
    values = {"title": "Disk full", "incident_id": None, "idempotency_key": "same", "assignee": None}
    with db.begin() as conn:
        hot(conn).execute(conn, insert(_TICKETS), values)
    with pytest.raises(IntegrityError), db.begin() as conn:
        hot(conn).execute(conn, insert(_TICKETS), values)
    assert len(_rows(db, _TICKETS, (_TICKETS.c.id,))) == 1  # the failed transaction rolled back


def test_a_missing_value_without_a_default_is_refused_at_compile_time(db: Database) -> None:
    with pytest.raises(ValueError, match="'status' has no value"), db.begin() as conn:
        hot(conn).get(update(_STEPS).where(_STEPS.c.status == bindparam("status")), ["error"])


def test_on_sqlite_a_nested_write_joins_the_outer_transaction(tmp_path: Path, sqlite_template: Path,
                                                              request: pytest.FixtureRequest) -> None:
    db = Database(make_database_url("sqlite", request, tmp_path, sqlite_template))
    values = {"title": "Disk full", "incident_id": None, "idempotency_key": None, "assignee": None}
    with pytest.raises(RuntimeError), db.begin() as outer:
        with db.begin() as inner:  # a built-in write inside the engine's batch
            assert inner is outer
            hot(inner).execute(inner, insert(_TICKETS), values)
        raise RuntimeError("the batch fails")
    assert _rows(db, _TICKETS, (_TICKETS.c.id,)) == []  # rolled back with the outer transaction
    with db.begin() as outer, db.begin() as inner:
        hot(inner).execute(inner, insert(_TICKETS), values)
    assert len(_rows(db, _TICKETS, (_TICKETS.c.id,))) == 1
    db.dispose()
