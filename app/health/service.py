from ..migrations import MIGRATIONS_DIR
from . import repository


def migration_ids_on_disk() -> list[str]:
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("*.sql")
                  if not p.name.endswith(".rollback.sql"))


def pending_migrations(database) -> list[str]:
    """Migrations on disk not yet applied (DatabaseUnavailable if unreachable)."""
    applied = database.run(repository.applied_migration_ids)
    return [m for m in migration_ids_on_disk() if m not in applied]
