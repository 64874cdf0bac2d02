"""Prometheus metrics at GET /metrics (SPEC §7).

Under gunicorn every worker is a separate process: prometheus_client's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by gunicorn.conf.py before
the workers fork) has each worker write its samples to files there, and
/metrics, whichever worker answers it, sums them. Without the variable (the
Flask dev server, tests in one process) the process's own registry is used.

Metric objects are module globals: prometheus_client registers each name
once per process, however many apps the process creates.
"""
import os
import time

from flask import Response, g, request
from flask_smorest import Blueprint
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

# `*_created` timestamps exist only in single-process mode; leave them out
# so that the page has the same series however the service runs.
disable_created_metrics()

REQUESTS = Counter(
    "http_requests", "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from the start of a request to its response, by method, route template and status.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
POOL_IN_USE = Gauge(
    "db_pool_connections_in_use", "Database connections checked out of the pools.",
    multiprocess_mode="livesum")
POOL_MAX = Gauge(
    "db_pool_connections_max", "Size limit of the database connection pools, summed.",
    multiprocess_mode="livesum")
ALLOCATION_BATCHES = Counter(
    "allocation_batches", "Allocation batches applied (POST …/allocations answered 200).")
ALLOCATION_COMPANIES = Counter(
    "allocation_companies_updated", "Companies whose allocation an applied batch changed.")
VERSION_CONFLICTS = Counter(
    "allocation_version_conflicts",
    "Allocation batches refused with 409 version_conflict (stale expected versions).")

UPDATE_ENDPOINT = "allocations.update_allocations"
UNMATCHED_ROUTE = "unmatched"  # 404s: one label value, not one per probed path

blp = Blueprint("metrics", __name__, description="Prometheus metrics.")


@blp.route("/metrics")
@blp.doc(responses={"200": {
    "description": "Prometheus text exposition format, summed over every gunicorn worker.",
    "content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics():
    """Prometheus metrics

    Requests and latency per route and status, database pool usage,
    allocation batches and companies updated, version conflicts.
    """
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_PLAIN_0_0_4)


def _registry():
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def init_app(app):
    app.extensions["database"].observe_pool(_pool_changed)
    app.after_request(_record_response)


def _pool_changed(in_use, max_size):
    POOL_IN_USE.set(in_use)
    POOL_MAX.set(max_size)


def _record_response(response):
    route = request.url_rule.rule if request.url_rule else UNMATCHED_ROUTE
    labels = (request.method, route, str(response.status_code))
    REQUESTS.labels(*labels).inc()
    started = g.get("started_at")
    if started is not None:
        LATENCY.labels(*labels).observe(time.perf_counter() - started)
    if request.endpoint == UPDATE_ENDPOINT and response.status_code == 409:
        VERSION_CONFLICTS.inc()
    return response


def count_applied_batch(companies_updated: int):
    """Called by the update route with the batch it applied."""
    ALLOCATION_BATCHES.inc()
    ALLOCATION_COMPANIES.inc(companies_updated)
