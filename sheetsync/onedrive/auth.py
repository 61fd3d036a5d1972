"""Sign-in to Microsoft Graph: an app registration's client-credentials grant through MSAL.

SHEETSYNC_GRAPH_TENANT, SHEETSYNC_GRAPH_CLIENT_ID and SHEETSYNC_GRAPH_CLIENT_SECRET (or
SHEETSYNC_GRAPH_CERTIFICATE, a PEM file with the private key and the certificate, and
SHEETSYNC_GRAPH_CERTIFICATE_THUMBPRINT). SHEETSYNC_GRAPH_AUTHORITY points MSAL elsewhere than
https://login.microsoftonline.com (a national cloud, or the local emulator). The secret is only ever handed to MSAL:
no message built here holds it."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from ..model import SheetsyncError

AUTHORITY = "https://login.microsoftonline.com"
SCOPE = "https://graph.microsoft.com/.default"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

GRANT = ("the app registration needs the Microsoft Graph application permission Files.ReadWrite.All (OneDrive) "
         "or Sites.ReadWrite.All (SharePoint), with admin consent granted by a tenant administrator",
         "应用注册需要 Microsoft Graph 应用程序权限 Files.ReadWrite.All(OneDrive)或 Sites.ReadWrite.All(SharePoint),"
         "并由租户管理员授予管理员同意")


def consent_error(what: str) -> SheetsyncError:
    return SheetsyncError(f"OneDrive/SharePoint refused access ({what}): {GRANT[0]}",
                          f"OneDrive/SharePoint 拒绝访问({what}):{GRANT[1]}", code="graph-access")


def _missing(names: list[str]) -> SheetsyncError:
    return SheetsyncError(
        f"a OneDrive/SharePoint source needs an app registration: set {', '.join(names)}",
        f"OneDrive/SharePoint 数据源需要应用注册:请设置 {'、'.join(names)}", code="graph-credentials")


class LoopbackHttp:
    """MSAL accepts only https authorities. A loopback http authority (the local emulator, never a remote host) is
    named to MSAL as https and reached over http by this session."""

    def __init__(self, session, netloc: str):
        self.session, self.netloc = session, netloc

    def _url(self, url: str) -> str:
        prefix = f"https://{self.netloc}"
        return "http://" + url[len("https://"):] if url.startswith(prefix) else url

    def get(self, url, **kwargs):
        return self.session.get(self._url(url), **kwargs)

    def post(self, url, **kwargs):
        return self.session.post(self._url(url), **kwargs)

    def close(self):
        self.session.close()


class Credentials:
    """One confidential client, asked for a token whenever a request needs one (MSAL caches it)."""

    def __init__(self, environ=None, timeout: float = 30.0):
        env = os.environ if environ is None else environ
        tenant = (env.get("SHEETSYNC_GRAPH_TENANT") or "").strip()
        client_id = (env.get("SHEETSYNC_GRAPH_CLIENT_ID") or "").strip()
        secret = env.get("SHEETSYNC_GRAPH_CLIENT_SECRET") or ""
        cert = (env.get("SHEETSYNC_GRAPH_CERTIFICATE") or "").strip()
        missing = [n for n, v in (("SHEETSYNC_GRAPH_TENANT", tenant), ("SHEETSYNC_GRAPH_CLIENT_ID", client_id)) if not v]
        if not secret and not cert:
            missing.append("SHEETSYNC_GRAPH_CLIENT_SECRET")
        if missing:
            raise _missing(missing)
        try:
            import msal
            import requests
        except ImportError:
            raise SheetsyncError("a OneDrive/SharePoint source needs MSAL: pip install 'sheetsync[onedrive]'",
                                 "OneDrive/SharePoint 数据源需要 MSAL:pip install 'sheetsync[onedrive]'",
                                 code="missing-extra") from None
        credential = secret
        if not secret:
            try:
                pem = open(cert, encoding="utf-8").read()
            except OSError as exc:
                raise SheetsyncError(f"{cert}: cannot read the certificate ({exc.strerror})",
                                     f"{cert}:无法读取证书({exc.strerror})", code="graph-credentials") from None
            credential = {"private_key": pem, "public_certificate": pem}
            thumbprint = (env.get("SHEETSYNC_GRAPH_CERTIFICATE_THUMBPRINT") or "").strip()
            if thumbprint:  # else MSAL computes the certificate's SHA-256 thumbprint
                credential["thumbprint"] = thumbprint
        base = (env.get("SHEETSYNC_GRAPH_AUTHORITY") or AUTHORITY).strip().rstrip("/")
        parts = urlsplit(base)
        session = requests.Session()
        http = session
        if parts.scheme == "http":
            if parts.hostname not in LOOPBACK:
                raise SheetsyncError(f"SHEETSYNC_GRAPH_AUTHORITY must be an https URL: {base}",
                                     f"SHEETSYNC_GRAPH_AUTHORITY 必须是 https 地址:{base}", code="graph-credentials")
            http = LoopbackHttp(session, parts.netloc)
            base = "https://" + base[len("http://"):]
        custom = base != AUTHORITY
        try:
            self.app = msal.ConfidentialClientApplication(
                client_id, client_credential=credential, authority=f"{base}/{tenant}", http_client=http,
                validate_authority=not custom, instance_discovery=False if custom else None, timeout=timeout)
        except ValueError as exc:  # the authority's OpenID configuration could not be read
            raise SheetsyncError(f"cannot reach the sign-in authority {base}/{tenant} ({type(exc).__name__}); "
                                 f"check SHEETSYNC_GRAPH_TENANT and SHEETSYNC_GRAPH_AUTHORITY",
                                 f"无法连接登录服务 {base}/{tenant}({type(exc).__name__});"
                                 f"请检查 SHEETSYNC_GRAPH_TENANT 和 SHEETSYNC_GRAPH_AUTHORITY",
                                 code="graph-credentials") from None
        except Exception as exc:  # connection refused and the like, inside MSAL's discovery
            raise SheetsyncError(f"cannot reach the sign-in authority {base}/{tenant} ({type(exc).__name__})",
                                 f"无法连接登录服务 {base}/{tenant}({type(exc).__name__})",
                                 code="graph-credentials") from None

    def token(self) -> str:
        got = self.app.acquire_token_for_client(scopes=[SCOPE])
        if "access_token" in got:
            return got["access_token"]
        codes = got.get("error_codes") or []
        error = got.get("error") or "error"
        if 65001 in codes or "AADSTS65001" in (got.get("error_description") or ""):
            raise consent_error("AADSTS65001")
        code = f"AADSTS{codes[0]}" if codes else error
        raise SheetsyncError(f"OneDrive/SharePoint sign-in refused ({code}); check SHEETSYNC_GRAPH_TENANT, "
                             f"SHEETSYNC_GRAPH_CLIENT_ID and the client secret or certificate",
                             f"OneDrive/SharePoint 登录被拒绝({code});请检查 SHEETSYNC_GRAPH_TENANT、"
                             f"SHEETSYNC_GRAPH_CLIENT_ID 以及客户端密码或证书", code="graph-sign-in")
