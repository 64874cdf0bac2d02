"""The schema's migrations (yoyo), as functions the CLI, /readyz and the tests share."""
from pathlib import Path

from yoyo import get_backend, read_migrations

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def _backend(database_url):
    # yoyo's "postgresql" scheme is its psycopg2 backend, the driver we ship.
    return get_backend(database_url)


def _migrations():
    return read_migrations(str(MIGRATIONS_DIR))


def upgrade(database_url) -> list[str]:
    """Apply every pending migration; return the ids applied."""
    backend, migrations = _backend(database_url), _migrations()
    try:
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [m.id for m in pending]
    finally:
        backend.connection.close()


def rollback(database_url, count=1) -> list[str]:
    """Roll back the last `count` applied migrations (all of them if None)."""
    backend, migrations = _backend(database_url), _migrations()
    try:
        with backend.lock():
            applied = backend.to_rollback(migrations)
            chosen = applied if count is None else applied[:count]
            backend.rollback_migrations(chosen)
        return [m.id for m in chosen]
    finally:
        backend.connection.close()


def status(database_url) -> list[tuple[str, bool]]:
    """(migration id, applied?) for every migration, in order."""
    backend, migrations = _backend(database_url), _migrations()
    try:
        return [(m.id, backend.is_applied(m)) for m in migrations]
    finally:
        backend.connection.close()


def pending(database_url) -> list[str]:
    return [migration_id for migration_id, applied in status(database_url) if not applied]
