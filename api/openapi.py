"""The error side of the OpenAPI document: which problems each operation can answer with.

flask-smorest documents errors as ``application/json`` and only where a view declares them; we answer
every error as ``application/problem+json`` (api/errors.py). This apispec plugin documents the errors
once for all operations, from what the route tells: public or authenticated, path ids, request body,
query arguments; writes on an existing resource may conflict (409). ``make_api`` also bounds the
``<int:...>`` path ids, so the document's ``maximum`` holds.
"""

from __future__ import annotations

from apispec import BasePlugin
from werkzeug.routing import BaseConverter, IntegerConverter

from engine.problem_kinds import KINDS

from .errors import ProblemApi, type_uri
from .schemas import MAX_ID, ProblemSchema

PROBLEM = "application/problem+json"

_RESPONSES = {  # status: (component name, description)
    400: ("PROBLEM_BAD_REQUEST", "Die Anfrage ist kein lesbares JSON (oder zu tief verschachtelt)."),
    401: ("PROBLEM_UNAUTHORIZED", "Kein, ein unbekanntes oder abgelaufenes Token; falsches Passwort."),
    403: ("PROBLEM_FORBIDDEN", "Die Rolle darf das nicht."),
    404: ("PROBLEM_NOT_FOUND", "Unbekannte Kennung oder außerhalb der eigenen Zuständigkeit."),
    409: ("PROBLEM_CONFLICT", "Der Zustand erlaubt das nicht (mehr), z. B. Aufgabe schon erledigt."),
    413: ("PROBLEM_TOO_LARGE", "Die Anfrage ist größer als 2 MiB."),
    422: ("PROBLEM_UNPROCESSABLE", "Ungültige Angaben (`errors` je Feld) oder Prozessfehler (`element_id`)."),
    429: ("PROBLEM_TOO_MANY", "Zu viele Anmeldeversuche; nach `Retry-After` Sekunden erneut versuchen."),
    503: (
        "PROBLEM_UNAVAILABLE",
        "Die Datenbank ist nicht erreichbar; nach `Retry-After` Sekunden erneut versuchen.",
    ),
}
_DEFAULT = ("PROBLEM_DEFAULT", "Jeder andere Fehler, ebenfalls als application/problem+json.")

# Process failures (422) beyond input validation, by endpoint.
_PROCESS_ERRORS = {"cases.withdraw_consent", "tasks.complete"}


class IdConverter(IntegerConverter):
    """``<int:...>`` path ids up to MAX_ID: larger numbers match no route (404) instead of
    overflowing the database driver (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class FormKeyConverter(BaseConverter):
    """A form key: any path segment but ``validate``, so that /forms/validate is only the check
    (and OPTIONS on it does not advertise the form's GET and PUT)."""

    regex = r"(?!validate(?:/|$))[^/]+"


def make_api(app, public) -> ProblemApi:
    """The app's flask-smorest Api, with problem+json errors documented and bounded path ids."""
    app.url_map.converters["int"] = IdConverter  # before any route is registered
    app.url_map.converters["form_key"] = FormKeyConverter
    api = ProblemApi(app, spec_kwargs={"extra_plugins": [ProblemResponses(public)]})
    api.register_converter(
        FormKeyConverter, lambda _converter: {"type": "string", "pattern": "^(?!validate$)[^/]+$"}
    )
    return api


def _document_types(spec) -> None:
    """Every problem ``type`` once: an enum on Problem.type and ``x-problem-types`` (status, when, todo)."""
    spec.components.schema("Problem", schema=ProblemSchema)
    prop = spec.components.schemas["Problem"]["properties"]["type"]
    prop["enum"] = [type_uri(k) for k in KINDS]
    prop["description"] = (
        "Die Art des Problems, für Programme (docs/api.md, Fehlerarten); "
        "`x-problem-types` sagt je Art, wann sie kommt und was zu tun ist."
    )
    spec.options["x-problem-types"] = [
        {"type": type_uri(k), "status": kind.status, "when": kind.when, "todo": kind.todo}
        for k, kind in KINDS.items()
    ]


class ProblemResponses(BasePlugin):
    """Document problem+json error responses on every operation; public endpoints need no token."""

    def __init__(self, public) -> None:
        self.public = set(public)  # blueprint or endpoint names that need no token

    def init_spec(self, spec) -> None:
        self.spec = spec
        _document_types(spec)
        for status, (name, description) in [*_RESPONSES.items(), (None, _DEFAULT)]:
            types = [
                type_uri(k)
                for k, kind in KINDS.items()
                if kind.status == status or (status is None and kind.status not in _RESPONSES)
            ]
            text = description + " `type`: " + ", ".join(f"`{t}`" for t in types) + "."
            response = {"description": text, "content": {PROBLEM: {"schema": ProblemSchema}}}
            if name in ("PROBLEM_UNAVAILABLE", "PROBLEM_TOO_MANY"):
                response["headers"] = {
                    "Retry-After": {
                        "description": "Sekunden bis zum nächsten Versuch",
                        "schema": {"type": "integer"},
                    }
                }
            spec.components.response(name, response, lazy=True)

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        rule = kwargs.get("rule")
        endpoint = rule.endpoint if rule is not None else ""
        public = endpoint in self.public or endpoint.split(".")[0] in self.public
        for method, operation in (operations or {}).items():
            if method.startswith("x-") or not isinstance(operation, dict):
                continue
            codes = {503}
            if public:
                operation["security"] = []
            else:
                codes |= {401, 403}
            if rule is not None and rule.arguments:
                codes.add(404)
                if method != "get":
                    codes.add(409)  # a write on an existing resource: its state may not allow it
            if "requestBody" in operation:
                codes |= {400, 413, 422}  # a body that is not JSON at all counts as empty: 422
            responses = operation.setdefault("responses", {})
            if any(str(code) == "422" for code in responses):
                codes.add(422)  # arguments (body or query) that may fail validation
            if endpoint in _PROCESS_ERRORS:
                codes.add(422)
            if endpoint == "auth.token":
                codes |= {401, 429}  # wrong password; rate limits (api/ratelimit.py)
            for key in [k for k in responses if str(k) == "default" or str(k).startswith(("4", "5"))]:
                del responses[key]
            for code in sorted(codes):
                responses[str(code)] = _RESPONSES[code][0]
            responses["default"] = _DEFAULT[0]
