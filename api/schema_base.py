"""The base of the API's marshmallow schemas: the same output, dumped with less work per field.

marshmallow reads every field of every object through three layers (``Field.serialize`` ->
``Field.get_value`` -> ``Schema.get_attribute`` -> ``utils.get_value``). For a list of 100 tasks that
was half of the dump and a fifth of the inbox request. Here a schema instance works out once, for
each field whose reading is marshmallow's default, which key or attribute it reads, and then reads it
directly and formats it with the field's own ``_serialize``; a field that reads no attribute (a method
field) is formatted straight away, as marshmallow does it. Anything else (fields that read
differently, dotted attributes, defaults for missing values, a schema with its own ``get_attribute``)
goes through marshmallow unchanged. ``tests/api/test_schema_base.py`` compares the
output with marshmallow's own for every API schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import marshmallow
from marshmallow import fields
from marshmallow.utils import missing

_PLAN = "_kim_dump_plan"
_NO_ATTRIBUTE = object()  # a plan's source for fields that read nothing (Field.serialize passes None)


class Schema(marshmallow.Schema):
    """marshmallow's Schema with a faster dump of the same result."""

    def _serialize(self, obj: Any, *, many: bool = False):
        if many and obj is not None:
            return [self._serialize(item) for item in obj]
        if type(self).get_attribute is not marshmallow.Schema.get_attribute:
            return super()._serialize(obj, many=False)
        plan = self.__dict__.get(_PLAN)
        if plan is None:
            plan = self.__dict__[_PLAN] = _plan(self)
        out = self.dict_class()
        keyed = hasattr(obj, "__getitem__")
        for key, name, source, field, formatted, plain in plan:
            if source is _NO_ATTRIBUTE:
                value = formatted(None, name, obj)
                if value is not missing:
                    out[key] = value
                continue
            value = missing if source is None else _value(obj, source, keyed)
            if plain is not _NONE and (value is None or type(value) is plain):  # the field's own result
                out[key] = value
                continue
            if type(value) is datetime and plain is _ISO:
                out[key] = value.isoformat()
                continue
            if value is missing:  # marshmallow's own way: its reading, or the field's default
                value = field.serialize(name, obj, accessor=self.get_attribute)
            else:
                value = formatted(value, name, obj)
            if value is not missing:
                out[key] = value
        return out


def _plan(schema: marshmallow.Schema) -> tuple:
    """Per field: output key, field name, what to read directly (None: let marshmallow read it), the
    field and its formatting."""
    plan = []
    for name, field in schema.dump_fields.items():
        source = name if field.attribute is None else field.attribute
        direct = (
            field._CHECK_ATTRIBUTE
            and type(field).serialize is fields.Field.serialize
            and type(field).get_value is fields.Field.get_value
            and "." not in source
        )
        computed = not field._CHECK_ATTRIBUTE and type(field).serialize is fields.Field.serialize
        key = field.data_key if field.data_key is not None else name
        reads = _NO_ATTRIBUTE if computed else source if direct else None
        plan.append((key, name, reads, field, field._serialize, _plain(field) if direct else _NONE))
    return tuple(plan)


class _NONE:
    """No value's type: the field formats every value itself (None included)."""


class _ISO:
    """A datetime, written as ``datetime.isoformat`` (the DateTime field's ISO format)."""


def _plain(field: fields.Field) -> type:
    """The type of the values the field writes as they are (and None as None), or ``_ISO`` for a
    DateTime field in ISO format; ``_NONE`` for the others. Only marshmallow's own classes, with their
    own formatting, qualify: String gives a str back as it is, Integer an int (not as a string)."""
    kind = type(field)
    if kind is fields.String:
        return str
    if isinstance(field, fields.Integer) and kind is fields.Integer and not field.as_string:
        return int
    if isinstance(field, fields.DateTime) and kind is fields.DateTime and field.format == "iso":
        return _ISO
    return _NONE


def _value(obj: Any, key: str, keyed: bool) -> Any:
    """marshmallow.utils._get_value_for_key, for one key."""
    if not keyed:
        return getattr(obj, key, missing)
    try:
        return obj[key]
    except (KeyError, IndexError, TypeError, AttributeError):
        return getattr(obj, key, missing)
