-- Purpose: create the demo fund.
-- Parameters: name (text), size_cents (bigint), vintage_year (integer).
-- Returns: the new fund's id.
-- Locks: none beyond the insert.
-- Index: none.
INSERT INTO funds (name, size_cents, vintage_year)
VALUES (%(name)s, %(size_cents)s, %(vintage_year)s)
RETURNING id
