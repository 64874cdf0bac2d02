"""Liveness and readiness, for load balancers and orchestrators."""
from flask import current_app
from flask_smorest import Blueprint

from ..errors import ApiError
from . import service

blp = Blueprint("health", __name__, description="Liveness and readiness probes.")


@blp.route("/healthz")
@blp.response(200, description="The process is up (the database is not consulted).",
              example={"status": "ok"})
def healthz():
    return {"status": "ok"}


@blp.route("/readyz")
@blp.response(200, description="The database is reachable and the schema is current.",
              example={"status": "ready"})
@blp.alt_response(503, description="Database unreachable or migrations pending.")
def readyz():
    pending = service.pending_migrations(current_app.extensions["database"])
    if pending:
        raise ApiError(503, "service_unavailable",
                       f"{len(pending)} database migration(s) pending.",
                       details={"pending_migrations": pending},
                       headers={"Retry-After": str(current_app.config["RETRY_AFTER_S"])})
    return {"status": "ready"}
