import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.org"])
@pytest.mark.django_db
def test_cors_admits_only_origins_on_the_allow_list(client):
    allowed = client.options(
        "/api/checkins/", HTTP_ORIGIN="https://app.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    other = client.options(
        "/api/checkins/", HTTP_ORIGIN="https://evil.example.com", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "Access-Control-Allow-Origin" not in other
