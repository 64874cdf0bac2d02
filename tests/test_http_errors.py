"""SPEC §2's error body for every error, Flask's own included, and the
X-Request-ID of every response (issue 2, "Deliver" 5 and 8)."""
import logging
import re

import pytest
import requests

from app import create_app
from app.logging_setup import JsonFormatter

from .api_support import assert_error
from .support import running_gunicorn

GENERATED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _valid_batch():
    return {"expected_version": 1, "updates": [{"company_id": 1, "planned_reserves_cents": 0}]}


# --- routing errors ---------------------------------------------------------

@pytest.mark.parametrize("path", ["/nope", "/api/funds", "/api/funds/1/unknown", "/docs/nope/x"])
def test_unknown_route_is_404_not_found(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/api/funds/{fund}/allocations/latest", {"GET", "HEAD", "OPTIONS"}),
    ("PUT", "/api/funds/{fund}/allocations", {"POST", "OPTIONS"}),
    ("POST", "/api/funds/{fund}/companies", {"GET", "HEAD", "OPTIONS"}),
    ("POST", "/healthz", {"GET", "HEAD", "OPTIONS"}),
])
def test_wrong_method_is_405_with_allow(client, fund_factory, method, path, allowed):
    response = client.open(path.format(fund=fund_factory.fund()), method=method)
    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) == allowed


# --- request bodies ---------------------------------------------------------

def _post_allocations(client, fund_id, data, content_type="application/json"):
    return client.post(f"/api/funds/{fund_id}/allocations", data=data,
                       content_type=content_type)


def _assert_untouched(fund_factory, fund_id, company_id):
    assert fund_factory.row(company_id)["planned_reserves_cents"] == 100
    assert fund_factory.row(company_id)["allocation_version"] == 1
    assert fund_factory.events(fund_id) == []


def test_body_over_one_mib_is_413(client, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{"planned_reserves_cents": 100}])
    body = b'{"expected_version": 1, "updates": [], "pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert_error(_post_allocations(client, fund_id, body), 413, "payload_too_large")
    _assert_untouched(fund_factory, fund_id, company_id)


def test_body_just_under_the_limit_is_not_413(client, fund_factory):
    fund_id = fund_factory.fund()
    prefix, suffix = b'{"expected_version": 1, "updates": [], "pad": "', b'"}'
    body = prefix + b"x" * (1024 * 1024 - len(prefix) - len(suffix)) + suffix
    assert len(body) == 1024 * 1024
    # Parsed and validated: the unknown field is the complaint, not the size.
    assert_error(_post_allocations(client, fund_id, body), 400, "validation_error")


def _chunks(data, size=64 * 1024):
    """The body as a generator: requests sends it chunked, with no Content-Length."""
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_oversized_bodies_are_413_over_real_http_with_or_without_a_length(
        database_url, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{"planned_reserves_cents": 100}])
    url_path = f"/api/funds/{fund_id}/allocations"
    two_mib = 2 * 1024 * 1024
    oversized = b'{"expected_version": 1, "updates": [], "pad": "' + b"x" * two_mib + b'"}'

    def batch(planned):
        return (b'{"expected_version": 1, "updates": [{"company_id": %d, '
                b'"planned_reserves_cents": %d}]}' % (company_id, planned))

    small = batch(50)
    # A valid batch, then whitespace: were the body cut at the limit, it would be accepted.
    padded = batch(7) + b" " * two_mib
    headers = {"Content-Type": "application/json"}

    with running_gunicorn(database_url, workers=1) as base_url:
        for body in (oversized, _chunks(oversized), _chunks(padded)):
            response = requests.post(base_url + url_path, data=body, headers=headers)
            assert response.status_code == 413
            assert response.json()["error"] == "payload_too_large"
            assert response.json()["request_id"] == response.headers["X-Request-ID"]
        _assert_untouched(fund_factory, fund_id, company_id)

        chunked_small = requests.post(base_url + url_path, data=_chunks(small), headers=headers)
        assert chunked_small.status_code == 200, chunked_small.text
    assert fund_factory.row(company_id)["planned_reserves_cents"] == 50


@pytest.mark.parametrize(("data", "content_type"), [
    pytest.param(b'{"expected_version": 1, "updates": [', "application/json", id="malformed"),
    pytest.param(b"", "application/json", id="empty"),
    pytest.param(b'[{"expected_version": 1, "updates": []}]', "application/json", id="array"),
    pytest.param(b'"a string"', "application/json", id="string"),
    pytest.param(b"null", "application/json", id="null"),
    pytest.param(b'{"expected_version": 1, "updates": []}', "text/plain", id="text-plain"),
    pytest.param(b'{"expected_version": 1, "updates": []}', "application/x-www-form-urlencoded",
                 id="form"),
    pytest.param(b'{"expected_version": 1, "updates": []}', None, id="no-content-type"),
    pytest.param(b'{"expected_version": 1, "updates": [], "x": "\xff\xfe"}', "application/json",
                 id="invalid-utf8"),
    pytest.param(b'{"expected_version": NaN, "updates": []}', "application/json", id="nan"),
    pytest.param(b'{"expected_version": Infinity, "updates": []}', "application/json",
                 id="infinity"),
    pytest.param(b'{"a": ' * 10_000 + b"1" + b"}" * 10_000, "application/json",
                 id="nested-10000"),
])
def test_body_that_is_not_a_json_object_is_400_invalid_request_body(
        client, fund_factory, data, content_type):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{"planned_reserves_cents": 100}])
    response = _post_allocations(client, fund_id, data, content_type)
    assert_error(response, 400, "invalid_request_body")
    _assert_untouched(fund_factory, fund_id, company_id)


# --- path fund ids ------------------------------------------------------------

BAD_FUND_IDS = ["abc", "0", "-1", "1.5", "2147483648", "99999999999", "1e3", "%20"]


@pytest.mark.parametrize("fund_id", BAD_FUND_IDS)
@pytest.mark.parametrize("suffix", ["allocations/latest", "companies"])
def test_bad_fund_id_on_a_get_is_400_invalid_fund_id(client, fund_id, suffix):
    assert_error(client.get(f"/api/funds/{fund_id}/{suffix}"), 400, "invalid_fund_id")


@pytest.mark.parametrize("fund_id", BAD_FUND_IDS)
def test_bad_fund_id_on_the_post_is_400_invalid_fund_id(client, fund_id):
    response = client.post(f"/api/funds/{fund_id}/allocations", json=_valid_batch())
    assert_error(response, 400, "invalid_fund_id")


def test_largest_fund_id_is_valid_and_reaches_the_database(client):
    assert_error(client.get("/api/funds/2147483647/allocations/latest"), 404, "fund_not_found")


# --- X-Request-ID ---------------------------------------------------------------

@pytest.mark.parametrize("request_id", ["abc-123", "A.b_c:d-e", "x", "z" * 128])
def test_valid_request_id_is_echoed(client, request_id):
    response = client.get("/healthz", headers={"X-Request-ID": request_id})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == request_id


def test_valid_request_id_is_echoed_in_an_error_body(client):
    response = client.get("/nope", headers={"X-Request-ID": "trace-42"})
    assert assert_error(response, 404, "not_found")["request_id"] == "trace-42"


@pytest.mark.parametrize("request_id", ["z" * 129, "has space", "semi;colon", "a/b",
                                        "<script>", ""])
def test_invalid_request_id_is_replaced(client, request_id):
    response = client.get("/nope", headers={"X-Request-ID": request_id})
    body = assert_error(response, 404, "not_found")
    assert body["request_id"] != request_id
    assert GENERATED_REQUEST_ID.fullmatch(body["request_id"])


def test_every_response_gets_a_fresh_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert GENERATED_REQUEST_ID.fullmatch(first)
    assert first != second


# --- unexpected exceptions --------------------------------------------------------

SECRET = "password=hunter2-do-not-leak"


@pytest.fixture
def exploding_client(test_settings, database):
    """An app of its own with one extra route that fails unexpectedly."""
    application = create_app(test_settings, database=database)

    def explode():
        raise RuntimeError(SECRET)

    application.add_url_rule("/explode", "explode", explode)
    return application.test_client()


def test_unexpected_exception_is_500_internal_error_without_a_trace(exploding_client, caplog):
    with caplog.at_level(logging.INFO):
        response = exploding_client.get("/explode", headers={"X-Request-ID": "boom-1"})

    body = assert_error(response, 500, "internal_error")
    assert body["request_id"] == "boom-1"
    text = response.get_data(as_text=True)
    assert SECRET not in text and "Traceback" not in text and "RuntimeError" not in text

    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].request_id == "boom-1"
    assert "RuntimeError" in errors[0].getMessage()
    for line in lines:
        assert "Traceback" not in line and SECRET not in line
        assert "\n" not in line
    access = [r for r in caplog.records if r.name == "app.access"]
    assert [(r.status, r.request_id) for r in access] == [(500, "boom-1")]


@pytest.mark.parametrize("path", ["/api/funds/1/allocations/latest?x=%ED%A0%80",
                                  "/api/funds/1/companies?q=%FF",
                                  "/healthz?%ED%A0%80=1"])
def test_a_query_string_that_is_not_utf8_is_400_on_every_route(client, path):
    body = assert_error(client.get(path), 400, "invalid_query_parameters")
    assert list(body["details"].values()) == [["Not valid UTF-8."]]
