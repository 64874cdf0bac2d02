"""Listing a fund's companies with keyset pagination (SPEC §4)."""
from ..errors import fund_not_found
from ..funds.repository import fund_exists
from . import repository
from .cursor import Cursors

# What a cursor's sort key may hold, per sort order.
KEY_VALIDATORS = {
    "exit_moic_desc": lambda key: type(key) is int and -1 <= key <= 10_000_000,
    "planned_reserves_desc": lambda key: type(key) is int and 0 <= key <= 2**63 - 1,
    "name_asc": lambda key: isinstance(key, str) and "\x00" not in key,
}

FILTERS = ("status", "sector", "stage", "q")


def make_cursors(secret: str) -> Cursors:
    return Cursors(secret, KEY_VALIDATORS)


def list_companies(database, cursors: Cursors, fund_id: int, query: dict) -> str:
    """One page as the JSON text of SPEC §4."""
    sort_by, limit = query["sort_by"], query["limit"]
    after = cursors.decode(query["cursor"], sort_by) if "cursor" in query else None
    filters = {name: query[name] for name in FILTERS if name in query}

    def work(tx):
        rows = repository.list_page(tx, fund_id, sort_by=sort_by, filters=filters,
                                    after=after, page_size=limit + 1)
        if not rows and not fund_exists(tx, fund_id):
            raise fund_not_found()
        return rows

    rows = database.run(work)
    page, has_more = rows[:limit], len(rows) > limit
    next_cursor = cursors.encode(sort_by, page[-1][1], page[-1][2]) if has_more else None
    return _page_json([row[0] for row in page], next_cursor, has_more)


def _page_json(items: list[str], next_cursor: str | None, has_more: bool) -> str:
    # Items are JSON already (built by PostgreSQL); only the envelope is added.
    cursor_json = "null" if next_cursor is None else f'"{next_cursor}"'
    return (f'{{"companies":[{",".join(items)}],'
            f'"pagination":{{"next_cursor":{cursor_json},'
            f'"has_more":{"true" if has_more else "false"}}}}}')
