-- Purpose: revoke a token (`flask tokens revoke ID`); revoking twice keeps
--   the first revocation time.
-- Parameters: token_id (integer).
-- Returns: one row (id) when the token exists and was active until now;
--   none when it does not exist or was already revoked.
-- Locks: the token's row (FOR UPDATE, by the UPDATE).
-- Index: api_tokens primary key.
UPDATE api_tokens
SET revoked_at = now()
WHERE id = %(token_id)s AND revoked_at IS NULL
RETURNING id
