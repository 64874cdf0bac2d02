"""The demo fund: a realistic, idempotently seeded fund for trying the API."""
from . import repository

DEMO_FUND = {"name": "Demo Fund I", "size_cents": 150_000_000_00, "vintage_year": 2021}

# name, sector, stage, status, invested $k, deployed $k, planned $k, cap $k|None,
# exit MOIC (x)|None, ownership|None, reason|None
_COMPANIES = [
    ("Acme Robotics", "Industrial Tech", "Series B", "active", 4000, 1000, 2500, 4000, 4.2, 0.1200, "Top performer; Series C expected in Q3"),
    ("Brightline Health", "Healthcare", "Series A", "active", 2500, 500, 1500, 2000, 3.1, 0.1500, "Strong clinical data"),
    ("Cobalt Payments", "Fintech", "Series B", "active", 5000, 2000, 3000, 5000, 5.5, 0.0950, "Pro-rata in upcoming round"),
    ("Driftwood Analytics", "Enterprise SaaS", "Seed", "active", 1000, 0, 800, 1200, 2.0, 0.0800, None),
    ("Evergreen Grid", "Climate", "Series A", "active", 3000, 750, 2000, None, 3.8, 0.1100, "Utility pilots converting"),
    ("Fathom Security", "Cybersecurity", "Series C", "active", 6000, 3000, 2000, 3000, 2.6, 0.0600, None),
    ("Golden Hour Media", "Consumer", "Seed", "written-off", 750, 250, 0, 0, 0.0, 0.0700, "Wound down in 2024"),
    ("Helix Bio", "Biotech", "Series B", "active", 4500, 1500, 3500, 5000, None, 0.0900, "Awaiting Phase II readout"),
    ("Ironclad Logistics", "Supply Chain", "Series A", "active", 2000, 500, 1000, 1500, 1.8, 0.1000, None),
    ("Juniper Learning", "Edtech", "Seed", "active", 800, 0, 400, None, None, 0.0600, None),
    ("Kestrel Aerospace", "Deep Tech", "Series A", "active", 3500, 1000, 2500, 3500, 6.0, 0.1300, "Defense contract signed"),
    ("Lumen Devices", "Hardware", "Series B", "exited", 4000, 2000, 0, None, 7.5, 0.0000, "Acquired 2025"),
    ("Meridian Insurance", "Insurtech", "Series A", "active", 2200, 600, 1200, 1800, 2.3, 0.0850, None),
    ("Northwind Foods", "Consumer", "Series B", "active", 3000, 1200, 800, 1000, 1.4, 0.0700, "Margin pressure; hold"),
    ("Orbit Data", "Data Infrastructure", "Series C", "active", 7000, 3500, 4000, 6000, 4.8, 0.0550, "Category leader"),
    ("Pinecone Labs", "AI/ML", "Seed", "active", 1200, 0, 1500, 2500, 8.0, 0.1000, "Breakout usage growth"),
    ("Quarry Mining Tech", "Industrial Tech", "Series A", "written-off", 1800, 400, 0, None, 0.0, 0.0900, "Written off 2025"),
    ("Redwood Clinics", "Healthcare", "Series B", "active", 3800, 1400, 1800, 2500, 2.9, 0.0800, None),
    ("Sable Commerce", "E-commerce", "Series A", "exited", 2600, 900, 0, None, 3.4, 0.0000, "Secondary sale 2024"),
    ("Tidal Energy", "Climate", "Seed", "active", 900, 0, 700, 1000, None, 0.0750, None),
    ("Umbra Vision", "AI/ML", "Series A", "active", 2800, 700, 2200, 3000, 5.1, 0.1150, "Enterprise pipeline strong"),
    ("Vertex Payroll", "Fintech", "Series B", "active", 4200, 1600, 1600, 2400, 2.1, 0.0700, None),
    ("Willow Pet Care", "Consumer", "Seed", "active", 600, 0, 300, 500, 1.2, 0.0500, None),
    ("Xenon Semiconductors", "Deep Tech", "Series C", "active", 8000, 4000, 5000, 8000, 3.6, 0.0450, "Tape-out complete"),
    ("Yardstick HR", "Enterprise SaaS", "Series A", "active", 2100, 500, 900, 1500, 1.9, 0.0900, None),
]


def _cents(thousands):
    return None if thousands is None else thousands * 1000 * 100


def demo_companies() -> list[dict]:
    return [
        {"name": name, "sector": sector, "stage": stage, "status": status,
         "invested_cents": _cents(invested), "deployed_reserves_cents": _cents(deployed),
         "planned_reserves_cents": _cents(planned), "allocation_cap_cents": _cents(cap),
         "exit_moic_bps": None if moic is None else round(moic * 10_000),
         "ownership_current_pct": ownership, "allocation_reason": reason}
        for (name, sector, stage, status, invested, deployed, planned, cap, moic,
             ownership, reason) in _COMPANIES
    ]


def seed_demo(database) -> tuple[int, bool]:
    """(demo fund id, created now?) — running it again changes nothing."""
    def work(tx):
        repository.lock_seed(tx)
        fund_id = repository.find_fund(tx, DEMO_FUND["name"])
        if fund_id is not None:
            return fund_id, False
        fund_id = repository.create_fund(tx, **DEMO_FUND)
        repository.insert_companies(tx, fund_id, demo_companies())
        return fund_id, True

    return database.run(work)
