-- Purpose: which schema migrations have been applied (for /readyz).
-- Parameters: none.
-- Locks: none (plain read of yoyo's bookkeeping table).
-- Index: none needed; the table holds one row per migration.
SELECT migration_id FROM _yoyo_migration
