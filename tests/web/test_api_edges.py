"""GET /api at its edges (issue 11 item 15): dates and ids beyond what the tables keep are 400 or 404,
unknown statuses refused like unknown kinds, never a 500."""
from __future__ import annotations

import pytest

from ..conftest import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.mark.parametrize("query", [
    "since=0001-01-01", "since=0001-01-01T00:00", "since=9999-12-31T23:00-05:00", "since=9999-12-31",
    "status=newish", "status=new,,closed", "status=new,unknown", "status=" + "x" * 300,
    "page=" + "9" * 5000, "per_page=-1",
])
def test_out_of_range_or_unknown_filters_are_400(client, query):
    response = client.get(f"/api/tickets?{query}", headers=AUTH)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["message"]


@pytest.mark.parametrize("query", [
    "from=0001-01-01&to=0001-01-05", "from=9999-12-25&to=9999-12-31", "to=0001-01-01", "to=9999-12-31",
    "from=2026-01-01&to=9999-12-31",
])
def test_reports_out_of_range_are_400(client, query):
    response = client.get(f"/api/reports?{query}", headers=AUTH)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["message"]


@pytest.mark.parametrize("ticket_id", [2 ** 31, 2 ** 31 + 5, 2 ** 63, 2 ** 64 + 1, 10 ** 40])
def test_ticket_ids_beyond_the_columns_are_404(client, ticket_id):
    response = client.get(f"/api/tickets/{ticket_id}", headers=AUTH)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_every_known_status_is_accepted(client):
    response = client.get("/api/tickets?status=new,accepted,on_site,reopened,done,closed,cancelled", headers=AUTH)
    assert response.status_code == 200 and response.get_json()["total"] == 0
