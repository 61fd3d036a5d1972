"""An OAuth2 token endpoint for the JWT-bearer grant of a service-account key (RFC 7523), as
https://oauth2.googleapis.com/token serves it, and the bearer check of the Sheets routes.

A client signs a JWT with the key's private key (RS256; claims iss = the account's email, aud = the token URI,
scope, iat, exp at most an hour later) and posts grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and
assertion=JWT. The emulator verifies the signature with the public key of an account it was told about and
answers {"access_token", "expires_in", "token_type": "Bearer"}, or Google's {"error", "error_description"}."""
from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SHEETS_SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive",
                 "https://www.googleapis.com/auth/drive.file")
READONLY_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",
                   "https://www.googleapis.com/auth/drive.readonly")
# Drive's files.get takes any Drive scope that may see the file's metadata; a Sheets scope is not one of them
DRIVE_METADATA_SCOPES = ("https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.file",
                         "https://www.googleapis.com/auth/drive.readonly",
                         "https://www.googleapis.com/auth/drive.metadata",
                         "https://www.googleapis.com/auth/drive.metadata.readonly")
TOKEN_LIFETIME = 3599  # what Google answers for a one-hour assertion
MAX_ASSERTION_LIFETIME = 3600
CLOCK_SKEW = 300  # seconds of clock difference tolerated on iat / exp

# Google's texts (errors of the Sheets API proper are in store.ApiError)
MISSING_CREDENTIAL = ("Request is missing required authentication credential. Expected OAuth 2 access token, login "
                      "cookie or other valid authentication credential. See "
                      "https://developers.google.com/identity/sign-in/web/devconsole-project.")
INVALID_CREDENTIAL = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                      "or other valid authentication credential. See "
                      "https://developers.google.com/identity/sign-in/web/devconsole-project.")
INSUFFICIENT_SCOPES = "Request had insufficient authentication scopes."
SHORT_LIVED = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your "
               "iat and exp values in the JWT claim.")


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def body(self) -> dict:
        return {"error": self.error, "error_description": self.description}


@dataclass
class Grant:
    email: str
    scopes: frozenset
    expires: float


@dataclass
class TokenService:
    """Service accounts the emulator knows (email -> public key) and the access tokens it issued."""
    accounts: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    grants: list = field(default_factory=list)  # the claims of every assertion accepted, for tests to inspect
    received: list = field(default_factory=list)  # every form body posted to the endpoint, as sent
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Any = time.time

    def add_account(self, email: str, public_key: Any) -> None:
        """`public_key`: a cryptography RSA public key, its PEM, or the private key PEM of a key file."""
        self.accounts[email] = _public_key(public_key)

    def add_key_file(self, info: dict) -> str:
        """A service-account key file's contents (as json.load gives them); returns its client_email."""
        self.add_account(info["client_email"], info["private_key"])
        return info["client_email"]

    # --- the token endpoint -------------------------------------------------------------------------------------
    def exchange(self, raw_body: bytes, token_uri: str) -> tuple[int, dict]:
        try:
            return 200, self._exchange(raw_body, token_uri)
        except OAuthError as e:
            return e.status, e.body()

    def issue(self, email: str, scopes: tuple = SHEETS_SCOPES[:1]) -> str:
        """A token without the JWT dance: for a test that seeds a spreadsheet over HTTP as its owner."""
        token = "ya29.emu-" + secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = Grant(email, frozenset(scopes), self.clock() + TOKEN_LIFETIME)
        return token

    def _exchange(self, raw_body: bytes, token_uri: str) -> dict:
        with self.lock:
            self.received.append(raw_body.decode("utf-8", "replace"))
        form = {k: v[0] for k, v in parse_qs(raw_body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        grant_type = form.get("grant_type", "")
        if grant_type != JWT_BEARER:
            raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant_type}")
        header, claims, signed, signature = _split_jwt(form.get("assertion", ""))
        if header.get("alg") != "RS256":
            raise OAuthError("invalid_grant", "Invalid JWT Signature.")
        email = claims.get("iss")
        key = self.accounts.get(email)
        if key is None:
            raise OAuthError("invalid_grant", "Invalid grant: account not found")
        try:
            key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.") from None
        # google-auth signs for Google's token URI whatever token_uri the key file names (it posts to the file's);
        # the emulator stands in for that endpoint, so it takes Google's audience and its own address.
        if claims.get("aud") not in (GOOGLE_TOKEN_URI, token_uri):
            raise OAuthError("invalid_grant",
                             f"Invalid JWT: Failed audience check. The right audience is {GOOGLE_TOKEN_URI}")
        now = self.clock()
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)) or exp <= iat \
                or exp - iat > MAX_ASSERTION_LIFETIME or iat > now + CLOCK_SKEW or exp < now - CLOCK_SKEW:
            raise OAuthError("invalid_grant", SHORT_LIVED)
        scopes = frozenset(str(claims.get("scope") or "").split())
        if not scopes:
            raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        token = self.issue(email, tuple(scopes))
        with self.lock:
            self.grants.append(dict(claims))
        return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}

    # --- the Sheets routes' check --------------------------------------------------------------------------------
    def check(self, authorization: Optional[str], write: bool,
              scopes: Optional[tuple] = None) -> Optional[tuple[int, str, str]]:
        """None when the bearer token may make this call (one of `scopes`, default the Sheets API's), else (HTTP
        status, message, status word)."""
        if not authorization or not authorization.startswith("Bearer "):
            return 401, MISSING_CREDENTIAL, "UNAUTHENTICATED"
        with self.lock:
            grant = self.tokens.get(authorization[len("Bearer "):].strip())
        if grant is None or grant.expires <= self.clock():
            return 401, INVALID_CREDENTIAL, "UNAUTHENTICATED"
        allowed = scopes or (SHEETS_SCOPES if write else SHEETS_SCOPES + READONLY_SCOPES)
        if not grant.scopes & set(allowed):
            return 403, INSUFFICIENT_SCOPES, "PERMISSION_DENIED"
        return None


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _split_jwt(assertion: str) -> tuple[dict, dict, bytes, bytes]:
    parts = assertion.split(".")
    if len(parts) != 3:
        raise OAuthError("invalid_request", "Invalid JWT: the assertion is not a signed JWT.")
    try:
        header, claims = json.loads(_b64(parts[0])), json.loads(_b64(parts[1]))
        signature = _b64(parts[2])
    except (ValueError, binascii.Error):
        raise OAuthError("invalid_request", "Invalid JWT: the assertion is not a signed JWT.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise OAuthError("invalid_request", "Invalid JWT: the assertion is not a signed JWT.")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def _public_key(key: Any) -> rsa.RSAPublicKey:
    if isinstance(key, rsa.RSAPublicKey):
        return key
    if isinstance(key, rsa.RSAPrivateKey):
        return key.public_key()
    pem = key.encode() if isinstance(key, str) else key
    if b"PRIVATE KEY" in pem:
        return serialization.load_pem_private_key(pem, password=None).public_key()
    return serialization.load_pem_public_key(pem)
