"""The Graph emulator is strict where Graph is: request shapes outside Graph's published description are refused
with Graph's error body ({"error": {"code", "message", "innerError"}}), uploads honour If-Match (412) and the
"open in Excel" switch (423), throttling carries Retry-After, and the token endpoint speaks the client-credentials
grant MSAL sends."""
from __future__ import annotations

import pytest
import requests

from support.onedrive_fixtures import graph, item_of, stored, tracker_file  # noqa: F401


@pytest.fixture
def session(graph):
    got = requests.post(f"{graph.root}/{graph.tenant}/oauth2/v2.0/token",
                        data={"grant_type": "client_credentials", "client_id": graph.client_id,
                              "client_secret": graph.client_secret, "scope": "https://graph.microsoft.com/.default"})
    assert got.status_code == 200 and got.json()["token_type"] == "Bearer"
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + got.json()["access_token"]
    return s


def graph_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "innerError"} and error["message"]
    assert code is None or error["code"] == code
    return error


def test_token_endpoint_refuses_a_wrong_secret_and_a_scope_without_default(graph):
    url = f"{graph.root}/{graph.tenant}/oauth2/v2.0/token"
    base = {"grant_type": "client_credentials", "client_id": graph.client_id, "scope": "https://graph.microsoft.com/.default"}
    wrong = requests.post(url, data={**base, "client_secret": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error_codes"] == [7000215]
    scope = requests.post(url, data={**base, "client_secret": graph.client_secret, "scope": "Files.ReadWrite.All"})
    assert scope.status_code == 400 and scope.json()["error"] == "invalid_scope"


def test_graph_wants_a_token(graph, tmp_path):
    source = stored(graph, tracker_file(tmp_path))
    drive, item = source[len("onedrive:"):].split("/")
    graph_error(requests.get(f"{graph.base_url}/drives/{drive}/items/{item}"), 401, "InvalidAuthenticationToken")


def test_upload_needs_the_current_etag_and_a_free_workbook(graph, session, tmp_path):
    source = stored(graph, tracker_file(tmp_path))
    drive, item = source[len("onedrive:"):].split("/")
    url = f"{graph.base_url}/drives/{drive}/items/{item}"
    meta = session.get(url).json()
    data = session.get(url + "/content").content
    assert data == graph.content(item)
    graph_error(session.put(url + "/content", data=data, headers={"If-Match": '"{OLD},0"'}), 412, "resourceModified")
    graph.open_in_excel(item)
    graph_error(session.put(url + "/content", data=data, headers={"If-Match": meta["eTag"]}), 423, "resourceLocked")
    graph.open_in_excel(item, False)
    done = session.put(url + "/content", data=data, headers={"If-Match": meta["eTag"]})
    assert done.status_code == 200 and done.json()["eTag"] != meta["eTag"]


def test_workbook_requests_outside_graphs_shapes_are_refused(graph, session, tmp_path):
    source = stored(graph, tracker_file(tmp_path))
    drive, item = source[len("onedrive:"):].split("/")
    wb = f"{graph.base_url}/drives/{drive}/items/{item}/workbook"
    graph_error(session.post(wb + "/createSession", json={"persistChanges": True, "mode": "x"}), 400, "BadRequest")
    sid = session.post(wb + "/createSession", json={"persistChanges": True}).json()["id"]
    h = {"workbook-session-id": sid}
    rng = wb + "/worksheets/%E4%BB%BB%E5%8A%A1/range(address='O4:O5')"
    graph_error(session.patch(rng, json={"values": [["a"]]}, headers=h), 400, "InvalidArgument")  # 1 row for 2
    graph_error(session.patch(rng, json={"values": [["a"], ["b"]], "fill": "red"}, headers=h), 400, "BadRequest")
    graph_error(session.get(wb + "/worksheets/%E4%BB%BB%E5%8A%A1/usedRange", params={"$bogus": "1"}), 400)
    ok = session.patch(rng, json={"values": [["'=1+1"], [None]], "numberFormat": [[None], ["yyyy-mm-dd"]]}, headers=h)
    assert ok.status_code == 200 and ok.json()["values"][0][0] == "=1+1"  # an apostrophe keeps it text
    batch = {"requests": [{"id": str(i), "method": "GET", "url": f"/drives/{drive}/items/{item}"} for i in range(21)]}
    graph_error(session.post(f"{graph.base_url}/$batch", json=batch), 400, "invalidRequest")
    batch["requests"] = batch["requests"][:2]
    answer = session.post(f"{graph.base_url}/$batch", json=batch).json()
    assert [r["status"] for r in answer["responses"]] == [200, 200]
    assert session.post(wb + "/closeSession", headers=h).status_code == 204


def test_throttling_answers_carry_retry_after_in_graphs_error_shape(graph, session, tmp_path):
    source = stored(graph, tracker_file(tmp_path))
    drive, item = source[len("onedrive:"):].split("/")
    graph.inject(status=429, retry_after=7, match="GET /drives")
    answer = session.get(f"{graph.base_url}/drives/{drive}/items/{item}")
    graph_error(answer, 429, "TooManyRequests")
    assert answer.headers["Retry-After"] == "7"
    assert session.get(f"{graph.base_url}/drives/{drive}/items/{item}").status_code == 200
