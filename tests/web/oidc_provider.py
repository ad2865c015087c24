"""A tiny but real OpenID Connect provider for tests: discovery, authorize, token (PKCE), JWKS.

It serves over real HTTP in a thread. /authorize signs in ``provider.username`` without asking
(or answers ``access_denied`` when ``provider.deny`` is set); /token checks the client secret,
the code, the redirect URI and the PKCE verifier, and returns an RS256-signed ID token.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "kim-test"
CLIENT_SECRET = "test-secret"


class Provider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"}, private=True)
        self.signing_key = self.key  # a test may swap in a key the JWKS does not publish
        self.username = "cm-borchen"
        self.extra_claims: dict = {}  # more claims in the ID token (e.g. the tenant)
        self.deny = False
        self.codes: dict[str, dict] = {}
        self.server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Provider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)

    def _app(self) -> Flask:
        app = Flask("oidc-test-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.url,
                authorization_endpoint=self.url + "/authorize",
                token_endpoint=self.url + "/token",
                jwks_uri=self.url + "/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            args = request.args
            assert args["client_id"] == CLIENT_ID and args["response_type"] == "code"
            assert "openid" in args["scope"].split() and args["code_challenge_method"] == "S256"
            if self.deny:
                query = {"error": "access_denied", "state": args["state"]}
            else:
                code = secrets.token_urlsafe(16)
                self.codes[code] = {
                    "nonce": args.get("nonce"),
                    "redirect_uri": args["redirect_uri"],
                    "challenge": args["code_challenge"],
                    "username": self.username,
                }
                query = {"code": code, "state": args["state"]}
            return redirect(args["redirect_uri"] + "?" + urlencode(query))

        @app.post("/token")
        def token():
            auth = request.authorization
            if auth is None or (auth.username, auth.password) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "").encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
            if challenge != grant["challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
            now = int(time.time())
            claims = {
                "iss": self.url,
                "sub": "sub-" + grant["username"],
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                "preferred_username": grant["username"],
                **self.extra_claims,
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.signing_key)
            return jsonify(
                access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300, id_token=id_token
            )

        return app
