"""gunicorn settings; every value can be overridden from the environment."""
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
keepalive = 5
accesslog = None  # the app writes one JSON line per request itself
errorlog = "-"
# No control socket: several servers (tests, benchmark) may run side by side.
control_socket_disable = True

# Prometheus multiprocess mode: every worker writes its metrics under this
# directory and /metrics sums them. It must be set before anything imports
# prometheus_client, i.e. here, in the master, before the app is loaded.
_METRICS_DIR_CREATED = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _METRICS_DIR_CREATED:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fund-allocation-metrics-")


def on_starting(server):
    """Runs once in the master, before any worker is forked: start the
    embedded PostgreSQL here (when DATABASE_URL is unset) so that all
    workers share one server; they inherit DATABASE_URL."""
    from app.config import load_settings

    _clear_old_metrics()
    settings = load_settings()
    if not settings.database_url:
        from app.embedded_db import embedded_database_url

        os.environ["DATABASE_URL"] = embedded_database_url(settings.embedded_data_dir)
        server.log.info("using the embedded PostgreSQL under %s", settings.embedded_data_dir)


def _clear_old_metrics():
    """A directory given by the operator may hold a previous run's files,
    whose counts would be added to this run's."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker exited: its live gauges (pool in use) stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _METRICS_DIR_CREATED:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
