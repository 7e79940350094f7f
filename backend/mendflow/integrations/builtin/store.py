"""Idempotent writes by key, the pattern every built-in service uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Insert, Table, insert, select
from sqlalchemy.exc import IntegrityError

from mendflow.db import Database, hot

T = TypeVar("T")


@cache
def _insert(table: Table) -> Insert:
    return insert(table).returning(table.c.id)


def insert_once(db: Database, table: Table, values: dict[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """Insert `values`, or return the row already holding the same idempotency key.

    Returns (row, created). The insert comes first: the usual case is new work, and the unique
    constraint on the key settles races between two attempts of one step.
    """
    statement = _insert(table)
    try:
        with db.begin() as conn:
            written = hot(conn).get(statement, values)
            (row_id,), = written.execute(conn, values)
        return {**dict.fromkeys(table.c.keys()), **written.complete(values), "id": row_id}, True
    except IntegrityError:
        key = values.get("idempotency_key")
        if key is None:
            raise
        with db.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.idempotency_key == key)).one_or_none()
        if row is None:
            raise
        return row._mapping, False


def once(db: Database, model: type[T], key: str | None, create: Callable[..., T]) -> tuple[T, bool]:
    """The ORM row of `model` holding idempotency `key`, creating it with `create(session)` if absent.

    For writes that need reads in the same transaction (a unique channel name, the current
    colour of a target). Two racing callers with one key get the same row.
    """
    for _ in range(2):
        try:
            with db.session() as session:
                if key is not None:
                    existing = session.scalar(select(model).where(model.idempotency_key == key))  # type: ignore[attr-defined]
                    if existing is not None:
                        return existing, False
                row = create(session)
                session.add(row)
                session.flush()
            return row, True
        except IntegrityError:
            if key is None:
                raise
    raise RuntimeError(f"could not create or find {model.__name__} with key {key!r}")
