"""/openapi.json is a valid OpenAPI 3 document of every endpoint; /docs is
Swagger UI served from local assets, with no CDN (issue 2, "Deliver" 5 and 8)."""
import re

import pytest
from openapi_spec_validator import validate

API_OPERATIONS = {
    ("/api/funds/{fund_id}/allocations/latest", "get"),
    ("/api/funds/{fund_id}/allocations", "post"),
    ("/api/funds/{fund_id}/companies", "get"),
    ("/healthz", "get"),
    ("/readyz", "get"),
}
ASSET_REFERENCE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


@pytest.fixture(scope="module")
def spec(app):
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_openapi_document_validates_as_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)  # raises OpenAPIValidationError when invalid


def test_openapi_documents_every_endpoint(spec):
    documented = {(path, method) for path, operations in spec["paths"].items()
                  for method in operations if method != "parameters"}
    assert API_OPERATIONS <= documented


@pytest.mark.parametrize(("path", "method"), [
    ("/api/funds/{fund_id}/allocations/latest", "get"),
    ("/api/funds/{fund_id}/allocations", "post"),
    ("/api/funds/{fund_id}/companies", "get"),
])
def test_api_operations_document_their_errors(spec, path, method):
    responses = spec["paths"][path][method]["responses"]
    assert {"200", "400", "404", "500", "503"} <= set(responses)


def test_fund_id_is_documented_as_a_positive_int4(spec):
    parameters = spec["paths"]["/api/funds/{fund_id}/companies"]["parameters"]
    (fund_id,) = [p for p in parameters if p["name"] == "fund_id"]
    assert fund_id["in"] == "path"
    assert fund_id["schema"] == {"type": "integer", "minimum": 1, "maximum": 2147483647}


def test_docs_is_swagger_ui_without_any_external_host(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    references = ASSET_REFERENCE.findall(html)

    assert any(ref.endswith("swagger-ui-bundle.js") for ref in references)
    assert any(ref.endswith("swagger-ui.css") for ref in references)
    assert [ref for ref in references if EXTERNAL.match(ref)] == []
    assert "http://" not in html and "https://" not in html
    assert 'url: "/openapi.json"' in html


def test_docs_assets_are_served_locally(client):
    html = client.get("/docs").get_data(as_text=True)
    references = ASSET_REFERENCE.findall(html)
    assert len(references) >= 3
    for reference in references:
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        assert len(asset.get_data()) > 1000, reference
        asset.close()


def test_unknown_docs_asset_is_404_json(client):
    response = client.get("/docs/assets/no-such-file.js")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
