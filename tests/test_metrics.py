"""GET /metrics (issue 5, "Deliver" 3 and 5; SPEC §7): Prometheus text with
requests and latency per route and status, pool usage, allocation updates
and version conflicts; summed over two real gunicorn workers."""
import re

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from .security_support import InThread, app_backends_waiting_on_locks, batch, row_locked, wait_until
from .support import running_gunicorn

LATEST_ROUTE = "/api/funds/<fund_id:fund_id>/allocations/latest"
UPDATE_ROUTE = "/api/funds/<fund_id:fund_id>/allocations"


def samples(text) -> dict:
    """{(sample name, frozenset of labels): value} of a Prometheus text page."""
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(page, name, **labels) -> float:
    return page.get((name, frozenset(labels.items())), 0.0)


def scrape(client) -> dict:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return samples(response.get_data(as_text=True))


def test_requests_latency_and_allocation_outcomes_are_counted(client, fund_factory):
    fund_id, (first, second) = fund_factory.fund_with_companies([{}, {}])
    before = scrape(client)

    for _ in range(3):
        assert client.get(f"/api/funds/{fund_id}/allocations/latest").status_code == 200
    assert client.get("/api/funds/2147483647/allocations/latest").status_code == 404
    applied = client.post(f"/api/funds/{fund_id}/allocations", json={
        "expected_version": 1, "updates": [
            {"company_id": first, "planned_reserves_cents": 1},
            {"company_id": second, "planned_reserves_cents": 2}]})
    assert applied.status_code == 200
    stale = client.post(f"/api/funds/{fund_id}/allocations", json=batch(first, 1, 5))
    assert stale.status_code == 409
    assert client.get("/no/such/path/12345").status_code == 404

    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    get_ok = {"method": "GET", "route": LATEST_ROUTE, "status": "200"}
    assert delta("http_requests_total", **get_ok) == 3
    assert delta("http_requests_total", method="GET", route=LATEST_ROUTE, status="404") == 1
    assert delta("http_requests_total", method="POST", route=UPDATE_ROUTE, status="200") == 1
    assert delta("http_requests_total", method="POST", route=UPDATE_ROUTE, status="409") == 1
    # Unknown paths share one label value instead of one per path.
    assert delta("http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert not any("/no/such/path" in str(labels) for _, labels in after)
    assert delta("http_request_duration_seconds_count", **get_ok) == 3
    assert delta("http_request_duration_seconds_bucket", le="+Inf", **get_ok) == 3
    assert delta("http_request_duration_seconds_sum", **get_ok) > 0
    assert delta("allocation_batches_total") == 1
    assert delta("allocation_companies_updated_total") == 2
    assert delta("allocation_version_conflicts_total") == 1
    # Between requests no connection is checked out; the pool size is known.
    assert value(after, "db_pool_connections_in_use") == 0
    assert value(after, "db_pool_connections_max") == 20


def test_the_metrics_page_is_prometheus_text_with_help_and_type(client):
    text = client.get("/metrics").get_data(as_text=True)
    for name, kind in (("http_requests_total", "counter"),
                       ("http_request_duration_seconds", "histogram"),
                       ("db_pool_connections_in_use", "gauge"),
                       ("db_pool_connections_max", "gauge"),
                       ("allocation_batches_total", "counter"),
                       ("allocation_companies_updated_total", "counter"),
                       ("allocation_version_conflicts_total", "counter")):
        assert re.search(rf"^# HELP {name} \S", text, re.MULTILINE), name
        assert f"# TYPE {name} {kind}\n" in text, name
    assert "_created" not in text


@pytest.fixture
def metrics_dir(tmp_path):
    return tmp_path / "prometheus"


def test_metrics_sum_the_requests_of_two_gunicorn_workers(database_url, sql, fund_factory,
                                                          metrics_dir):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    metrics_dir.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "DB_LOCK_TIMEOUT_MS": "30000"}
    with running_gunicorn(database_url, workers=2, env=env) as base_url:
        # Keep one worker busy: its POST waits on a row lock held here, so
        # the GETs below must be served by the other worker.
        with row_locked(database_url, company_id):
            post = InThread(lambda: requests.post(
                f"{base_url}/api/funds/{fund_id}/allocations", json=batch(company_id, 1, 9),
                timeout=60))
            wait_until(lambda: app_backends_waiting_on_locks(sql),
                       "the POST to wait on the row lock")
            gets = [requests.get(f"{base_url}/api/funds/{fund_id}/allocations/latest",
                                 timeout=30).status_code for _ in range(7)]
            # Scraped from the idle worker, the gauge shows the busy worker's connection.
            during = samples(requests.get(f"{base_url}/metrics", timeout=30).text)
        assert gets == [200] * 7
        assert post.result().status_code == 200

        page = samples(requests.get(f"{base_url}/metrics", timeout=30).text)

    assert value(during, "db_pool_connections_in_use") == 1
    assert value(page, "db_pool_connections_in_use") == 0
    assert value(page, "http_requests_total",
                 method="GET", route=LATEST_ROUTE, status="200") == 7
    assert value(page, "http_requests_total",
                 method="POST", route=UPDATE_ROUTE, status="200") == 1
    assert value(page, "http_request_duration_seconds_count",
                 method="GET", route=LATEST_ROUTE, status="200") == 7
    assert value(page, "allocation_batches_total") == 1
    assert value(page, "allocation_companies_updated_total") == 1
    # Both workers wrote samples (one file per process and metric type).
    writers = {re.fullmatch(r"counter_(\d+)\.db", path.name).group(1)
               for path in metrics_dir.glob("counter_*.db")}
    assert len(writers) == 2
