"""The message of the last action on whatever page the user lands on.

base.html shows the flashed messages at the top of every page; a page that includes _flashes.html
itself as well shows them once (the first place that asks takes them), and the task form, which
shows them in its own place (``notices``), is left out by base.html.
"""

from __future__ import annotations

from flask import g, get_flashed_messages


def flashes_once() -> list[tuple[str, str]]:
    """The request's flashed (category, message) pairs, the first time a template asks; then none."""
    if g.get("kim_flashes_shown"):
        return []
    g.kim_flashes_shown = True
    pairs: list = get_flashed_messages(with_categories=True)
    return [(str(c), str(m)) for c, m in pairs]


def init_app(app) -> None:
    """Make ``flashes_once`` available to every template (_flashes.html)."""
    app.add_template_global(flashes_once, "flashes_once")
