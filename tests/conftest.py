"""Test fixtures: a real PostgreSQL, migrated once, shared by the session.

The server is the one named by TEST_DATABASE_URL, or else the embedded
pgserver under ./var (the same one `make run` uses). pytest-postgresql's
`postgresql_noproc` builds a template database with every migration applied;
the session's test database is cloned from it. Tests share that database and
keep out of each other's way by creating their own funds (`fund_factory`).
"""
import os

import psycopg2
import pytest
from pytest_postgresql import factories
from pytest_postgresql.janitor import DatabaseJanitor

from app import create_app, migrations
from app.config import Settings
from app.db import Database

from .support import FundFactory, database_url_for, server_parameters

SERVER = server_parameters(os.environ.get("TEST_DATABASE_URL"))
# Per-process names, so that two test runs against one server never collide.
DB_PREFIX = f"fund_allocation_test_{os.getpid()}"


def _apply_migrations(host, port, user, dbname, password=None, **_kwargs):
    migrations.upgrade(database_url_for(SERVER, dbname))


postgresql_noproc = factories.postgresql_noproc(
    **SERVER, dbname=DB_PREFIX, load=[_apply_migrations])


@pytest.fixture(scope="session")
def pg_server():
    """Connection parameters of the PostgreSQL server the tests use."""
    return dict(SERVER)


@pytest.fixture(scope="session")
def database_url(postgresql_noproc):
    """A migrated database for this test session."""
    janitor = DatabaseJanitor(
        user=postgresql_noproc.user, host=postgresql_noproc.host,
        port=postgresql_noproc.port, password=postgresql_noproc.password,
        dbname=f"{DB_PREFIX}_session",
        template_dbname=postgresql_noproc.template_dbname)
    janitor.drop()
    with janitor:
        yield database_url_for(SERVER, f"{DB_PREFIX}_session")


@pytest.fixture
def empty_database_url(pg_server, request):
    """A brand-new, unmigrated database, dropped after the test."""
    dbname = f"{DB_PREFIX}_empty"
    janitor = DatabaseJanitor(user=pg_server["user"], host=pg_server["host"],
                              port=pg_server["port"], password=pg_server["password"],
                              dbname=dbname)
    janitor.drop()
    with janitor:
        yield database_url_for(pg_server, dbname)


@pytest.fixture(scope="session")
def test_settings(database_url):
    """Settings for the in-process app: authentication off unless a test turns it on."""
    return Settings(database_url=database_url, auth_mode="off",
                    ratelimit_default="100000 per minute")


@pytest.fixture(scope="session")
def database(test_settings):
    db = Database(test_settings.database_url, max_size=20,
                  statement_timeout_ms=test_settings.statement_timeout_ms,
                  lock_timeout_ms=test_settings.lock_timeout_ms)
    yield db
    db.close()


@pytest.fixture(scope="session")
def app(test_settings, database):
    application = create_app(test_settings, database=database)
    application.testing = True
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sql(database_url):
    """A direct autocommit connection to the test database, for arranging and
    inspecting rows around a request."""
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    yield conn
    conn.close()


@pytest.fixture
def fund_factory(sql):
    return FundFactory(sql)
