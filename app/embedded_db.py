"""The embedded PostgreSQL used when DATABASE_URL is unset.

`pgserver` ships PostgreSQL binaries inside a wheel, so a machine with nothing
but Python can run the service and its tests. The server keeps its data under
./var/pgdata (EMBEDDED_PG_DIR), listens on a Unix socket only, and is left
running when the process exits, so gunicorn's master starts it once and every
worker, CLI command and test run attaches to the same server.
"""
import logging
import warnings
from pathlib import Path
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

log = logging.getLogger(__name__)

APP_DATABASE = "fund_allocation"


def start_embedded_server(data_dir: Path):
    """Start (or attach to) the pgserver instance that owns `data_dir`."""
    with warnings.catch_warnings():  # platformdirs: XDG_RUNTIME_DIR unset
        warnings.simplefilter("ignore")
        import pgserver  # imported lazily: only needed without DATABASE_URL

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    data_dir = Path(data_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(data_dir, cleanup_mode=None)


def socket_dir_of(server) -> str:
    """The directory holding the server's Unix socket."""
    return server.get_postmaster_info().socket_dir.as_posix()


def embedded_database_url(data_dir: Path, database: str = APP_DATABASE) -> str:
    """Start the embedded server if needed, create `database`, return its URL."""
    server = start_embedded_server(data_dir)
    host = socket_dir_of(server)
    _create_database_if_missing(host, database)
    return f"postgresql://postgres@/{database}?host={quote(host, safe='/')}"


def _create_database_if_missing(host: str, database: str) -> None:
    conn = psycopg2.connect(host=host, user="postgres", dbname="postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
            if cur.fetchone() is None:
                log.info("creating database %s on the embedded server", database)
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    finally:
        conn.close()
