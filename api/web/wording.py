"""The county's own words on its pages: "Lenkungsgremium" where its seed says so, "Cluster" for regions.

The layout (api/web/layout.py) reads the signed-in user's tenant terms once per page
(engine/org/terms.py) and keeps them on ``g``; after the page is rendered, its HTML is reworded
(``engine.org.terms.reword``: the engine's labels and texts say "Lenkungsgruppe" and "Region",
articles follow the county's word). Counties that use the engine's own words are left untouched, and
so is everything that is not an HTML page (the API's JSON keeps the codes and labels of the engine).
"""

from __future__ import annotations

from flask import g

from engine.org.terms import Terms, reword

FEATURE_ENDPOINTS = {"casepages.followups": "uma_team"}  # navigation entries only some counties have


def nav_items(items: list[tuple[str, str]], terms: Terms) -> list[tuple[str, str]]:
    """The navigation without the entries of features the county does not have."""
    return [(ep, key) for ep, key in items if getattr(terms, FEATURE_ENDPOINTS.get(ep, ""), True)]


def _reword_page(response):
    terms: Terms | None = g.get("kim_terms")
    if terms is None or terms.plain or response.mimetype != "text/html" or response.is_streamed:
        return response
    response.set_data(reword(response.get_data(as_text=True), terms))
    return response


def init_app(app) -> None:
    """Reword every HTML page rendered for a county with words of its own."""
    app.after_request(_reword_page)
