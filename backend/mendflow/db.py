"""Database connections: one SQLAlchemy engine per process, sessions per unit of work."""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, Executable, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
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
        self._depth = 0  # write blocks open on the thread holding the lock

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
            if self._depth:  # nested on this thread (the lock is re-entrant): part of the outer transaction
                yield writer
                return
            if writer.in_transaction():  # left over from a failed commit: never join it
                writer.rollback()
            self._depth += 1
            try:
                with writer.begin():
                    yield writer
            finally:
                self._depth -= 1

    def dispose(self) -> None:
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        self.engine.dispose()


class HotStatement:
    """A Core statement compiled once for one dialect and run straight on the driver's cursor.

    For the writes every run makes many times (the engine's batch, correlation, built-in tickets
    and chat messages): SQLAlchemy's per-execution work (an execution context, parameter
    dictionaries, result wrapping) costs several times what SQLite itself spends on such a
    statement. The values still go through the bind processors SQLAlchemy would apply, and
    Python-side column defaults are filled in, so the rows are the ones SQLAlchemy would write
    (tests/unit/test_hot_statements.py compares them on SQLite and PostgreSQL). `onupdate`
    defaults and expanding IN parameters are not supported. The statement runs in the
    connection's transaction.
    """

    def __init__(self, statement: Executable, dialect: Dialect, keys: Sequence[str]) -> None:
        self.statement = statement  # kept alive: `HotStatements` looks statements up by id()
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self._positional = compiled.positional
        self._names = list(compiled.positiontup if compiled.positional else compiled.binds)
        self._escaped = {name: compiled.escaped_bind_names.get(name, name) for name in self._names}
        processors = compiled._bind_processors  # what SQLAlchemy's own execution applies
        table = getattr(statement, "table", None)
        self._fill: list[tuple[str, Callable[[Mapping[str, Any]], Any], Callable[[Any], Any] | None]] = []
        for name in self._names:
            column = table.c.get(name) if table is not None else None
            default = column.default if column is not None else None
            if name in keys:
                getter = _item(name)
            elif default is not None and default.is_scalar:
                getter = _constant(default.arg)
            elif default is not None and default.is_callable:
                getter = _call_default(default.arg)
            elif compiled.binds[name].value is not None or not compiled.binds[name].required:
                getter = _constant(compiled.binds[name].effective_value)
            else:
                raise ValueError(f"{name!r} has no value and no default in {self.sql!r}")
            self._fill.append((name, getter, processors.get(name)))

    def complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """`values` with the defaults filled in: the Python values of the row written."""
        return {name: get(values) for name, get, _ in self._fill}

    def params(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        """The driver's parameters for one row of `values`."""
        if self._positional:
            return tuple(process(get(values)) if process else get(values) for _, get, process in self._fill)
        return {self._escaped[name]: process(get(values)) if process else get(values)
                for name, get, process in self._fill}

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run once with `values`; the rows it returns (RETURNING, SELECT) as driver tuples."""
        params = self.params(values)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(self.sql, params)
            return cursor.fetchall() if cursor.description else []
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, self.sql, params, exc) from exc
        finally:
            cursor.close()

    def executemany(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run once per row of `rows` (no RETURNING)."""
        params = [self.params(row) for row in rows]
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(self.sql, params)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, self.sql, params, exc) from exc
        finally:
            cursor.close()


_HOT: weakref.WeakKeyDictionary[Dialect, HotStatements] = weakref.WeakKeyDictionary()
_HOT_LOCK = threading.Lock()


def hot(conn: Connection) -> HotStatements:
    """The `HotStatements` for `conn`'s database (its dialect)."""
    statements = _HOT.get(conn.dialect)
    if statements is None:
        with _HOT_LOCK:
            statements = _HOT.setdefault(conn.dialect, HotStatements(conn.dialect))
    return statements


class HotStatements:
    """`HotStatement`s of one dialect, compiled on first use per statement and set of keys.

    Statements are looked up by identity and kept: pass module-level constants, not statements
    built per call.
    """

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._compiled: dict[tuple[int, tuple[str, ...]], HotStatement] = {}

    def get(self, statement: Executable, keys: Iterable[str]) -> HotStatement:
        key = (id(statement), tuple(keys))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = HotStatement(statement, self.dialect, key[1])
        return compiled

    def execute(self, conn: Connection, statement: Executable, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return self.get(statement, values).execute(conn, values)

    def executemany(self, conn: Connection, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run `statement` for every row; rows with different keys are compiled and run apart."""
        groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        for keys, group in groups.items():
            self.get(statement, keys).executemany(conn, group)


def _wrapped(conn: Connection, sql: str, params: Any, error: Exception) -> DBAPIError:
    """The driver's `error` as the SQLAlchemy exception its own execution would raise (IntegrityError, ...)."""
    return DBAPIError.instance(sql, params, error, conn.dialect.loaded_dbapi.Error,
                               dialect=conn.dialect)  # type: ignore[return-value]


def _item(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda values: values[name]


def _constant(value: Any) -> Callable[[Mapping[str, Any]], Any]:
    return lambda _values: value


def _call_default(function: Callable[[Any], Any]) -> Callable[[Mapping[str, Any]], Any]:
    return lambda _values: function(None)  # SQLAlchemy wraps zero-argument defaults to take a context
