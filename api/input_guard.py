"""Every text of a request is valid before any library sees it: no NUL, no lone UTF-16 surrogate.

PostgreSQL cannot store NUL in text or JSON, and no person types one; a lone surrogate (JSON
allows "\\ud800") cannot be encoded as UTF-8, so the SQLite driver, argon2 and the encryption
fail on it. Checked up front, before authentication, in the path, the query, the headers, JSON
bodies (at any depth), urlencoded and multipart fields and file names: a German 422 on every
endpoint (problem+json for the API, the error page for web forms) instead of a failure deep inside.
"""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import unquote_to_bytes

from flask import render_template, request
from werkzeug.formparser import FormDataParser

from engine.casefile.documents import MAX_BYTES, MAX_FIELDS_BYTES
from engine.errors import InvalidInput

# Document uploads (API and the Akte page) may be as large as a document; every other request keeps the
# app's MAX_CONTENT_LENGTH (2 MiB). Set before anything reads the body, by the first hook below.
UPLOAD_ENDPOINTS = {"casefile.upload_document", "casefile_pages.upload", "sheets.attach_scan"}
UPLOAD_LIMIT = MAX_BYTES + MAX_FIELDS_BYTES
_MESSAGE = "Die Anfrage enthält ein unzulässiges Zeichen (Steuerzeichen NUL oder ungültiges Unicode)."
_BAD = re.compile("[\x00\ud800-\udfff]")


def bad_text(value: str | None) -> bool:
    """Whether ``value`` holds a NUL or a lone surrogate."""
    # None: werkzeug names a multipart part whose name it could not read None
    return value is not None and _BAD.search(value) is not None


def bad_anywhere(value) -> str | None:
    """The path (``a.0.b``) of the first bad string or key in a JSON value, at any depth; else None.

    Iterative, so no nesting is too deep to look at (the body limit of 2 MB bounds the work).
    """
    stack: list[tuple[object, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if bad_text(item):
                return path or "_body"
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and bad_text(key):
                    return path or "_body"
                stack.append((child, f"{path}.{key}" if path else str(key)))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item))
    return None


def _utf8(raw: bytes) -> bool:
    """Whether percent-encoded ``raw`` (a query or urlencoded body) is UTF-8 once unquoted.

    Werkzeug keeps escapes that are not UTF-8 (a surrogate's would-be bytes) as literal text;
    such input was never valid text, so it is refused like a NUL.
    """
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _multipart_ok() -> bool:
    """Whether every multipart header and text field is UTF-8.

    Werkzeug silently drops the whole form when a part's header (a field or file name) is not
    UTF-8, and puts U+FFFD into a text field that is not; both were never valid text.
    """
    data = request.get_data(cache=True)  # the form is parsed from this copy afterwards
    parser = FormDataParser(silent=False, max_form_parts=request.max_form_parts)
    try:
        _stream, fields, _files = parser.parse(
            BytesIO(data), request.mimetype, len(data), request.mimetype_params
        )
    except ValueError:  # UnicodeDecodeError included
        return False
    return not any("\ufffd" in value for value in fields.values())


def _fields(multidict, files=None) -> str | None:
    for key, value in multidict.items(multi=True):
        if bad_text(key) or bad_text(value):
            return "_form" if bad_text(key) else key
    for key, upload in files.items(multi=True) if files is not None else ():
        if bad_text(key) or bad_text(upload.filename or ""):
            return "_form" if bad_text(key) else key
    return None


def _find() -> str | None:  # noqa: PLR0911 - one early answer per part of the request, in reading order
    """Where the request holds a bad text (a field name for the 422), or None."""
    # The path arrives decoded by the server; Werkzeug marks bytes that are not UTF-8 with U+FFFD.
    if bad_text(request.path) or "\ufffd" in request.path:
        return "_path"
    if not _utf8(request.query_string):
        return "_query"
    for key, value in request.args.items(multi=True):
        if bad_text(key) or bad_text(value):
            return "_query" if bad_text(key) else key
    for key, value in request.headers.items():  # Authorization and Cookie included
        if bad_text(key) or bad_text(value):
            return "_headers"
    if request.mimetype == "application/x-www-form-urlencoded":
        if not _utf8(request.get_data(cache=True)):
            return "_form"
        return _fields(request.form)
    if request.mimetype == "multipart/form-data":
        if not _multipart_ok():
            return "_form"
        return _fields(request.form, request.files)
    if request.is_json:
        return bad_anywhere(request.get_json(silent=True))
    return None


def refuse_invalid_text():
    """before_request hook: 422 for a NUL or lone surrogate anywhere in the request.

    First it allows document uploads their size (the only requests above MAX_CONTENT_LENGTH).
    """
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = UPLOAD_LIMIT
    where = _find()
    if where is None:
        return None
    if request.path.startswith("/api/"):
        raise InvalidInput(_MESSAGE, errors={where: ["Unzulässiges Zeichen (NUL oder ungültiges Unicode)."]})
    return render_template("error.html", message=_MESSAGE), 422


refuse_nul = refuse_invalid_text  # the name api/app.py registers
