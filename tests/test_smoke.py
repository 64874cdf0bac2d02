def test_latest_allocations_of_a_new_fund(client, fund_factory):
    fund_id, (company_id,) = fund_factory.fund_with_companies(
        [{"name": "Acme", "planned_reserves_cents": 500, "deployed_reserves_cents": 100}])
    response = client.get(f"/api/funds/{fund_id}/allocations/latest")
    assert response.status_code == 200
    assert response.json["companies"][0]["company_id"] == company_id
    assert response.json["metadata"]["total_planned_cents"] == 500


def test_gunicorn_serves_the_app(database_url):
    import requests

    from .support import running_gunicorn

    with running_gunicorn(database_url) as base_url:
        assert requests.get(base_url + "/readyz").json() == {"status": "ready"}
