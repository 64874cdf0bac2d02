"""SQL of the demo seed (sql/demo/)."""
from decimal import Decimal


def lock_seed(tx):
    tx.execute("demo/lock_seed")


def find_fund(tx, name):
    return tx.fetch_value("demo/find_fund", {"name": name})


def create_fund(tx, *, name, size_cents, vintage_year):
    return tx.fetch_value("demo/create_fund", {
        "name": name, "size_cents": size_cents, "vintage_year": vintage_year})


def insert_companies(tx, fund_id, companies):
    def column(name):
        return [c[name] for c in companies]

    tx.execute("demo/insert_companies", {
        "fund_id": fund_id,
        "names": column("name"), "sectors": column("sector"), "stages": column("stage"),
        "statuses": column("status"), "invested": column("invested_cents"),
        "deployed": column("deployed_reserves_cents"),
        "planned": column("planned_reserves_cents"), "caps": column("allocation_cap_cents"),
        "moics": column("exit_moic_bps"),
        "ownerships": [None if o is None else Decimal(str(o)) for o in column("ownership_current_pct")],
        "reasons": column("allocation_reason"),
    })
