-- Purpose: issue a token (`flask tokens create`): store its digest, never the token.
-- Parameters: token_sha256 (bytea, 32 bytes), user_id (integer), role (text),
--   fund_ids (integer[] or NULL = every fund), expires_in_days (integer or
--   NULL = never expires).
-- Returns: the new token's id.
-- Locks: the new row only.
-- Index: none needed (insert; the UNIQUE index on token_sha256 is maintained).
INSERT INTO api_tokens (token_sha256, user_id, role, fund_ids, expires_at)
VALUES (%(token_sha256)s, %(user_id)s, %(role)s, %(fund_ids)s::integer[],
        now() + make_interval(days => %(expires_in_days)s::integer))
RETURNING id
