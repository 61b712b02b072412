"""A tiny OpenID Connect provider for tests: discovery, authorize, token, JWKS and userinfo, in-process.

`provider.routes()` patches `requests.get`/`requests.post` so mozilla-django-oidc's real code talks to it
(no network). ID tokens are RS256-signed with a key made per test (jwcrypto); PKCE S256 is checked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from jwcrypto import jwk, jwt

ISSUER = "https://id.example.org"
CLIENT_ID = "send-health-hub"
CLIENT_SECRET = "stand-in-secret"


class FakeResponse:
    def __init__(self, url: str, status: int = 200, body: Any = None, content_type: str = "application/json"):
        self.url = url
        self.status_code = status
        self._body = body
        self.headers = {"content-type": content_type}
        self.text = body if isinstance(body, str) else json.dumps(body)

    def json(self) -> Any:
        return self._body if not isinstance(self._body, str) else json.loads(self._body)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code} for {self.url}", response=self)


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    email: str


@dataclass
class StandInProvider:
    email: str = "dco.person@example.org"
    email_verified: bool = True
    # Knobs a test can turn to misbehave like a broken or hostile provider.
    issuer_in_token: str = ISSUER
    audience: str = CLIENT_ID
    sign_with_other_key: bool = False
    nonce_override: str | None = None
    userinfo_sub: str | None = None
    key: jwk.JWK = field(default_factory=lambda: jwk.JWK.generate(kty="RSA", size=2048, kid="stand-in-1"))
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    # Endpoints ---------------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "userinfo_endpoint": f"{ISSUER}/userinfo",
            "jwks_uri": f"{ISSUER}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def authorize(self, url: str) -> str:
        """The person signs in at the provider; returns where the provider sends the browser back."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        assert "openid" in query["scope"].split() and query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            client_id=query["client_id"],
            redirect_uri=query["redirect_uri"],
            nonce=query["nonce"],
            code_challenge=query["code_challenge"],
            email=self.email,
        )
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, data: dict[str, str]) -> FakeResponse:
        url = f"{ISSUER}/token"
        grant = self.grants.pop(data.get("code", ""), None)  # a code works once
        if grant is None or data.get("client_secret") != CLIENT_SECRET or data.get("client_id") != CLIENT_ID:
            return FakeResponse(url, 400, {"error": "invalid_grant"})
        if data.get("redirect_uri") != grant.redirect_uri:
            return FakeResponse(url, 400, {"error": "invalid_grant"})
        verifier = data.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant.code_challenge:
            return FakeResponse(url, 400, {"error": "invalid_grant", "error_description": "PKCE"})
        now = int(time.time())
        claims = {
            "iss": self.issuer_in_token,
            "sub": f"sub-{grant.email}",
            "aud": self.audience,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce_override or grant.nonce,
        }
        key = (
            jwk.JWK.generate(kty="RSA", size=2048, kid="stand-in-1") if self.sign_with_other_key else self.key
        )
        token = jwt.JWT(header={"alg": "RS256", "kid": "stand-in-1"}, claims=claims)
        token.make_signed_token(key)
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant.email
        return FakeResponse(
            url, 200, {"access_token": access, "token_type": "Bearer", "id_token": token.serialize()}
        )

    def userinfo(self, headers: dict[str, str]) -> FakeResponse:
        url = f"{ISSUER}/userinfo"
        access = headers.get("Authorization", "").removeprefix("Bearer ")
        email = self.tokens.get(access)
        if email is None:
            return FakeResponse(url, 401, {"error": "invalid_token"})
        return FakeResponse(
            url,
            200,
            {
                "sub": self.userinfo_sub or f"sub-{email}",
                "email": email,
                "email_verified": self.email_verified,
            },
        )

    def jwks(self) -> dict[str, Any]:
        public = json.loads(self.key.export_public())
        return {"keys": [{**public, "use": "sig", "alg": "RS256"}]}

    # Routing -----------------------------------------------------------------------------------

    def _get(
        self, url: str, *args: Any, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> FakeResponse:
        self.calls.append(f"GET {url}")
        if url == f"{ISSUER}/.well-known/openid-configuration":
            return FakeResponse(url, 200, self.discovery())
        if url == f"{ISSUER}/jwks":
            return FakeResponse(url, 200, self.jwks())
        if url == f"{ISSUER}/userinfo":
            return self.userinfo(headers or {})
        raise AssertionError(f"unexpected GET {url}")

    def _post(self, url: str, *args: Any, data: dict[str, str] | None = None, **kwargs: Any) -> FakeResponse:
        self.calls.append(f"POST {url}")
        if url == f"{ISSUER}/token":
            return self.token(dict(data or {}))
        raise AssertionError(f"unexpected POST {url}")

    @contextmanager
    def routes(self) -> Iterator[StandInProvider]:
        with mock.patch("requests.get", self._get), mock.patch("requests.post", self._post):
            yield self
