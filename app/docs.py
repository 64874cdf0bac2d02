"""Swagger UI's assets, served from the installed swagger-ui-bundle package
(no CDN): flask-smorest renders /docs and loads these from SWAGGER_ASSETS_URL."""
from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, send_from_directory

SWAGGER_ASSETS_URL = "/docs/assets/"

bp = Blueprint("swagger_assets", __name__)


@bp.route(SWAGGER_ASSETS_URL + "<path:filename>")
def swagger_asset(filename):
    return send_from_directory(Path(swagger_ui_bundle.swagger_ui_path), filename, max_age=86400)
