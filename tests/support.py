"""Helpers shared by the tests: database URLs, test data, a real gunicorn."""
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg2.extensions
import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def server_parameters(url: str | None) -> dict:
    """Connection parameters (host, port, user, password) of the server `url`
    names (any database on it), or else of the embedded pgserver under ./var."""
    if url:
        params = psycopg2.extensions.parse_dsn(url)
        return {"host": params.get("host", "127.0.0.1"), "port": int(params.get("port", 5432)),
                "user": params.get("user", "postgres"), "password": params.get("password")}
    from app.config import load_settings
    from app.embedded_db import socket_dir_of, start_embedded_server

    server = start_embedded_server(load_settings().embedded_data_dir)
    return {"host": socket_dir_of(server), "port": 5432, "user": "postgres", "password": None}


def database_url_for(server: dict, dbname: str) -> str:
    password = f":{quote(server['password'], safe='')}" if server.get("password") else ""
    return (f"postgresql://{server['user']}{password}@/{dbname}"
            f"?host={quote(str(server['host']), safe='/')}&port={server['port']}")


class FundFactory:
    """Creates funds and companies straight in the database, so each test
    works on its own fund."""

    def __init__(self, conn):
        self.conn = conn

    def fund(self, name="Test Fund", size_cents=None, vintage_year=None) -> int:
        with self.conn.cursor() as cur:
            cur.execute("INSERT INTO funds (name, size_cents, vintage_year) "
                        "VALUES (%s, %s, %s) RETURNING id", (name, size_cents, vintage_year))
            return cur.fetchone()[0]

    def company(self, fund_id, **columns) -> int:
        values = {"name": "Company", **columns, "fund_id": fund_id}
        names = list(values)
        with self.conn.cursor() as cur:
            cur.execute(
                f"INSERT INTO portfoliocompanies ({', '.join(names)}) "
                f"VALUES ({', '.join(['%s'] * len(names))}) RETURNING id",
                [values[n] for n in names])
            return cur.fetchone()[0]

    def fund_with_companies(self, companies, **fund_columns):
        """(fund_id, [company ids]) for a list of column dicts."""
        fund_id = self.fund(**fund_columns)
        return fund_id, [self.company(fund_id, **columns) for columns in companies]

    def many_companies(self, fund_id, count, *, name_prefix="Co"):
        """`count` companies via one set-based INSERT; returns their ids in order."""
        with self.conn.cursor() as cur:
            cur.execute(
                "INSERT INTO portfoliocompanies (fund_id, name, planned_reserves_cents, "
                "exit_moic_bps) SELECT %s, %s || lpad(g::text, 7, '0'), (g %% 97) * 1000, "
                "CASE WHEN g %% 11 = 0 THEN NULL ELSE (g %% 53) * 1000 END "
                "FROM generate_series(1, %s) g RETURNING id", (fund_id, name_prefix, count))
            return sorted(row[0] for row in cur.fetchall())

    def row(self, company_id) -> dict:
        with self.conn.cursor() as cur:
            cur.execute("SELECT * FROM portfoliocompanies WHERE id = %s", (company_id,))
            names = [c.name for c in cur.description]
            row = cur.fetchone()
        return dict(zip(names, row)) if row else None

    def events(self, fund_id) -> list[dict]:
        with self.conn.cursor() as cur:
            cur.execute("SELECT * FROM fund_events WHERE fund_id = %s ORDER BY id", (fund_id,))
            names = [c.name for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_gunicorn(database_url, *, workers=2, env=None, timeout_s=20):
    """A real gunicorn (gunicorn.conf.py, `workers` workers) serving the app
    on a free loopback port; yields its base URL and stops it afterwards."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url,
                   "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
                   "AUTH_MODE": "off", "RATELIMIT_DEFAULT": "100000 per minute",
                   "LOG_LEVEL": "WARNING", **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT_ROOT, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, timeout_s)
        yield base_url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base_url, process, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited: " + process.stderr.read().decode()[-2000:])
        try:
            if requests.get(base_url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def run_flask(url, *args) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi ARGS` against `url`."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT_ROOT, env={**os.environ, "DATABASE_URL": url, "AUTH_MODE": "off"},
        capture_output=True, text=True, timeout=120)


def flask(url, *args) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi ARGS` against `url`; fail the test on a non-zero exit."""
    result = run_flask(url, *args)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return result
