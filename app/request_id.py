"""X-Request-ID on every response, and one access-log line per request."""
import logging
import re
import time
import uuid

from flask import g, request

log = logging.getLogger("app.access")

_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def assign_request_id():
    g.started_at = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def finish_request(response):
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("started_at")
    log.info(
        "request",
        extra={
            "request_id": request_id,
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3) if started else None,
            "user_id": g.get("user_id"),
        },
    )
    return response


def init_app(app):
    app.before_request(assign_request_id)
    app.after_request(finish_request)
