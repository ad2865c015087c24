"""The case search ``q``: what people type is matched literally, LIKE wildcards included."""

from __future__ import annotations

import pytest

from tests.api.helpers import open_case


@pytest.fixture
def names(client, login):
    """Three cases; only one family name holds a % and only one an _ (and one the escape character)."""
    headers = login("cm-borchen")
    for family in ("Wildtest", "Wild%test", "Wild_test", "Wild/test"):
        open_case(client, headers, family_name=family)
    return headers


def _found(client, headers, q):
    r = client.get("/api/v1/cases", query_string={"q": q, "per_page": 100}, headers=headers)
    assert r.status_code == 200, r.json
    return sorted(c["client"]["family_name"] for c in r.json["items"])


def test_percent_and_underscore_are_letters_not_wildcards(client, names):
    assert _found(client, names, "%") == []
    assert _found(client, names, "_") == []
    assert _found(client, names, "Wild%") == ["Wild%test"]
    assert _found(client, names, "Wild_") == ["Wild_test"]
    assert _found(client, names, "Wild/") == ["Wild/test"]
    assert _found(client, names, "wild") == ["Wild%test", "Wild/test", "Wild_test", "Wildtest"]


def test_a_name_with_a_percent_sign_is_found_by_it(client, names):
    headers = names
    open_case(client, headers, family_name="%Prozent")
    assert _found(client, headers, "%") == ["%Prozent"]
