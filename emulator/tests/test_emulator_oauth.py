"""The emulator's OAuth2 token endpoint (JWT-bearer grant of a service-account key) and the bearer check of its
Sheets routes, through google-auth as against Google: a key file whose token_uri is the emulator's signs in; a
wrong signature, an unknown account, a stale or mis-addressed assertion, a missing, forged or expired token and a
read-only scope are refused with Google's answers."""
from __future__ import annotations

import json
import time

import gspread
import pytest
import requests
from google.auth import crypt, jwt
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from support.gsheets_fixtures import service_account_file
from sheets_emulator.client import gspread_client_for
from sheets_emulator.oauth import GOOGLE_TOKEN_URI, INSUFFICIENT_SCOPES, INVALID_CREDENTIAL, JWT_BEARER, \
    MISSING_CREDENTIAL, SHORT_LIVED
from sheets_emulator.server import SheetsEmulator

SCOPE = "https://www.googleapis.com/auth/spreadsheets"
EMAIL = "bot@demo-project.iam.gserviceaccount.com"


@pytest.fixture
def emu():
    with SheetsEmulator(auth=True) as e:
        yield e


def _creds(path, scopes=(SCOPE,)):
    return service_account.Credentials.from_service_account_file(str(path), scopes=list(scopes))


def _assertion(info: dict, **claims) -> str:
    now = int(time.time())
    payload = {"iss": info["client_email"], "aud": GOOGLE_TOKEN_URI, "scope": SCOPE, "iat": now, "exp": now + 3600}
    payload.update(claims)
    return jwt.encode(crypt.RSASigner.from_service_account_info(info), payload).decode()


def _token(emu, assertion: str, grant_type: str = JWT_BEARER) -> requests.Response:
    return requests.post(emu.token_uri, data={"grant_type": grant_type, "assertion": assertion}, timeout=5)


def test_a_key_file_with_the_emulators_token_uri_signs_in_through_google_auth(emu, tmp_path):
    key = service_account_file(tmp_path / "sa.json", emu.token_uri, EMAIL, emulator=emu)
    sid = emu.create_spreadsheet("Plan", sheets={"Tasks": [["ID", "任务"], ["T1", "海报"]]})
    creds = _creds(key)
    creds.refresh(Request())
    assert creds.token.startswith("ya29.") and creds.expiry is not None
    claims, = emu.tokens.grants
    assert claims["iss"] == EMAIL and claims["scope"] == SCOPE and claims["aud"] == GOOGLE_TOKEN_URI
    ws = gspread_client_for(emu.base_url, credentials=_creds(key), timeout=10).open_by_key(sid).worksheet("Tasks")
    assert ws.get_all_values() == [["ID", "任务"], ["T1", "海报"]]
    ws.update(values=[["T2"]], range_name="A3", raw=True)
    assert emu.values(sid, "Tasks")[2] == ["T2"]


def test_the_token_response_has_googles_shape(emu, tmp_path):
    info = json.loads(service_account_file(tmp_path / "sa.json", emu.token_uri, EMAIL, emulator=emu).read_text())
    r = _token(emu, _assertion(info))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer" and 3000 < body["expires_in"] <= 3600


def test_sheets_routes_want_a_bearer_token_from_the_endpoint(emu):
    sid = emu.create_spreadsheet("Plan")
    url = f"{emu.base_url}/v4/spreadsheets/{sid}"
    r = requests.get(url, timeout=5)
    assert r.status_code == 401
    assert r.json()["error"] == {"code": 401, "message": MISSING_CREDENTIAL, "status": "UNAUTHENTICATED"}
    r = requests.get(url, headers={"Authorization": "Bearer ya29.forged"}, timeout=5)
    assert r.status_code == 401 and r.json()["error"]["message"] == INVALID_CREDENTIAL
    ok = requests.get(url, headers={"Authorization": "Bearer " + emu.tokens.issue(EMAIL)}, timeout=5)
    assert ok.status_code == 200 and ok.json()["properties"]["title"] == "Plan"


def test_without_auth_the_routes_stay_open():
    with SheetsEmulator() as open_emu:
        sid = open_emu.create_spreadsheet("Plan")
        assert requests.get(f"{open_emu.base_url}/v4/spreadsheets/{sid}", timeout=5).status_code == 200


def test_a_key_the_emulator_does_not_know_is_refused(emu, tmp_path):
    known = service_account_file(tmp_path / "known.json", emu.token_uri, EMAIL, emulator=emu)
    forged = service_account_file(tmp_path / "forged.json", emu.token_uri, EMAIL)  # same account, other key
    stranger = service_account_file(tmp_path / "stranger.json", emu.token_uri, "nobody@x.iam.gserviceaccount.com")
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        _creds(forged).refresh(Request())
    with pytest.raises(RefreshError, match="account not found"):
        _creds(stranger).refresh(Request())
    _creds(known).refresh(Request())  # the real key still signs in
    assert len(emu.tokens.grants) == 1


@pytest.mark.parametrize("claims, error, text", [
    ({"aud": "https://example.com/token"}, "invalid_grant", "Failed audience check"),
    ({"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}, "invalid_grant", SHORT_LIVED),
    ({"exp": int(time.time()) + 7200}, "invalid_grant", SHORT_LIVED),
    ({"scope": ""}, "invalid_scope", "Invalid OAuth scope"),
], ids=["audience", "expired", "too-long", "no-scope"])
def test_bad_assertions_get_googles_oauth_errors(emu, tmp_path, claims, error, text):
    info = json.loads(service_account_file(tmp_path / "sa.json", emu.token_uri, EMAIL, emulator=emu).read_text())
    r = _token(emu, _assertion(info, **claims))
    assert r.status_code == 400 and r.json()["error"] == error and text in r.json()["error_description"]
    assert emu.tokens.grants == []


def test_other_grants_and_garbage_are_refused(emu, tmp_path):
    info = json.loads(service_account_file(tmp_path / "sa.json", emu.token_uri, EMAIL, emulator=emu).read_text())
    r = _token(emu, _assertion(info), grant_type="password")
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    r = _token(emu, "not-a-jwt")
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


def test_a_read_only_token_reads_but_does_not_write(emu, tmp_path):
    key = service_account_file(tmp_path / "sa.json", emu.token_uri, EMAIL, emulator=emu)
    sid = emu.create_spreadsheet("Plan", sheets={"Tasks": [["a"]]})
    ws = gspread_client_for(emu.base_url, credentials=_creds(key, [SCOPE + ".readonly"]),
                            timeout=10).open_by_key(sid).worksheet("Tasks")
    assert ws.acell("A1").value == "a"
    with pytest.raises(gspread.exceptions.APIError) as err:
        ws.update(values=[["b"]], range_name="A1", raw=True)
    assert err.value.response.status_code == 403 and INSUFFICIENT_SCOPES in err.value.response.text
    assert emu.values(sid, "Tasks") == [["a"]]


def test_an_expired_access_token_is_refused(emu):
    sid = emu.create_spreadsheet("Plan")
    token = emu.tokens.issue(EMAIL)
    emu.tokens.clock = lambda: time.time() + 3600
    r = requests.get(f"{emu.base_url}/v4/spreadsheets/{sid}", headers={"Authorization": "Bearer " + token}, timeout=5)
    assert r.status_code == 401 and r.json()["error"]["message"] == INVALID_CREDENTIAL
