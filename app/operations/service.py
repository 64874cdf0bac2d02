"""The seed document's monitoring and cleanup queries, for the CLI."""


def recent_activity(database, hours: int):
    return database.run(lambda tx: _table(tx, "monitoring/recent_activity", {"hours": hours}))


def high_versions(database, min_version: int, limit: int):
    return database.run(lambda tx: _table(
        tx, "monitoring/high_versions", {"min_version": min_version, "limit": limit}))


def recent_events(database, fund_id: int, limit: int):
    return database.run(lambda tx: _table(
        tx, "monitoring/recent_events", {"fund_id": fund_id, "limit": limit}))


def cap_violations(database):
    return database.run(lambda tx: _table(tx, "monitoring/cap_violations"))


def purge_expired_events(database) -> int:
    return database.run(lambda tx: tx.fetch_value("maintenance/purge_events"))


def reset_stale_iterations(database) -> int:
    return database.run(lambda tx: tx.fetch_value("maintenance/reset_iterations"))


def _table(tx, name, params=None):
    cursor = tx.execute(name, params)
    return [column.name for column in cursor.description], cursor.fetchall()
