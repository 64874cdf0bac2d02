"""SQL for api_tokens (sql/auth/*.sql)."""


def find_token(tx, token_sha256: bytes):
    """(id, user_id, role, fund_ids, active) or None."""
    return tx.fetch_one("auth/find_token", {"token_sha256": token_sha256})


def insert_token(tx, *, token_sha256: bytes, user_id: int, role: str,
                 fund_ids: list[int] | None, expires_in_days: int | None) -> int:
    return tx.fetch_value("auth/insert_token", {
        "token_sha256": token_sha256, "user_id": user_id, "role": role,
        "fund_ids": fund_ids, "expires_in_days": expires_in_days})


def list_tokens(tx):
    cursor = tx.execute("auth/list_tokens")
    return [column.name for column in cursor.description], cursor.fetchall()


def revoke_token(tx, token_id: int) -> bool:
    return tx.fetch_one("auth/revoke_token", {"token_id": token_id}) is not None


def token_exists(tx, token_id: int) -> bool:
    return tx.fetch_value("auth/token_exists", {"token_id": token_id})
