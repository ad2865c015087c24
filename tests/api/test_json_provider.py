"""The app's JSON answers (api/json_provider.py): orjson writes what Flask's own provider wrote, read
back as the same values; what orjson cannot write still goes Flask's way."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

from api.json_provider import JSONProvider


@dataclass
class Point:
    label: str
    at: datetime


VALUES = {
    "umlaut": "Überprüfung der Fähigkeiten – Straße ✓ 漢字 \U0001f600",
    "controls": "a\u0000b\u001fc\u007fd\u2028e",
    "numbers": [0, -1, 2**63 - 1, -(2**63), 0.1, 1e-7, 1e16, 123456.789, -0.0],
    "nested": {"z": 1, "a": [True, False, None, {"ä": "ö"}]},
    "datetime": datetime(2026, 12, 3, 16, 0, tzinfo=UTC),
    "date": date(2026, 12, 3),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "decimal": Decimal("12.50"),
    "dataclass": Point("x", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
    "markup": Markup("<b>fett</b>"),
    "tuple": (1, "zwei"),
}


def _answer(app, value):
    with app.test_request_context():
        return app.json.response(value)


def _flask(app, value):
    with app.test_request_context():
        return DefaultJSONProvider.response(app.json, value)


def test_the_app_answers_with_this_provider(app):
    assert isinstance(app.json, JSONProvider)
    assert app.json.sort_keys is False


def test_the_same_values_as_flasks_own_answer(app):
    ours, flasks = _answer(app, VALUES), _flask(app, VALUES)
    assert ours.mimetype == flasks.mimetype == "application/json"
    assert json.loads(ours.get_data()) == json.loads(flasks.get_data())
    text = ours.get_data(as_text=True)
    assert text.endswith("\n") and '"Überprüfung' in text  # UTF-8, not \\u escapes
    assert list(json.loads(text)) == list(VALUES)  # the order kept, keys not sorted
    assert json.loads(text)["datetime"] == "Thu, 03 Dec 2026 16:00:00 GMT"  # Flask's date format


def test_what_orjson_cannot_write_goes_flasks_way(app):
    big = {"big": 2**70, 1: "int key"}
    assert _answer(app, big).get_data() == _flask(app, big).get_data()


def test_nan_becomes_null_not_invalid_json(app):
    body = _answer(app, {"x": math.nan, "y": math.inf}).get_data()
    assert json.loads(body) == {"x": None, "y": None}


def test_an_unknown_type_is_still_refused(app):
    with pytest.raises(TypeError, match="not JSON serializable"):
        _answer(app, {"x": object()})
