-- Funds and their portfolio companies, with every allocation column of the
-- seed design, its default and its CHECK constraint, and the seed's four
-- indexes. Money is integer cents (BIGINT); timestamps are TIMESTAMPTZ.
-- The database does not forbid planned > cap (the monitoring command looks
-- for such rows); the API never writes one.

CREATE TABLE funds (
    id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL,
    size_cents   bigint      NULL CHECK (size_cents >= 0),
    vintage_year integer     NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE portfoliocompanies (
    id                      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fund_id                 integer      NOT NULL REFERENCES funds (id),
    name                    text         NOT NULL,
    sector                  text         NULL,
    stage                   text         NULL,
    status                  text         NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'exited', 'written-off')),
    invested_cents          bigint       NOT NULL DEFAULT 0 CHECK (invested_cents >= 0),
    deployed_reserves_cents bigint       NOT NULL DEFAULT 0 CHECK (deployed_reserves_cents >= 0),
    planned_reserves_cents  bigint       NOT NULL DEFAULT 0 CHECK (planned_reserves_cents >= 0),
    exit_moic_bps           integer      NULL
        CHECK (exit_moic_bps IS NULL OR exit_moic_bps BETWEEN 0 AND 10000000),
    ownership_current_pct   decimal(7,4) NULL
        CHECK (ownership_current_pct IS NULL OR ownership_current_pct BETWEEN 0 AND 1),
    allocation_cap_cents    bigint       NULL
        CHECK (allocation_cap_cents IS NULL OR allocation_cap_cents >= 0),
    allocation_reason       text         NULL,
    allocation_iteration    integer      NOT NULL DEFAULT 0 CHECK (allocation_iteration >= 0),
    last_allocation_at      timestamptz  NULL,
    allocation_version      integer      NOT NULL DEFAULT 1 CHECK (allocation_version >= 1)
);

-- The seed's four indexes (Phase 1a), unchanged.
CREATE INDEX idx_portfoliocompanies_fund_exit_moic
    ON portfoliocompanies (fund_id, exit_moic_bps DESC NULLS LAST)
    WHERE status = 'active';

CREATE INDEX idx_portfoliocompanies_fund_status_sector
    ON portfoliocompanies (fund_id, status, sector);

-- Also serves the latest-allocations read (fund_id, id order, scanned backwards).
CREATE INDEX idx_portfoliocompanies_cursor
    ON portfoliocompanies (fund_id, id DESC);

CREATE INDEX idx_portfoliocompanies_last_allocation
    ON portfoliocompanies (fund_id, last_allocation_at DESC NULLS LAST)
    WHERE last_allocation_at IS NOT NULL;
