"""Hostile input (issue 5, "Deliver" 5): a schemathesis run generated from
/openapi.json finds no 5xx and no response that breaks the documented
schema; SQL-injection-shaped strings are matched and stored literally; a
body nested 10,000 levels deep is a 4xx."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .api_support import assert_error
from .security_support import batch, bearer, issue_token, secured_app

EXAMPLES = 25  # per operation, mode and fund choice: bounded, a few seconds in all
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_app(test_settings, database):
    return secured_app(test_settings, database)


@pytest.fixture(scope="module")
def fuzz_token(database):
    return issue_token(database, user_id=99, role="admin")[1]


@pytest.fixture
def fuzz_fund(fund_factory):
    """A fund with a few companies, so that generated requests also reach
    real rows and not only 404s."""
    fund_id, _ = fund_factory.fund_with_companies([
        {"name": f"Fuzz {n}", "sector": "Fintech", "stage": "Seed", "exit_moic_bps": n * 100}
        for n in range(1, 6)])
    return fund_id


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/openapi.json", fuzz_app)


def operations(api_schema):
    return [result.ok() for result in api_schema.get_all_operations()]


def strategies(operation, fund_id):
    """Valid requests and (where there is input to break) invalid ones, with
    generated fund ids (mostly unknown funds) and with the fuzz fund's id
    (real rows)."""
    has_input = bool(len(operation.query) or len(operation.body))
    yield operation.as_strategy(GenerationMode.POSITIVE)
    if has_input or len(operation.path_parameters):
        yield operation.as_strategy(GenerationMode.NEGATIVE)
    if "{fund_id}" in operation.path:
        fixed = {"fund_id": fund_id}
        yield operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed)
        if has_input:
            yield operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed)


def test_generated_requests_get_no_5xx_and_documented_responses(api_schema, fuzz_token,
                                                                fuzz_fund):
    labels = set()
    for operation in operations(api_schema):
        labels.add(operation.label)
        for strategy in strategies(operation, fuzz_fund):
            @given(case=strategy)
            @settings(max_examples=EXAMPLES, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                case.call_and_validate(headers=bearer(fuzz_token), checks=CHECKS)

            run()
    assert {"GET /api/funds/{fund_id}/allocations/latest",
            "POST /api/funds/{fund_id}/allocations",
            "GET /api/funds/{fund_id}/companies"} <= labels


# --- SQL-injection-shaped strings -------------------------------------------

INJECTIONS = [
    "'; DROP TABLE portfoliocompanies; --",
    "' OR '1'='1",
    "1); DELETE FROM fund_events; --",
    "Robert'); DROP TABLE funds;--",
    "%' OR 1=1 --",
    "\\'; SELECT pg_sleep(10); --",
    "$$; TRUNCATE api_tokens; $$",
]


@pytest.fixture
def client(fuzz_app):
    return fuzz_app.test_client()


@pytest.fixture
def token(database):
    return issue_token(database, role="writer")[1]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_shaped_filters_match_literally(client, token, fund_factory, text):
    fund_id, (named, sectored, staged, _plain) = fund_factory.fund_with_companies([
        {"name": f"Acme {text} Ltd"}, {"name": "B", "sector": text},
        {"name": "C", "stage": text}, {"name": "D", "sector": "Fintech", "stage": "Seed"}])

    def ids(**query):
        response = client.get(f"/api/funds/{fund_id}/companies", query_string=query,
                              headers=bearer(token))
        assert response.status_code == 200, response.get_json()
        return [company["id"] for company in response.get_json()["companies"]]

    assert ids(q=text) == [named]
    assert ids(q=text.upper()) == [named]  # case-insensitive, still literal
    assert ids(sector=text) == [sectored]
    assert ids(stage=text) == [staged]
    assert ids(sector=text, stage=text) == []


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_shaped_allocation_reason_is_stored_literally(client, token, fund_factory,
                                                                text):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    response = client.post(f"/api/funds/{fund_id}/allocations",
                           json=batch(company_id, 1, 100, allocation_reason=text),
                           headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    assert fund_factory.row(company_id)["allocation_reason"] == text
    (event,) = fund_factory.events(fund_id)
    assert event["payload"]["updates"][0]["allocation_reason"] == text
    latest = client.get(f"/api/funds/{fund_id}/allocations/latest", headers=bearer(token))
    assert latest.get_json()["companies"][0]["allocation_reason"] == text


def test_the_tables_survived_the_injection_attempts(sql):
    with sql.cursor() as cur:
        cur.execute("SELECT to_regclass('portfoliocompanies'), to_regclass('funds'), "
                    "to_regclass('fund_events'), to_regclass('api_tokens')")
        assert all(cur.fetchone())


# --- deeply nested bodies ---------------------------------------------------

DEPTH = 10_000


@pytest.mark.parametrize("body", [
    '{"a": ' * DEPTH + "1" + "}" * DEPTH,
    "[" * DEPTH + "]" * DEPTH,
    '{"expected_version": 1, "updates": ' + "[" * DEPTH + "]" * DEPTH + "}",
], ids=["objects", "arrays", "inside-updates"])
def test_a_body_nested_ten_thousand_levels_deep_is_400(client, token, fund_factory, body):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    response = client.post(f"/api/funds/{fund_id}/allocations", data=body,
                           content_type="application/json", headers=bearer(token))
    assert_error(response, 400, "invalid_request_body")
    assert fund_factory.row(company_id)["allocation_version"] == 1
