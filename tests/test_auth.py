"""Authentication and authorization (issue 5, "Deliver" 1 and 5; SPEC §7):
tokens and their CLI, 401 for every kind of bad token, 403 for a reader's
POST, 404 for a fund outside the token's scope, the audit user, the OpenAPI
security scheme, and tokens never written to logs."""
import hashlib
import logging
import os
import subprocess
import sys

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from app.logging_setup import JsonFormatter

from .api_support import assert_error
from .security_support import batch, bearer, issue_token, secured_app, version_and_events
from .support import PROJECT_ROOT, flask, running_gunicorn

FUND_NOT_FOUND_BODY = {"error": "fund_not_found", "message": "Fund not found."}


@pytest.fixture(scope="module")
def secure(test_settings, database):
    return secured_app(test_settings, database)


@pytest.fixture
def client(secure):
    return secure.test_client()


@pytest.fixture
def two_funds(fund_factory):
    """Fund A and fund B, one company each: (fund_a, company_a, fund_b, company_b)."""
    fund_a, (company_a,) = fund_factory.fund_with_companies([{"planned_reserves_cents": 10}])
    fund_b, (company_b,) = fund_factory.fund_with_companies([{"planned_reserves_cents": 20}])
    return fund_a, company_a, fund_b, company_b


def fund_endpoints(application):
    """(method, URL rule) of every endpoint that takes a fund id: new
    endpoints are covered by the scope test without editing it."""
    for rule in application.url_map.iter_rules():
        if "fund_id" in rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


def call(client, method, rule, fund_id, company_id, headers):
    url = rule.replace("<fund_id:fund_id>", str(fund_id))
    body = batch(company_id, 1, 5) if method == "POST" else None
    return client.open(url, method=method, json=body, headers=headers)


def flask_failing(url, *args) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi ARGS`, expected to fail."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT_ROOT, env={**os.environ, "DATABASE_URL": url},
        capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    return result


def without_request_id(body):
    return {key: value for key, value in body.items() if key != "request_id"}


# --- fund scope -------------------------------------------------------------

@pytest.mark.parametrize("role", ["reader", "writer", "admin"])
def test_a_token_for_fund_a_gets_404_on_every_endpoint_of_fund_b(
        secure, client, database, sql, two_funds, role):
    fund_a, company_a, fund_b, company_b = two_funds
    _, token = issue_token(database, role=role, fund_ids=[fund_a])
    endpoints = list(fund_endpoints(secure))
    assert {method for method, _ in endpoints} == {"GET", "POST"}
    before_b = version_and_events(sql, fund_b, company_b)

    for method, rule in endpoints:
        response = call(client, method, rule, fund_b, company_b, bearer(token))
        body = assert_error(response, 404, "fund_not_found")
        assert without_request_id(body) == FUND_NOT_FOUND_BODY, (method, rule)

    assert version_and_events(sql, fund_b, company_b) == before_b
    for method, rule in endpoints:
        expected = 403 if (method == "POST" and role == "reader") else 200
        response = call(client, method, rule, fund_a, company_a, bearer(token))
        assert response.status_code == expected, (method, rule, response.get_json())


def test_out_of_scope_answers_exactly_like_an_unknown_fund(client, database, two_funds):
    fund_a, _, fund_b, company_b = two_funds
    _, scoped = issue_token(database, fund_ids=[fund_a])
    _, everything = issue_token(database)
    out_of_scope = client.get(f"/api/funds/{fund_b}/allocations/latest", headers=bearer(scoped))
    unknown = client.get("/api/funds/2147483647/allocations/latest", headers=bearer(everything))
    assert out_of_scope.status_code == unknown.status_code == 404
    assert without_request_id(out_of_scope.get_json()) == without_request_id(unknown.get_json())
    # Even a body that could not be parsed: the scope check comes first.
    response = client.post(f"/api/funds/{fund_b}/allocations", data="{not json",
                           content_type="application/json", headers=bearer(scoped))
    assert_error(response, 404, "fund_not_found")


def test_a_token_for_several_funds_reaches_each_of_them(client, database, fund_factory):
    funds = [fund_factory.fund() for _ in range(3)]
    _, token = issue_token(database, role="reader", fund_ids=funds[:2])
    statuses = [client.get(f"/api/funds/{fund_id}/companies", headers=bearer(token)).status_code
                for fund_id in funds]
    assert statuses == [200, 200, 404]


# --- roles --------------------------------------------------------------------

def test_a_reader_may_read_but_its_post_is_403_and_changes_nothing(client, database, sql,
                                                                  two_funds):
    fund_a, company_a, _, _ = two_funds
    _, token = issue_token(database, role="reader")
    assert client.get(f"/api/funds/{fund_a}/allocations/latest",
                      headers=bearer(token)).status_code == 200
    before = version_and_events(sql, fund_a, company_a)
    response = client.post(f"/api/funds/{fund_a}/allocations", json=batch(company_a, 1, 99),
                           headers=bearer(token))
    assert_error(response, 403, "forbidden")
    assert version_and_events(sql, fund_a, company_a) == before


@pytest.mark.parametrize("role", ["writer", "admin"])
def test_writers_and_admins_post_and_the_audit_names_the_tokens_user(
        client, database, fund_factory, role):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    _, token = issue_token(database, user_id=4242, role=role, fund_ids=[fund_id])
    response = client.post(f"/api/funds/{fund_id}/allocations", json=batch(company_id, 1, 500),
                           headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    (event,) = fund_factory.events(fund_id)
    assert event["user_id"] == 4242


# --- 401 ----------------------------------------------------------------------

def _expired(database, sql):
    token_id, token = issue_token(database, expires_in_days=1)
    with sql.cursor() as cur:
        cur.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' "
                    "WHERE id = %s", (token_id,))
    return bearer(token)


def _revoked(database, _sql):
    token_id, token = issue_token(database)
    result = flask(database.dsn, "tokens", "revoke", str(token_id))
    assert result.stdout == f"token {token_id} revoked\n"
    return bearer(token)


BAD_CREDENTIALS = {
    "missing": lambda database, sql: {},
    "basic scheme": lambda database, sql: {"Authorization": "Basic x"},
    "bearer alone": lambda database, sql: {"Authorization": "Bearer"},
    "bearer empty": lambda database, sql: {"Authorization": "Bearer "},
    "two words": lambda database, sql: {"Authorization": "Bearer a b"},
    "not a b64token": lambda database, sql: {"Authorization": "Bearer tok\u00e9n"},
    "overlong": lambda database, sql: bearer("a" * 600),
    "unknown": lambda database, sql: bearer("x" * 43),
    "expired": _expired,
    "revoked": _revoked,
}


@pytest.mark.parametrize("kind", list(BAD_CREDENTIALS))
def test_bad_credentials_get_401_with_www_authenticate(client, database, sql, fund_factory,
                                                       kind):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    headers = BAD_CREDENTIALS[kind](database, sql)
    before = version_and_events(sql, fund_id, company_id)
    for response in (
        client.get(f"/api/funds/{fund_id}/allocations/latest", headers=headers),
        client.get(f"/api/funds/{fund_id}/companies", headers=headers),
        client.post(f"/api/funds/{fund_id}/allocations", json=batch(company_id, 1, 7),
                    headers=headers),
        # Bad bodies and bad ids are not revealed before authentication.
        client.post(f"/api/funds/{fund_id}/allocations", data="[", headers=headers,
                    content_type="application/json"),
        client.get("/api/funds/abc/companies", headers=headers),
    ):
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert version_and_events(sql, fund_id, company_id) == before


def test_the_401_for_a_missing_token_differs_from_an_invalid_one(client):
    missing = client.get("/api/funds/1/companies")
    invalid = client.get("/api/funds/1/companies", headers=bearer("x" * 43))
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="fund-allocation-api"'
    assert invalid.headers["WWW-Authenticate"] == (
        'Bearer realm="fund-allocation-api", error="invalid_token"')


def test_the_scheme_name_is_case_insensitive(client, database, fund_factory):
    fund_id = fund_factory.fund()
    _, token = issue_token(database, role="reader")
    response = client.get(f"/api/funds/{fund_id}/companies",
                          headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"])
def test_health_metrics_and_docs_need_no_token(client, path):
    assert client.get(path).status_code == 200


def test_unknown_api_paths_need_a_token_too(client, database):
    assert_error(client.get("/api/nothing-here"), 401, "unauthorized")
    _, token = issue_token(database, role="reader")
    assert_error(client.get("/api/nothing-here", headers=bearer(token)), 404, "not_found")


# --- tokens: creation, storage, listing ------------------------------------

def test_tokens_create_prints_only_the_token_which_is_stored_as_its_sha256(
        database, sql, fund_factory):
    fund_id = fund_factory.fund()
    result = flask(database.dsn, "tokens", "create", "--user-id", "31", "--role", "writer",
                   "--fund", str(fund_id), "--expires-in-days", "30")
    token = result.stdout.rstrip("\n")
    assert result.stdout == token + "\n" and token and " " not in token
    assert len(token) >= 43  # secrets.token_urlsafe(32): 256 random bits
    with sql.cursor() as cur:
        cur.execute("SELECT user_id, role, fund_ids, expires_at - created_at, revoked_at, "
                    "token_sha256 FROM api_tokens WHERE token_sha256 = %s",
                    (hashlib.sha256(token.encode()).digest(),))
        user_id, role, fund_ids, lifetime, revoked_at, digest = cur.fetchone()
        cur.execute("SELECT count(*) FROM api_tokens WHERE row_to_json(api_tokens)::text "
                    "LIKE '%%' || %s || '%%'", (token,))
        rows_containing_the_token = cur.fetchone()[0]
    assert (user_id, role, fund_ids, lifetime.days, revoked_at) == (31, "writer", [fund_id],
                                                                     30, None)
    assert bytes(digest) == hashlib.sha256(token.encode()).digest()
    assert rows_containing_the_token == 0


def test_a_created_token_works_at_once(client, database, fund_factory):
    fund_id = fund_factory.fund()
    token = flask(database.dsn, "tokens", "create", "--user-id", "1", "--role", "reader",
                  "--fund", str(fund_id)).stdout.strip()
    assert client.get(f"/api/funds/{fund_id}/companies", headers=bearer(token)).status_code == 200


def test_tokens_create_refuses_an_unknown_fund_and_a_bad_role(database, sql):
    with sql.cursor() as cur:
        cur.execute("SELECT count(*) FROM api_tokens")
        count_before = cur.fetchone()[0]
    for args in (["--role", "writer", "--fund", "2147483647"], ["--role", "owner"],
                 ["--role", "writer", "--fund", "0"],
                 ["--role", "writer", "--expires-in-days", "0"]):
        result = flask_failing(database.dsn, "tokens", "create", "--user-id", "1", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
    with sql.cursor() as cur:
        cur.execute("SELECT count(*) FROM api_tokens")
        assert cur.fetchone()[0] == count_before


def test_tokens_list_shows_status_and_scope_but_never_tokens_or_hashes(database, fund_factory):
    fund_id = fund_factory.fund()
    active_id, active = issue_token(database, user_id=77, role="reader", fund_ids=[fund_id])
    revoked_id, revoked = issue_token(database, user_id=78, role="admin")
    flask(database.dsn, "tokens", "revoke", str(revoked_id))

    output = flask(database.dsn, "tokens", "list").stdout
    lines = output.splitlines()
    assert lines[0].split("\t") == ["id", "user_id", "role", "funds", "created_at",
                                    "expires_at", "revoked_at", "status"]
    rows = {int(line.split("\t")[0]): line.split("\t") for line in lines[1:]}
    assert rows[active_id][1:4] + rows[active_id][7:] == ["77", "reader", str(fund_id), "active"]
    assert rows[revoked_id][1:4] + rows[revoked_id][7:] == ["78", "admin", "all", "revoked"]
    for token in (active, revoked):
        digest = hashlib.sha256(token.encode()).hexdigest()
        assert token not in output
        assert digest[:8] not in output


def test_revoking_twice_or_an_unknown_token(database):
    token_id, _ = issue_token(database)
    flask(database.dsn, "tokens", "revoke", str(token_id))
    assert flask(database.dsn, "tokens", "revoke", str(token_id)).stdout == (
        f"token {token_id} was already revoked\n")
    result = flask_failing(database.dsn, "tokens", "revoke", "2147483647")
    assert result.returncode == 1
    assert "no token 2147483647" in result.stderr


# --- tokens never logged ----------------------------------------------------

def test_tokens_never_appear_in_logs(client, database, sql, fund_factory, caplog, capfd):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    _, valid = issue_token(database, user_id=5, fund_ids=[fund_id])
    _, reader = issue_token(database, role="reader")
    expired = _expired(database, sql)["Authorization"].split()[1]
    unknown = "u" * 43
    secrets_sent = [valid, reader, expired, unknown, "malformed-secret-value"]

    with caplog.at_level(logging.DEBUG):
        responses = [
            client.get(f"/api/funds/{fund_id}/allocations/latest", headers=bearer(valid)),
            client.post(f"/api/funds/{fund_id}/allocations", json=batch(company_id, 1, 3),
                        headers=bearer(valid)),
            client.post(f"/api/funds/{fund_id}/allocations", json=batch(company_id, 1, 3),
                        headers=bearer(valid)),  # 409
            client.post(f"/api/funds/{fund_id}/allocations", json=batch(company_id, 2, 3),
                        headers=bearer(reader)),  # 403
            client.get(f"/api/funds/{fund_id}/companies", headers=bearer(expired)),
            client.get(f"/api/funds/{fund_id}/companies", headers=bearer(unknown)),
            client.get(f"/api/funds/{fund_id}/companies",
                       headers={"Authorization": "Bearer malformed-secret-value extra"}),
        ]
    assert [r.status_code for r in responses] == [200, 200, 409, 403, 401, 401, 401]

    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(record) + repr(vars(record))
                       for record in caplog.records)
    logged += capfd.readouterr().err
    # The capture works: every request's access line is there, with its user.
    for response in responses:
        assert response.headers["X-Request-ID"] in logged
    assert '"user_id": 5' in logged
    for secret in secrets_sent:
        assert secret not in logged
        assert hashlib.sha256(secret.encode()).hexdigest() not in logged


# --- AUTH_MODE and OpenAPI --------------------------------------------------

def test_auth_mode_off_logs_a_warning_and_needs_no_token(test_settings, database, fund_factory,
                                                        caplog):
    with caplog.at_level(logging.WARNING):
        application = secured_app(test_settings, database, auth_mode="off")
    assert any(r.levelno == logging.WARNING and "AUTH_MODE=off" in r.getMessage()
               for r in caplog.records)
    fund_id = fund_factory.fund()
    assert application.test_client().get(f"/api/funds/{fund_id}/companies").status_code == 200


def test_auth_is_on_unless_turned_off():
    from app.config import ConfigError, load_settings

    assert load_settings({}).auth_mode == "on"
    assert load_settings({"AUTH_MODE": "off"}).auth_mode == "off"
    with pytest.raises(ConfigError):
        load_settings({"AUTH_MODE": "maybe"})


def test_openapi_offers_a_bearer_scheme_on_every_api_operation(client):
    document = client.get("/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerAuth"]["type"] == "http"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    api_paths = {p: ops for p, ops in document["paths"].items() if p.startswith("/api/")}
    assert len(api_paths) >= 3
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            if path.startswith("/api/"):
                assert operation["security"] == [{"bearerAuth": []}], (path, method)
                assert {"401", "429"} <= set(operation["responses"]), (path, method)
                assert ("403" in operation["responses"]) == (method == "post")
            else:
                assert "security" not in operation, (path, method)


# --- end to end -------------------------------------------------------------

def test_a_token_from_the_cli_works_against_gunicorn_and_shows_in_audit_and_metrics(
        database_url, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies([{}])
    token = flask(database_url, "tokens", "create", "--user-id", "808", "--role", "writer",
                  "--fund", str(fund_id)).stdout.strip()
    with running_gunicorn(database_url, workers=2, env={"AUTH_MODE": "on"}) as base_url:
        url = f"{base_url}/api/funds/{fund_id}/allocations"
        assert requests.post(url, json=batch(company_id, 1, 5), timeout=30).status_code == 401
        response = requests.post(url, json=batch(company_id, 1, 5), headers=bearer(token),
                                 timeout=30)
        assert response.status_code == 200, response.text
        metrics = requests.get(f"{base_url}/metrics", timeout=30).text
    counts = {tuple(sorted(s.labels.items())): s.value
              for family in text_string_to_metric_families(metrics)
              for s in family.samples if s.name == "http_requests_total"}
    route = ("route", "/api/funds/<fund_id:fund_id>/allocations")
    assert counts[(("method", "POST"), route, ("status", "200"))] == 1
    assert counts[(("method", "POST"), route, ("status", "401"))] == 1
    (event,) = fund_factory.events(fund_id)
    assert event["user_id"] == 808
