"""The API schemas' faster dump (api/schema_base.py) gives exactly marshmallow's own output.

Every schema class of the API is dumped with both: the base's ``_serialize`` and marshmallow's
``Schema._serialize`` on the same instance. The objects are dicts and plain objects with every field
set, with every field None, and with fields missing (marshmallow then uses a field's default or
leaves the key out), plus values of the wrong type. Where marshmallow raises, the base must raise the
same error.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, date, datetime
from types import SimpleNamespace

import marshmallow
import pytest
from marshmallow import fields

import api
from api.schema_base import Schema

for _module in pkgutil.iter_modules(api.__path__):
    if _module.name.startswith("schemas"):
        importlib.import_module(f"api.{_module.name}")


def _all(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all(sub)]
    return found


SCHEMAS = sorted(set(_all(Schema)), key=lambda c: (c.__module__, c.__qualname__))

SAMPLES = {
    fields.String: "Text",
    fields.Integer: 7,
    fields.Float: 1.5,
    fields.Boolean: True,
    fields.DateTime: datetime(2026, 12, 3, 9, 30, tzinfo=UTC),
    fields.Date: date(2026, 12, 3),
    fields.Dict: {"a": 1},
    fields.List: [],
}


def _sample(field: fields.Field):
    for kind, value in SAMPLES.items():
        if isinstance(field, kind):
            return value
    return None


class _Text(str):
    pass


class _Moment(datetime):
    def isoformat(self, *args, **kwargs):
        return "ein anderer Moment"


# Values of a subclass of the sample's type: the faster dump takes only the exact type as it is.
KIN = {
    fields.String: _Text("Text"),
    fields.Integer: True,
    fields.DateTime: _Moment(2026, 12, 3, 9, 30, tzinfo=UTC),
}


def _deep(field: fields.Field, value):
    """Nested objects and lists of them with something in them (an empty one, None, an object)."""
    if isinstance(field, fields.Nested):
        return {}
    if isinstance(field, fields.List):
        return [None, {}, SimpleNamespace()] if isinstance(field.inner, fields.Nested) else [value]
    return value


def _objects(schema: marshmallow.Schema) -> list:
    full, nothing, wrong, kin, deep = {}, {}, {}, {}, {}
    for name, field in schema.dump_fields.items():
        key = field.attribute or name
        full[key] = _sample(field)
        nothing[key] = None
        wrong[key] = "kein Datum" if isinstance(field, fields.DateTime) else 3
        kin[key] = next((v for k, v in KIN.items() if isinstance(field, k)), None)
        deep[key] = _deep(field, full[key])
    half = dict(list(full.items())[::2])
    return [full, nothing, half, {}, wrong, kin, deep, SimpleNamespace(**full), SimpleNamespace(**half)]


def _typed(value):
    """The value with the type of every part: True and 1, or a str and its subclass, differ."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return type(value), value


def _outcome(dump, obj):
    try:
        return "ok", _typed(dump(obj))
    except Exception as exc:  # noqa: BLE001 - compared, not handled
        return "raised", type(exc)


def test_every_api_schema_is_covered():
    names = {c.__name__ for c in SCHEMAS}
    assert len(SCHEMAS) > 50 and {"TaskSchema", "TaskList", "CaseDetailSchema", "HistoryPage"} <= names


@pytest.mark.parametrize("schema_class", SCHEMAS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_the_dump_is_marshmallows_own(schema_class):
    schema = schema_class()
    for obj in _objects(schema):
        ours = _outcome(schema._serialize, obj)
        theirs = _outcome(lambda o: marshmallow.Schema._serialize(schema, o), obj)
        assert ours == theirs, obj


def test_a_list_of_tasks_dumps_the_same_as_marshmallow():
    from api.schemas import TaskListSchema
    from engine.tasks.read import TaskView

    now = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    items = [
        TaskView(
            f"t{i}",
            "Evaluation",
            "evaluation",
            "evaluation" if i % 2 else None,
            i if i % 3 else None,
            i,
            "Case Management",
            "case_manager",
            "ready",
            now,
            now if i % 2 else None,
            None,
            None,
        )
        for i in range(12)
    ]
    page = {"items": items, "total": 12, "page": 1, "per_page": 100}
    schema = TaskListSchema()
    expected = marshmallow.Schema._serialize(schema, page)
    expected["items"] = [
        marshmallow.Schema._serialize(TaskListSchema().fields["items"].inner.schema, t) for t in items
    ]
    assert schema.dump(page) == expected
    assert expected["items"][1]["run_id"] is None and expected["items"][3]["run_id"] == 3
