"""PostgreSQL access: a connection pool, explicit transactions, the SQL files.

One `Database` per process. Its pool is created lazily in the process that
first uses it, so gunicorn workers each get their own after the fork.

Connections run in autocommit mode and every transaction is spelled out
(`BEGIN` ... `COMMIT`). The BEGIN and its local settings (statement timeout,
lock timeout, planner cost) travel with the transaction's first statement, so
a one-query read is two round trips (query, COMMIT) and a batch update three.

Failures are sorted here, once, for every caller:
- deadlock or serialization failure → `RetryableConflict` (`Database.run`
  retries the whole unit of work once, then gives up with 503);
- a pooled connection the server has closed (a restart, pg_terminate_backend)
  is noticed before use, without a round trip, and replaced;
- lock wait or statement timeout, lost or refused connection →
  `DatabaseUnavailable` (503 with Retry-After); a broken connection is
  discarded, never returned to the pool;
- anything else (a constraint violation, a bug) propagates unchanged (500).
"""
import logging
import os
import random
import select
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import psycopg2.errors

log = logging.getLogger(__name__)

SQL_ROOT = Path(__file__).resolve().parent.parent / "sql"
RETRY_BACKOFF_S = (0.02, 0.06)  # before rerunning a deadlocked transaction

# random_page_cost 1.1 (transaction-local): the data is on SSD or in cache,
# and with the default 4 the planner reads a fund's companies through a bitmap
# scan + Sort, or the whole primary key, instead of the fund's range of
# idx_portfoliocompanies_cursor in id order (bench/README.md).
_BEGIN = (
    "BEGIN; SELECT set_config('statement_timeout', %s, true),"
    " set_config('lock_timeout', %s, true),"
    " set_config('random_page_cost', '1.1', true);\n"
)


class DatabaseUnavailable(Exception):
    """The database cannot serve this request now; the client may retry."""


class RetryableConflict(DatabaseUnavailable):
    """A deadlock or serialization failure: the transaction may succeed if rerun."""


def load_queries(root: Path = SQL_ROOT) -> dict[str, str]:
    """Read every `.sql` file under `root`, keyed by its path without suffix
    (`sql/allocations/latest.sql` → `allocations/latest`).

    The leading comment block (the DBA's header) is dropped: it documents the
    file and must not be sent to the server, where a `%` in it would be read
    as a parameter marker.
    """
    queries = {}
    for path in sorted(root.rglob("*.sql")):
        lines = path.read_text(encoding="utf-8").splitlines()
        while lines and (lines[0].startswith("--") or not lines[0].strip()):
            lines.pop(0)
        queries[path.relative_to(root).with_suffix("").as_posix()] = "\n".join(lines)
    return queries


class ConnectionPool:
    """A bounded pool of psycopg2 connections that waits for a free slot.

    psycopg2's own pools raise at once when exhausted; this one blocks up to
    `acquire_timeout_s`, then reports the database as unavailable.
    """

    def __init__(self, dsn, *, max_size, connect_timeout_s, acquire_timeout_s,
                 connection_factory=None, on_change=None):
        self._dsn = dsn
        self.on_change = on_change  # called with (in_use, max_size) after each change
        self._connect_timeout_s = connect_timeout_s
        self._acquire_timeout_s = acquire_timeout_s
        self._connection_factory = connection_factory
        self._slots = threading.BoundedSemaphore(max_size)
        self._idle = []
        self._lock = threading.Lock()
        self.max_size = max_size
        self.in_use = 0

    def acquire(self):
        if not self._slots.acquire(timeout=self._acquire_timeout_s):
            raise DatabaseUnavailable("no database connection free")
        try:
            conn = self._pop_live_idle()
            if conn is None:
                conn = self._connect()
        except BaseException:
            self._slots.release()
            raise
        with self._lock:
            self.in_use += 1
        self._changed()
        return conn

    def release(self, conn, *, discard=False):
        with self._lock:
            self.in_use -= 1
            if discard or conn.closed:
                _close_quietly(conn)
            else:
                self._idle.append(conn)
        self._slots.release()
        self._changed()

    def _changed(self):
        if self.on_change is not None:
            self.on_change(self.in_use, self.max_size)

    def discard_idle(self):
        """Close every idle connection: after one was found dead, the others
        (opened to the same server) most likely are too."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            _close_quietly(conn)

    def close(self):
        self.discard_idle()

    def _pop_live_idle(self):
        """The most recently used idle connection the server has not closed."""
        while True:
            with self._lock:
                if not self._idle:
                    return None
                conn = self._idle.pop()
            if not _closed_by_server(conn):
                return conn
            _close_quietly(conn)

    def _connect(self):
        try:
            conn = psycopg2.connect(
                self._dsn,
                connect_timeout=self._connect_timeout_s,
                application_name="fund-allocation-api",
                connection_factory=self._connection_factory,
            )
        except psycopg2.Error as exc:
            log.warning("database connection failed: %s", type(exc).__name__)
            raise DatabaseUnavailable("database unreachable") from None
        conn.autocommit = True
        return conn


def _closed_by_server(conn) -> bool:
    """An idle connection has nothing to read unless the server sent its
    goodbye (FATAL: terminating connection) or closed the socket."""
    if conn.closed:
        return True
    readable, _, _ = select.select([conn], [], [], 0)
    return bool(readable)


def _close_quietly(conn):
    try:
        conn.close()
    except psycopg2.Error:
        pass


class Transaction:
    """The handle a repository gets: runs named SQL files with parameters.

    `begin` (the BEGIN and its settings, parameters already bound) is sent
    in front of the first statement."""

    def __init__(self, cursor, queries, begin: bytes):
        self._cursor = cursor
        self._queries = queries
        self._begin = begin

    @property
    def started(self) -> bool:
        return self._begin is None

    def execute(self, name, params=None):
        return self._send(self._queries[name], params)

    def _send(self, sql, params):
        if self._begin is None:
            self._cursor.execute(sql, params)
        else:
            statement = self._begin + self._cursor.mogrify(sql, params)
            self._begin = None
            self._cursor.execute(statement)
        return self._cursor

    def fetch_one(self, name, params=None):
        return self.execute(name, params).fetchone()

    def fetch_all(self, name, params=None):
        return self.execute(name, params).fetchall()

    def fetch_value(self, name, params=None):
        row = self.fetch_one(name, params)
        return None if row is None else row[0]


class Database:
    transaction_class = Transaction  # what `transaction()` hands to the work

    def __init__(self, dsn, *, max_size=10, connect_timeout_s=3,
                 statement_timeout_ms=10_000, lock_timeout_ms=5_000,
                 acquire_timeout_s=None, queries=None, connection_factory=None,
                 on_pool_change=None):
        self.dsn = dsn
        self.queries = load_queries() if queries is None else queries
        self._timeouts = (str(statement_timeout_ms), str(lock_timeout_ms))
        self._pool_args = dict(
            max_size=max_size,
            connect_timeout_s=connect_timeout_s,
            acquire_timeout_s=(lock_timeout_ms / 1000 if acquire_timeout_s is None
                               else acquire_timeout_s),
            connection_factory=connection_factory,
            on_change=on_pool_change,
        )
        self._pool = None
        self._pool_pid = None
        self._pool_lock = threading.Lock()

    @property
    def pool(self) -> ConnectionPool:
        """This process's pool (a forked child never reuses its parent's)."""
        if self._pool_pid != os.getpid():
            with self._pool_lock:
                if self._pool_pid != os.getpid():
                    self._pool = ConnectionPool(self.dsn, **self._pool_args)
                    self._pool_pid = os.getpid()
        return self._pool

    def close(self):
        if self._pool is not None and self._pool_pid == os.getpid():
            self._pool.close()

    def observe_pool(self, on_change):
        """Call `on_change(in_use, max_size)` whenever a connection of this
        process's pool is taken or given back."""
        self._pool_args["on_change"] = on_change
        if self._pool is not None and self._pool_pid == os.getpid():
            self._pool.on_change = on_change

    def run(self, work):
        """Run `work(tx)` in one transaction; rerun it once after a deadlock
        or serialization failure. The rerun waits a few random milliseconds
        first, so the transaction that won can finish instead of meeting the
        rerun in the same cycle again."""
        try:
            with self.transaction() as tx:
                return work(tx)
        except RetryableConflict:
            log.info("transaction rolled back by a deadlock or serialization failure; retrying once")
        time.sleep(random.uniform(*RETRY_BACKOFF_S))
        with self.transaction() as tx:
            return work(tx)

    @contextmanager
    def transaction(self):
        pool = self.pool
        conn = pool.acquire()
        discard = False
        try:
            with conn.cursor() as cursor:
                tx = self.transaction_class(cursor, self.queries,
                                            cursor.mogrify(_BEGIN, self._timeouts))
                yield tx
                if tx.started:
                    cursor.execute("COMMIT")
        except BaseException as exc:
            discard = not _rollback(conn)
            if discard:
                pool.discard_idle()
            if _is_database_failure(exc):
                raise _translate(exc) from None
            raise
        finally:
            pool.release(conn, discard=discard)


def _rollback(conn) -> bool:
    """Roll back; False when the connection is unusable and must be discarded."""
    if conn.closed:
        return False
    try:
        with conn.cursor() as cursor:
            cursor.execute("ROLLBACK")
        return True
    except psycopg2.Error:
        return False


def _is_database_failure(exc) -> bool:
    return isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError))


def _translate(exc):
    if isinstance(exc, psycopg2.errors.TransactionRollbackError):
        return RetryableConflict(type(exc).__name__)
    if isinstance(exc, psycopg2.errors.LockNotAvailable):
        return DatabaseUnavailable("lock wait timed out")
    if isinstance(exc, psycopg2.errors.QueryCanceled):
        return DatabaseUnavailable("statement timed out")
    return DatabaseUnavailable("database connection lost")
