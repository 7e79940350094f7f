"""Database connections: one SQLAlchemy engine per process, sessions per unit of work."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

_ENCODE = json.JSONEncoder(default=str).encode  # json.dumps(value, default=str) without a new encoder per call


def _json(value: object) -> str:
    """JSON columns: anything json cannot encode (a datetime in a step's output) is stored as text."""
    return _ENCODE(value)


def make_engine(url: str) -> Engine:
    """Create the engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True, json_serializer=_json)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                           pool_size=20, max_overflow=20, json_serializer=_json)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return engine


class Database:
    """The engine and a session factory; `session()` and `begin()` are units of work, committed on success.

    SQLite allows one writer at a time and makes the others poll with growing sleeps; under
    load those sleeps dominate. So on SQLite every write transaction of this process goes
    through one connection, the writer, taken under one in-process lock: writers queue on the
    lock instead of polling. One writer also keeps its page cache: SQLite (WAL) drops a
    connection's cache whenever another connection has written since its last transaction, so
    writers taking turns on pooled connections would each start cold. Reads use the pool and
    never wait. A write block nested in another on the same thread joins the outer transaction.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_lock = threading.RLock()
        self._writer: Connection | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session in a write transaction, committed when the block ends without error."""
        if not self.is_sqlite:
            with self.sessions() as session, session.begin():
                yield session
            return
        with self.begin() as conn, Session(bind=conn, expire_on_commit=False) as session:
            yield session
            session.flush()  # the session joined the writer's transaction: flush before it commits

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A Core connection in a write transaction, committed when the block ends without error."""
        if not self.is_sqlite:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock:
            writer = self._writer
            if writer is None or writer.closed or writer.invalidated:
                writer = self._writer = self.engine.connect()
            if writer.in_transaction():  # nested on this thread: part of the outer transaction
                yield writer
                return
            with writer.begin():
                yield writer

    def dispose(self) -> None:
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        self.engine.dispose()
