-- Purpose: authenticate one request: the token whose SHA-256 digest the
--   caller's bearer token has, and whether it is still usable (not revoked,
--   not expired, judged by the database clock).
-- Parameters: token_sha256 (bytea, 32 bytes).
-- Returns: at most one row: id, user_id, role, fund_ids (integer[] or NULL =
--   every fund), active (boolean).
-- Locks: none.
-- Index: api_tokens_token_sha256_key (the UNIQUE constraint).
SELECT id, user_id, role, fund_ids,
       revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) AS active
FROM api_tokens
WHERE token_sha256 = %(token_sha256)s
