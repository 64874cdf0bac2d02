"""gunicorn settings; every value can be overridden from the environment."""
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
keepalive = 5
accesslog = None  # the app writes one JSON line per request itself
errorlog = "-"


def on_starting(server):
    """Runs once in the master, before any worker is forked: start the
    embedded PostgreSQL here (when DATABASE_URL is unset) so that all
    workers share one server; they inherit DATABASE_URL."""
    from app.config import load_settings

    settings = load_settings()
    if not settings.database_url:
        from app.embedded_db import embedded_database_url

        os.environ["DATABASE_URL"] = embedded_database_url(settings.embedded_data_dir)
        server.log.info("using the embedded PostgreSQL under %s", settings.embedded_data_dir)
