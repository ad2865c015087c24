"""German error pages for the web pages (404, 403, 405, 500, ...); the API under /api keeps its
problem+json answers (api/errors.py asks ``wants_page`` first), and so does /metrics."""

from __future__ import annotations

import logging

from flask import Response, has_request_context, make_response, render_template, request

from ..context import restart
from .strings_finish import ERRORS, OTHER, STATUS_LINE

log = logging.getLogger("kim.web")

NOT_PAGES = ("/api/", "/metrics")


def wants_page() -> bool:
    """Whether the failing request was for a page (a person in a browser), not for the API."""
    return has_request_context() and not request.path.startswith(NOT_PAGES)


def error_page(status: int, detail: str | None = None) -> Response | None:
    """The German page for ``status`` (with the engine's own ``detail`` if it has one); None when even
    the page fails (the caller answers with problem+json instead)."""
    heading, text = ERRORS.get(status, OTHER)
    try:
        restart()  # whatever failed is rolled back; the layout reads who is signed in afresh
        html = render_template(
            "error.html",
            title=heading,
            heading=heading,
            message=detail or text,
            status_line=STATUS_LINE.format(status=status),
        )
    except Exception:  # the page is a courtesy; the problem document still answers
        log.exception("error page for %s failed", status)
        return None
    return make_response(html, status)
