import psycopg2.errors


def applied_migration_ids(tx) -> set[str]:
    try:
        return {row[0] for row in tx.fetch_all("health/applied_migrations")}
    except psycopg2.errors.UndefinedTable:
        return set()  # a database never migrated
