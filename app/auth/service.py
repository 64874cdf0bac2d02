"""Tokens: issuing, checking, revoking. No Flask here.

A token is `secrets.token_urlsafe(32)` (256 random bits). The database keeps
only its SHA-256 digest; a plain hash is enough because the token is random
and long (nothing to brute-force), and it keeps the lookup one indexed query.
"""
import hashlib
import re
import secrets
from dataclasses import dataclass

from ..funds.repository import fund_exists
from . import repository

ROLES = ("reader", "writer", "admin")
WRITER_ROLES = frozenset({"writer", "admin"})

# RFC 6750 b64token, bounded: anything else is malformed and never looked up.
_BEARER = re.compile(r"Bearer ([A-Za-z0-9._~+/-]{1,512}=*)", re.IGNORECASE)


@dataclass(frozen=True)
class Principal:
    """Who a valid token speaks for, and what it may do."""

    token_id: int
    user_id: int
    role: str
    fund_ids: frozenset[int] | None  # None: every fund

    def may_access_fund(self, fund_id: int) -> bool:
        return self.fund_ids is None or fund_id in self.fund_ids

    @property
    def may_write(self) -> bool:
        return self.role in WRITER_ROLES


class UnknownFunds(ValueError):
    def __init__(self, fund_ids):
        super().__init__(f"no such fund(s): {', '.join(map(str, fund_ids))}")
        self.fund_ids = fund_ids


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None when
    the header is missing or malformed (`Basic …`, `Bearer` alone, `Bearer a b`)."""
    match = _BEARER.fullmatch(authorization or "")
    return match.group(1) if match else None


@dataclass(frozen=True)
class Verdict:
    """The result of checking a token: a principal, or why there is none."""

    principal: Principal | None
    reason: str  # ok | unknown | inactive
    token_id: int | None = None


def check_token(database, token: str) -> Verdict:
    """One indexed query on the token's digest."""
    row = database.run(lambda tx: repository.find_token(tx, token_digest(token)))
    if row is None:
        return Verdict(None, "unknown")
    token_id, user_id, role, fund_ids, active = row
    if not active:
        return Verdict(None, "inactive", token_id)
    scope = None if fund_ids is None else frozenset(fund_ids)
    return Verdict(Principal(token_id, user_id, role, scope), "ok", token_id)


def create_token(database, *, user_id: int, role: str, fund_ids: list[int] | None,
                 expires_in_days: int | None) -> tuple[int, str]:
    """Issue a token; returns (id, token). The token is never stored."""
    token = secrets.token_urlsafe(32)
    scope = sorted(set(fund_ids)) if fund_ids else None

    def work(tx):
        missing = [fid for fid in scope or () if not fund_exists(tx, fid)]
        if missing:
            raise UnknownFunds(missing)
        return repository.insert_token(tx, token_sha256=token_digest(token),
                                       user_id=user_id, role=role, fund_ids=scope,
                                       expires_in_days=expires_in_days)

    return database.run(work), token


def list_tokens(database):
    """(column names, rows) of every token; no token or digest in them."""
    return database.run(repository.list_tokens)


def revoke_token(database, token_id: int) -> str:
    """'revoked', 'already_revoked' or 'not_found'."""
    def work(tx):
        if repository.revoke_token(tx, token_id):
            return "revoked"
        return "already_revoked" if repository.token_exists(tx, token_id) else "not_found"

    return database.run(work)
