-- depends: 0003_api_read_support
-- Bearer tokens (SPEC §7). Only the SHA-256 digest of a token is stored: the
-- token itself is shown once, when `flask tokens create` makes it, and a
-- copy of this table cannot be replayed against the API.
-- fund_ids NULL means every fund; otherwise the token may touch only these.
-- Every request looks its token up by digest: the UNIQUE constraint's index
-- serves that lookup.

CREATE TABLE api_tokens (
    id           integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_sha256 bytea       NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
    user_id      integer     NOT NULL CHECK (user_id > 0),
    role         text        NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
    fund_ids     integer[]   NULL CHECK (cardinality(fund_ids) > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NULL,
    revoked_at   timestamptz NULL
);
