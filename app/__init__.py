"""Fund Allocation API: the application factory."""
from flask import Flask

from . import json_body, metrics, query_string, rate_limit, request_id
from .api import Api
from .auth import hooks as auth
from .auth.openapi import BearerAuthPlugin
from .companies.service import make_cursors
from .config import Settings, load_settings
from .db import Database, DatabaseUnavailable
from .docs import SWAGGER_ASSETS_URL
from .errors import error_response, service_unavailable, unexpected_error_response
from .fields import FundIdConverter, fund_id_schema
from .logging_setup import configure_logging

API_DESCRIPTION = """\
Plan how much reserve capital each portfolio company of a fund gets.

Several people edit the same fund at once: every company carries an
`allocation_version`, and a batch update names the versions it was based on.
A stale version is refused with **409 `version_conflict`** listing every stale
company; re-read the fund, re-apply your change on the fresh values and post
again. A batch is applied all or nothing, and each applied batch writes one
append-only audit event.

Every error has the body `{"error", "message", "details"?, "conflicts"?, "request_id"}`.
"""


def resolve_database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    from .embedded_db import embedded_database_url

    return embedded_database_url(settings.embedded_data_dir)


def create_database(settings: Settings, database_url: str) -> Database:
    return Database(
        database_url,
        max_size=settings.db_pool_max,
        connect_timeout_s=settings.db_connect_timeout_s,
        statement_timeout_ms=settings.statement_timeout_ms,
        lock_timeout_ms=settings.lock_timeout_ms,
    )


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> Flask:
    settings = settings or load_settings()
    configure_logging(settings.log_level)

    app = Flask(__name__)
    app.config.update(
        API_TITLE="Fund Allocation API",
        API_VERSION="1.0.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_ASSETS_URL,
        API_SPEC_OPTIONS={"info": {"description": API_DESCRIPTION}},
        MAX_CONTENT_LENGTH=settings.max_content_length,
        RETRY_AFTER_S=settings.retry_after_s,
        SETTINGS=settings,
    )
    app.json.sort_keys = False
    app.url_map.converters["fund_id"] = FundIdConverter

    if database is None:
        database = create_database(settings, resolve_database_url(settings))
    app.extensions["database"] = database
    app.extensions["company_cursors"] = make_cursors(settings.cursor_secret)

    # before_request hooks run in this order: request id, metrics, rate
    # limit, authentication, then the query-string and body checks (an
    # unauthenticated caller learns nothing about its input).
    request_id.init_app(app)
    metrics.init_app(app)
    rate_limit.init_app(app, settings, exempt=_unlimited_blueprints())
    auth.init_app(app, settings)
    app.before_request(query_string.require_utf8_query_string)
    app.before_request(json_body.require_json_object_body)

    api = Api(app, spec_kwargs={
        "extra_plugins": [BearerAuthPlugin(auth_on=settings.auth_mode == "on")]})
    api.register_converter(FundIdConverter, fund_id_schema)
    _register_blueprints(app, api)
    _register_error_handlers(app, settings)
    _register_cli(app)
    return app


def _unlimited_blueprints():
    from .health.routes import blp as health_blp

    return (health_blp, metrics.blp)


def _register_blueprints(app, api):
    from .allocations.routes import blp as allocations_blp
    from .companies.routes import blp as companies_blp
    from .docs import bp as docs_bp
    from .health.routes import blp as health_blp

    api.register_blueprint(health_blp)
    api.register_blueprint(metrics.blp)
    api.register_blueprint(allocations_blp)
    api.register_blueprint(companies_blp)
    app.register_blueprint(docs_bp)


def _register_error_handlers(app, settings):
    def database_unavailable(_error):
        return error_response(service_unavailable(settings.retry_after_s))

    app.register_error_handler(DatabaseUnavailable, database_unavailable)
    app.register_error_handler(Exception, unexpected_error_response)


def _register_cli(app):
    from .cli import register_commands

    register_commands(app)
