"""Rate limiting (issue 5, "Deliver" 2 and 5; SPEC §7): a budget per valid
token, per client address otherwise; 429 `rate_limited` with Retry-After;
health and metrics exempt; counts shared through Redis by two app instances."""
import os
import uuid

import pytest
import redis

from app.config import ConfigError, load_settings

from .api_support import assert_error
from .security_support import bearer, issue_token, secured_app

WINDOW_S = 60


@pytest.fixture
def limited(test_settings, database):
    """An app allowing 3 requests a minute per token or address (memory storage)."""
    return secured_app(test_settings, database, ratelimit_default="3 per minute",
                       ratelimit_storage_uri="memory://")


def get_companies(client, fund_id, headers=None, address="127.0.0.1"):
    return client.get(f"/api/funds/{fund_id}/companies", headers=headers or {},
                      environ_base={"REMOTE_ADDR": address})


def assert_rate_limited(response):
    body = assert_error(response, 429, "rate_limited")
    assert set(body) == {"error", "message", "request_id"}
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= WINDOW_S
    assert response.headers["X-RateLimit-Limit"] == "3"


def test_the_fourth_request_of_a_token_in_a_minute_gets_429(limited, database, fund_factory):
    fund_id = fund_factory.fund()
    _, token = issue_token(database, role="reader")
    client = limited.test_client()
    statuses = [get_companies(client, fund_id, bearer(token)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert_rate_limited(get_companies(client, fund_id, bearer(token)))
    # POST shares the budget, and is refused before its body is looked at.
    assert_rate_limited(client.post(f"/api/funds/{fund_id}/allocations", data="x",
                                    headers=bearer(token)))


def test_each_token_has_its_own_budget_whatever_the_address(limited, database, fund_factory):
    fund_id = fund_factory.fund()
    _, first = issue_token(database, role="reader")
    _, second = issue_token(database, role="reader")
    client = limited.test_client()
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert get_companies(client, fund_id, bearer(first), address).status_code == 200
    assert_rate_limited(get_companies(client, fund_id, bearer(first), "10.0.0.4"))
    assert get_companies(client, fund_id, bearer(second), "10.0.0.4").status_code == 200


def test_unauthenticated_callers_are_limited_per_address(limited, fund_factory):
    fund_id = fund_factory.fund()
    client = limited.test_client()
    # Guessing tokens does not buy a fresh budget: invalid tokens count per address.
    for guess in range(3):
        response = get_companies(client, fund_id, bearer(f"guess-{guess}"), "10.1.0.1")
        assert_error(response, 401, "unauthorized")
    assert_rate_limited(get_companies(client, fund_id, bearer("guess-4"), "10.1.0.1"))
    assert_rate_limited(get_companies(client, fund_id, address="10.1.0.1"))
    assert_error(get_companies(client, fund_id, address="10.1.0.2"), 401, "unauthorized")


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_health_and_metrics_are_never_limited(test_settings, database, path):
    application = secured_app(test_settings, database, ratelimit_default="1 per minute")
    client = application.test_client()
    assert [client.get(path).status_code for _ in range(5)] == [200] * 5


def test_an_unreachable_redis_falls_back_to_counting_in_memory(test_settings, database,
                                                              fund_factory):
    application = secured_app(test_settings, database, ratelimit_default="2 per minute",
                              ratelimit_storage_uri="redis://127.0.0.1:1/0")
    _, token = issue_token(database, role="reader")
    client = application.test_client()
    fund_id = fund_factory.fund()
    statuses = [get_companies(client, fund_id, bearer(token)).status_code for _ in range(2)]
    assert statuses == [200, 200]
    assert_error(get_companies(client, fund_id, bearer(token)), 429, "rate_limited")


def test_the_default_limit_and_storage_and_a_bad_limit():
    settings = load_settings({})
    assert (settings.ratelimit_default, settings.ratelimit_storage_uri) == (
        "60 per minute", "memory://")
    with pytest.raises(ConfigError, match="RATELIMIT_DEFAULT"):
        load_settings({"RATELIMIT_DEFAULT": "sixty a minute"})


# --- Redis ------------------------------------------------------------------

@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set (.ci/run sets it)")
    return url


@pytest.fixture
def key_prefix(redis_url):
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"fund-allocation-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)


def test_two_app_instances_share_the_count_through_redis(test_settings, database, fund_factory,
                                                         redis_url, key_prefix):
    instances = [
        secured_app(test_settings, database, ratelimit_default="3 per minute",
                    ratelimit_storage_uri=redis_url, ratelimit_key_prefix=key_prefix)
        for _ in range(2)]
    first, second = (application.test_client() for application in instances)
    fund_id = fund_factory.fund()
    _, token = issue_token(database, role="reader")
    statuses = [get_companies(client, fund_id, bearer(token)).status_code
                for client in (first, second, first)]
    assert statuses == [200, 200, 200]
    assert_rate_limited(get_companies(second, fund_id, bearer(token)))
    assert_rate_limited(get_companies(first, fund_id, bearer(token)))
    keys = list(redis.Redis.from_url(redis_url).scan_iter(match=f"*{key_prefix}*"))
    assert len(keys) >= 1
