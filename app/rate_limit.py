"""Rate limiting (SPEC §7) with Flask-Limiter.

One budget (`RATELIMIT_DEFAULT`, e.g. `60 per minute`) shared by every
route (Flask-Limiter's "application" limit, not its per-route defaults):
per valid token, and per client address for everything else. A token
counts only once it is known to be valid: keying on whatever string a
caller sends would give each guessed token a fresh budget. Counts live in `RATELIMIT_STORAGE_URI`
(`memory://`: per process; `redis://…`: shared by every worker and host).

A limited request gets 429 `rate_limited` in the SPEC §2 body with
`Retry-After` (seconds until the window resets) and `X-RateLimit-Limit`.
Flask-Limiter's own header injection stays off: it runs on every response
and would overwrite the `Retry-After` of a 503 with the rate-limit window.
If Redis goes away, the limiter falls back to in-memory counts rather than
failing requests.
"""
import math
import time
from functools import partial

from flask import request
from flask_limiter import Limiter, RateLimitExceeded

from .auth.hooks import principal_if_known
from .errors import as_api_error, error_response


def rate_limit_key() -> str:
    principal = principal_if_known()
    if principal is not None:
        return f"token:{principal.token_id}"
    return f"address:{request.remote_addr}"


def init_app(app, settings, *, exempt=()):
    """Register the limiter (its before_request hook runs from here on, so
    call this after the request id is assigned and before authentication).
    `exempt`: blueprints never limited (health probes, metrics)."""
    limiter = Limiter(
        rate_limit_key,
        app=app,
        application_limits=[settings.ratelimit_default],
        storage_uri=settings.ratelimit_storage_uri,
        key_prefix=settings.ratelimit_key_prefix,
        headers_enabled=False,
        in_memory_fallback_enabled=True,
    )
    for blueprint in exempt:
        limiter.exempt(blueprint)
    app.register_error_handler(RateLimitExceeded, partial(_rate_limited, limiter))
    return limiter


def _rate_limited(limiter, error):
    api_error = as_api_error(error)
    breached = limiter.current_limit
    if breached is not None:
        # reset_at is rounded up to a whole second: never report more than a window.
        seconds = min(breached.limit.get_expiry(),
                      max(1, math.ceil(breached.reset_at - time.time())))
        api_error.extra_headers["Retry-After"] = str(seconds)
        api_error.extra_headers["X-RateLimit-Limit"] = str(breached.limit.amount)
    return error_response(api_error)
