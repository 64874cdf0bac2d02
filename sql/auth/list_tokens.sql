-- Purpose: every token, for `flask tokens list`. The digest is not selected:
--   the listing never shows tokens or their hashes.
-- Parameters: none.
-- Returns: id, user_id, role, funds ('all' or a comma list), created_at,
--   expires_at, revoked_at (text, RFC 3339 UTC or NULL), status
--   (active | expired | revoked), ordered by id.
-- Locks: none.
-- Index: api_tokens primary key (the table is small: one row per issued token).
SELECT id, user_id, role,
       coalesce(array_to_string(fund_ids, ','), 'all') AS funds,
       api_timestamp(created_at) AS created_at,
       api_timestamp(expires_at) AS expires_at,
       api_timestamp(revoked_at) AS revoked_at,
       CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
            WHEN expires_at <= now() THEN 'expired'
            ELSE 'active' END AS status
FROM api_tokens
ORDER BY id
