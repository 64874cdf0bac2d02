"""Queries about funds themselves."""


def fund_exists(tx, fund_id: int) -> bool:
    return tx.fetch_value("funds/exists", {"fund_id": fund_id})
