-- Purpose: does a token id exist? (tells "no such token" from "already
--   revoked" when `flask tokens revoke` changed nothing.)
-- Parameters: token_id (integer).
-- Locks: none.
-- Index: api_tokens primary key.
SELECT EXISTS (SELECT 1 FROM api_tokens WHERE id = %(token_id)s)
