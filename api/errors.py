"""Every error as application/problem+json (RFC 9457); no raw library message reaches users."""

from __future__ import annotations

import logging

from flask import Response, json, request
from flask_smorest import Api
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from engine.errors import InvalidInput, KimError, ProcessModelError
from engine.problem_kinds import BY_STATUS, KINDS

from .context import keep_after_rollback
from .schemas import ProblemSchema
from .web.error_pages import error_page, wants_page

log = logging.getLogger("kim.api")

_GERMAN_TITLES = {
    400: "Ungültige Anfrage",
    401: "Nicht angemeldet",
    403: "Keine Berechtigung",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    409: "Konflikt",
    413: "Anfrage zu groß",
    414: "Adresse zu lang",
    415: "Falscher Inhaltstyp",
    422: "Ungültige Eingaben",
    429: "Zu viele Anfragen",
    500: "Interner Fehler",
    503: "Dienst vorübergehend nicht verfügbar",
}
_GERMAN_DETAILS = {
    400: "Die Anfrage konnte nicht gelesen werden (z. B. kein gültiges JSON).",
    404: "Diese Adresse gibt es nicht.",
    405: "Diese Methode ist für diese Adresse nicht erlaubt.",
    413: "Die Anfrage ist zu groß.",
    414: "Die Adresse (mit Abfrageparametern) ist zu lang.",
    415: "Bitte JSON senden (Content-Type: application/json).",
}
_FIELD_MESSAGES = {
    "Missing data for required field.": "Pflichtfeld: bitte ausfüllen.",
    "Unknown field.": "Unbekanntes Feld.",
    "Field may not be null.": "Darf nicht leer sein.",
    "Not a valid string.": "Ungültiger Text.",
    "Not a valid integer.": "Ungültige ganze Zahl.",
    "Not a valid boolean.": "Ungültiger Ja/Nein-Wert.",
    "Not a valid date.": "Ungültiges Datum (Format JJJJ-MM-TT).",
    "Not a valid mapping type.": "Ungültiges Objekt.",
    "Not a valid list.": "Ungültige Liste.",
    "Not a valid email address.": "Ungültige E-Mail-Adresse.",
    "Invalid input type.": "Ungültiger Eingabetyp.",
    "Invalid value.": "Ungültiger Wert.",
}


# Problem types are identifiers compared as strings (RFC 9457 section 3.1.1), not addresses to fetch;
# the base never changes, so clients may branch on the full URI. Listed in docs/api.md and OpenAPI.
PROBLEM_TYPE_BASE = "https://kim.example/problems/"


def type_uri(kind: str) -> str:
    """The problem ``type`` URI of a kind from engine/problem_kinds.py."""
    if kind not in KINDS:
        raise ValueError(f"unknown problem kind {kind!r}")
    return PROBLEM_TYPE_BASE + kind


def problem(status: int, detail: str, title: str | None = None, kind: str | None = None, **extra) -> Response:
    """An application/problem+json response; without ``kind`` the status names it."""
    body = {
        "type": type_uri(kind or BY_STATUS.get(status, "http-error")),
        "title": title or _GERMAN_TITLES.get(status, "Fehler"),
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def too_many_requests(detail: str, retry_after: int) -> Response:
    """429 with the seconds until the next attempt may pass (rate limits, api/ratelimit.py)."""
    response = problem(429, detail, kind="rate-limited")
    response.headers["Retry-After"] = str(retry_after)
    return response


def _translate(messages):
    if isinstance(messages, dict):
        return {k: _translate(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [_FIELD_MESSAGES.get(m, m) if isinstance(m, str) else _translate(m) for m in messages]
    return _FIELD_MESSAGES.get(messages, messages) if isinstance(messages, str) else messages


def _flatten(messages, prefix="") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_body"] = messages
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            out.update(_flatten(value, f"{prefix}.{i}"))
    else:
        out[prefix or "_body"] = [str(messages)]
    return out


class ProblemApi(Api):
    """flask-smorest Api whose HTTP errors are problem+json documents."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        if error.code == 422 and "messages" in data:
            # webargs: {"json": {...}} or {"query": {...}}; drop the location level.
            merged: dict = {}
            for msgs in data["messages"].values():
                merged.update(msgs if isinstance(msgs, dict) else {"_body": msgs})
            return problem(
                422,
                "Die Angaben sind unvollständig oder ungültig.",
                kind="validation-failed",
                errors=_flatten(_translate(merged)),
            )
        code = error.code or 500
        response = _page_or_problem(code, None) or problem(
            code, _GERMAN_DETAILS.get(code, _GERMAN_TITLES.get(code, "Fehler") + ".")
        )
        valid = getattr(error, "valid_methods", None)
        if code == 405 and valid:
            response.headers["Allow"] = ", ".join(valid)  # RFC 9110: a 405 says what is allowed
        return response


# Longer request lines are refused by gunicorn itself (its limit is set higher, api/wsgi_server.py),
# so the app answers every overlong address it receives as problem+json (docs/production.md).
MAX_URI = 4094


def _refuse_long_uri():
    raw = request.environ.get("RAW_URI") or request.full_path
    if len(raw) > MAX_URI:
        return problem(414, _GERMAN_DETAILS[414])
    return None


def _page_or_problem(status: int, detail: str | None) -> Response | None:
    """A German HTML page when a page (not the API) failed; None: answer with problem+json."""
    return error_page(status, detail) if wants_page() else None


def register(app) -> None:
    """Problem responses for domain errors, database outages and anything unexpected."""
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_long_uri)  # before anything reads it

    @app.errorhandler(KimError)
    def _domain(exc: KimError):
        if isinstance(exc, ProcessModelError) and exc.aftermath is not None:
            keep_after_rollback(exc.aftermath)
        if (page := _page_or_problem(exc.status, exc.detail)) is not None:
            return page
        extra = dict(exc.extra)
        if isinstance(exc, InvalidInput) and exc.errors:
            extra["errors"] = exc.errors
        return problem(exc.status, exc.detail, exc.title, kind=exc.kind, **extra)

    @app.errorhandler(OperationalError)
    def _db_down(exc: OperationalError):
        log.warning("database unavailable: %s", exc.__class__.__name__)
        response = _page_or_problem(503, None) or problem(
            503,
            "Die Datenbank ist gerade nicht erreichbar. Bitte gleich noch einmal versuchen.",
            kind="database-unavailable",
        )
        response.headers["Retry-After"] = "2"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return app.extensions["kim"]["api"].handle_http_exception(exc)
        if isinstance(exc, RecursionError):  # a JSON body nested too deeply for any parser
            return problem(400, "Die Anfrage ist zu tief verschachtelt.", kind="bad-request")
        log.error("unexpected error", exc_info=exc)
        return _page_or_problem(500, None) or problem(
            500,
            "Ein unerwarteter Fehler ist aufgetreten. Es wurde nichts gespeichert.",
            kind="internal-error",
        )
