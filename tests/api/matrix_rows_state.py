"""Access-matrix rows of the state's view (merged into tests/api/test_access_matrix.py).

No county role sees it (the state-level role's own checks: tests/api/test_state.py)."""

from __future__ import annotations

API = "/api/v1"


def nobody(role, own):
    return 403


ROWS = {
    ("GET", "/api/v1/state/figures"): (lambda w, k: (f"{API}/state/figures", None), nobody, None, False),
    ("GET", "/api/v1/state/export"): (
        lambda w, k: (f"{API}/state/export?format=json", None),
        nobody,
        None,
        False,
    ),
}
