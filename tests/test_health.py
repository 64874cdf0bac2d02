"""/healthz and /readyz, and 503 (never 500) without a database (issue 2,
"Deliver" 5 and 8)."""
from dataclasses import replace

import pytest

from app import create_app, migrations
from app.config import Settings
from app.db import Database

from .api_support import assert_error

UNREACHABLE_URL = "postgresql://postgres@127.0.0.1:1/none"


@pytest.fixture
def app_without_database():
    """The app pointed at a port where no PostgreSQL listens."""
    database = Database(UNREACHABLE_URL, connect_timeout_s=1)
    yield create_app(Settings(database_url=UNREACHABLE_URL, auth_mode="off"),
                     database=database)
    database.close()


@pytest.fixture
def app_on(test_settings):
    """Builds an app on another database; closes its pool afterwards."""
    databases = []

    def build(url):
        databases.append(Database(url, connect_timeout_s=1))
        return create_app(replace(test_settings, database_url=url), database=databases[-1])

    yield build
    for database in databases:
        database.close()


def _assert_unavailable(response):
    body = assert_error(response, 503, "service_unavailable")
    assert int(response.headers["Retry-After"]) >= 1
    return body


def test_healthz_is_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_on_the_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_is_503_when_the_database_is_unreachable(app_without_database):
    _assert_unavailable(app_without_database.test_client().get("/readyz"))


def test_healthz_stays_ok_when_the_database_is_unreachable(app_without_database):
    response = app_without_database.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/funds/1/allocations/latest", None),
    ("GET", "/api/funds/1/companies", None),
    ("POST", "/api/funds/1/allocations", {"expected_version": 1, "updates": [
        {"company_id": 1, "planned_reserves_cents": 0}]}),
])
def test_api_route_is_503_not_500_when_the_database_is_unreachable(
        app_without_database, method, path, body):
    client = app_without_database.test_client()
    _assert_unavailable(client.open(path, method=method, json=body))


def test_readyz_is_503_on_an_unmigrated_database(app_on, empty_database_url):
    every_id = [migration_id for migration_id, _ in migrations.status(empty_database_url)]
    body = _assert_unavailable(app_on(empty_database_url).test_client().get("/readyz"))
    assert body["details"] == {"pending_migrations": every_id}


def test_readyz_is_503_while_a_migration_is_pending(app_on, empty_database_url):
    applied = migrations.upgrade(empty_database_url)
    (undone,) = migrations.rollback(empty_database_url)
    assert undone == applied[-1]
    client = app_on(empty_database_url).test_client()

    body = _assert_unavailable(client.get("/readyz"))
    assert body["details"] == {"pending_migrations": [undone]}

    migrations.upgrade(empty_database_url)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}
