"""The company-list SQL (sql/companies/), one file per sort order."""
QUERY_BY_SORT = {
    "exit_moic_desc": "companies/list_by_exit_moic",
    "planned_reserves_desc": "companies/list_by_planned_reserves",
    "name_asc": "companies/list_by_name",
}


def list_page(tx, fund_id: int, *, sort_by: str, filters: dict, after, page_size: int):
    """Rows of (item JSON text, sort key, id) in page order; `after` is the
    cursor's (key, id) or None for the first page."""
    after_key, after_id = after if after else (None, None)
    return tx.fetch_all(QUERY_BY_SORT[sort_by], {
        "fund_id": fund_id,
        "status": filters.get("status"),
        "sector": filters.get("sector"),
        "stage": filters.get("stage"),
        "q": filters.get("q"),
        "after_key": after_key,
        "after_id": after_id,
        "page_size": page_size,
    })
