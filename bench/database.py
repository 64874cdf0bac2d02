"""The benchmark's own database: created on the test server, migrated, dropped.

The server is the one the tests use: BENCH_DATABASE_URL, else
TEST_DATABASE_URL (either names any database on the server; only its
connection parameters are used), else the embedded pgserver under ./var.
"""
import os
from contextlib import contextmanager

import psycopg2
from psycopg2 import sql

from app import migrations
from tests import support
from tests.support import database_url_for


def server_parameters() -> dict:
    return support.server_parameters(
        os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))


def _admin_connection(server):
    conn = psycopg2.connect(database_url_for(server, "postgres"))
    conn.autocommit = True
    return conn


@contextmanager
def bench_database():
    """Yield the URL of a fresh, migrated database; drop it afterwards."""
    server = server_parameters()
    dbname = f"fund_allocation_bench_{os.getpid()}"
    admin = _admin_connection(server)
    try:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(dbname)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        url = database_url_for(server, dbname)
        try:
            migrations.upgrade(url)
            yield url
        finally:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                            .format(sql.Identifier(dbname)))
    finally:
        admin.close()


def connect(url):
    """An autocommit connection (seeding, ANALYZE, the floors that want it)."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn
