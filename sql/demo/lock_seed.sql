-- Purpose: serialize concurrent `seed-demo` runs so the demo fund is created once.
-- Parameters: none.
-- Locks: a transaction-scoped advisory lock (key: hashtext('seed-demo')).
-- Index: none.
SELECT pg_advisory_xact_lock(hashtext('seed-demo'))
