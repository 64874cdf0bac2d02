-- Purpose: the id of the demo fund, if it was seeded before (oldest first).
-- Parameters: name (text).
-- Locks: none.
-- Index: none (funds is small; a sequential scan is right).
SELECT id FROM funds WHERE name = %(name)s ORDER BY id LIMIT 1
