"""Flask side of authentication: every /api/ request needs a bearer token.

The check runs as a before_request hook, after the request id is assigned
and the rate limit is counted, and before the body is parsed: a caller
without a valid token learns nothing about bodies, funds or companies.
/healthz, /readyz, /metrics, /openapi.json and /docs stay open.
"""
import logging

from flask import current_app, g, request

from ..db import DatabaseUnavailable
from ..errors import ApiError, fund_not_found
from . import service

log = logging.getLogger(__name__)

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_REALM = 'Bearer realm="fund-allocation-api"'


def init_app(app, settings):
    if settings.auth_mode == "off":
        log.warning("AUTH_MODE=off: the API accepts requests without a token; "
                    "use this for local experiments only")
        return
    app.before_request(require_token)


def is_protected(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def current_principal():
    """The Principal of this request's valid token, or None; the token is
    looked up once per request and the answer kept in `g`."""
    if "auth_verdict" not in g:
        g.auth_verdict = _check_request_token()
    return g.auth_verdict.principal


def principal_if_known():
    """Like current_principal, but None while the database is unavailable
    (for callers, such as the rate limiter's key, that must not fail)."""
    if current_app.config["SETTINGS"].auth_mode == "off":
        return None
    try:
        return current_principal()
    except DatabaseUnavailable:
        return None


def require_token():
    if not is_protected(request.path):
        return
    principal = current_principal()
    if principal is None:
        _log_refusal()
        raise _unauthorized()
    g.user_id = principal.user_id
    fund_id = (request.view_args or {}).get("fund_id")
    if fund_id is not None and not principal.may_access_fund(fund_id):
        # The same answer as for a fund that does not exist: no leak.
        raise fund_not_found()
    if (request.url_rule is not None and request.method not in _READ_METHODS
            and not principal.may_write):
        raise ApiError(403, "forbidden", f"A {principal.role} token may not change data.")


def _check_request_token() -> service.Verdict:
    header = request.headers.get("Authorization")
    if header is None:
        return service.Verdict(None, "missing")
    token = service.bearer_token(header)
    if token is None:
        return service.Verdict(None, "malformed")
    return service.check_token(current_app.extensions["database"], token)


def _log_refusal():
    verdict = g.auth_verdict
    # The reason and the token's id only: never the token or its digest.
    suffix = "" if verdict.token_id is None else f" (token id {verdict.token_id})"
    log.info("authentication refused: %s token%s", verdict.reason, suffix,
             extra={"request_id": g.get("request_id"), "path": request.path})


def _unauthorized():
    missing = g.auth_verdict.reason == "missing"
    return ApiError(
        401, "unauthorized",
        "Send a bearer token: Authorization: Bearer <token>." if missing
        else "The bearer token is malformed, unknown, expired or revoked.",
        headers={"WWW-Authenticate": _REALM if missing
                 else f'{_REALM}, error="invalid_token"'})
