"""The base of the API's marshmallow schemas: the same output, dumped with less work per field.

marshmallow reads every field of every object through three layers (``Field.serialize`` ->
``Field.get_value`` -> ``Schema.get_attribute`` -> ``utils.get_value``). For a list of 100 tasks that
was half of the dump and a fifth of the inbox request. Here a schema instance works out once, for
each field whose reading is marshmallow's default, which key or attribute it reads, and then reads it
directly and formats it with the field's own ``_serialize``; a field that reads no attribute (a method
field) is formatted straight away, as marshmallow does it. Anything else (fields that read
differently, dotted attributes, defaults for missing values, a schema with its own ``get_attribute``)
goes through marshmallow unchanged.

That plan is then written out once per schema instance as one Python function per way of reading
(keys of a mapping, attributes of an object): straight-line code, one block per field, with the
field's names, type and formatting bound as the function's own constants. A method field calls its
schema method, and a nested schema of ours (alone or in a list) its own dump, without marshmallow's
layers in between. Walking the plan's tuple for every field of every object had been a sixth of an
inbox of 100 tasks. ``tests/api/test_schema_base.py`` compares the output with marshmallow's own for
every API schema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import marshmallow
from marshmallow import fields
from marshmallow.decorators import POST_DUMP, PRE_DUMP
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
        dumps = self.__dict__.get(_PLAN)
        if dumps is None:
            dumps = self.__dict__[_PLAN] = _compiled(self, _plan(self))
        return dumps[hasattr(obj, "__getitem__")](obj)


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


def _keyed(obj: Any, key: str) -> Any:
    """marshmallow.utils._get_value_for_key, for one key of an object with ``__getitem__``."""
    try:
        return obj[key]
    except (KeyError, IndexError, TypeError, AttributeError):
        return getattr(obj, key, missing)


def _nested(field: fields.Field) -> tuple[Callable, bool] | None:
    """For a Nested field, or a List of one, whose schema is one of ours and dumps one object without
    hooks: (that schema's ``_serialize``, whether in a list). ``Nested._serialize`` would call its
    ``dump``, which does nothing else then."""
    listed = type(field) is fields.List
    inner = field.inner if listed else field  # type: ignore[attr-defined]  # a List has its inner field
    if type(inner) is not fields.Nested:
        return None
    try:
        schema = inner.schema
    except (ValueError, marshmallow.exceptions.RegistryError):  # marshmallow's own error, at dump time
        return None
    hooks = schema._hooks
    if not isinstance(schema, Schema) or hooks[PRE_DUMP] or hooks[POST_DUMP] or schema.many or inner.many:
        return None
    return schema._serialize, listed


def _compiled(schema: marshmallow.Schema, plan: tuple) -> tuple[Callable, Callable]:
    """The plan as two functions of one object: (reading attributes, reading keys)."""
    return _function(schema, plan, keyed=False), _function(schema, plan, keyed=True)


def _function(schema: marshmallow.Schema, plan: tuple, *, keyed: bool) -> Callable:
    """One block per field, in the plan's order; what the blocks do is the plan's loop, unrolled:

    - a field that reads nothing: its formatting's result (a method field's: its method's), unless
      ``missing``;
    - a field marshmallow reads itself: ``Field.serialize``'s result, unless ``missing``;
    - a field read directly: None and values of the field's plain type as they are, a datetime of an
      ISO field by ``isoformat``, a missing value marshmallow's way, a nested schema of ours by its
      own dump, the others by the field's formatting."""
    constants: dict[str, Any] = {
        "missing": missing,
        "datetime": datetime,
        "new": schema.dict_class,
        "accessor": schema.get_attribute,
        "_keyed": _keyed,
    }
    lines = ["def dump(obj):", "    out = new()"]
    for i, (key, name, source, field, formatted, plain) in enumerate(plan):
        constants.update({f"k{i}": key, f"n{i}": name, f"s{i}": source, f"f{i}": field})
        constants.update({f"x{i}": formatted, f"p{i}": plain})
        own = f"f{i}.serialize(n{i}, obj, accessor=accessor)"
        if source is _NO_ATTRIBUTE:
            if type(field) is fields.Method:  # Method._serialize: its schema method's result, or nothing
                if field._serialize_method is not None:
                    constants[f"x{i}"] = field._serialize_method
                    lines += [f"    v = x{i}(obj)", "    if v is not missing:", f"        out[k{i}] = v"]
                continue
            lines += [f"    v = x{i}(None, n{i}, obj)", "    if v is not missing:", f"        out[k{i}] = v"]
            continue
        if source is None:
            lines += [f"    v = {own}", "    if v is not missing:", f"        out[k{i}] = v"]
            continue
        lines.append(f"    v = _keyed(obj, s{i})" if keyed else f"    v = getattr(obj, s{i}, missing)")
        if plain is _ISO:
            lines += ["    if v is None:", f"        out[k{i}] = None", "    elif type(v) is datetime:"]
            lines.append(f"        out[k{i}] = v.isoformat()")
        elif plain is not _NONE:
            lines += [f"    if v is None or type(v) is p{i}:", f"        out[k{i}] = v"]
        lines.append("    elif v is missing:" if plain is not _NONE else "    if v is missing:")
        lines += [f"        v = {own}", "        if v is not missing:", f"            out[k{i}] = v"]
        nested = _nested(field)
        if nested is None:
            lines += ["    else:", f"        v = x{i}(v, n{i}, obj)", "        if v is not missing:"]
            lines.append(f"            out[k{i}] = v")
            continue
        constants[f"d{i}"], listed = nested  # Nested._serialize, and List._serialize around it
        each = f"[None if e is None else d{i}(e) for e in v]" if listed else f"d{i}(v)"
        lines += ["    elif v is None:", f"        out[k{i}] = None"]
        lines += ["    else:", f"        out[k{i}] = {each}"]
    lines.append("    return out")
    code = compile("\n".join(lines), f"<dump of {type(schema).__qualname__}>", "exec")
    exec(code, constants)  # the text written above from the schema's own fields
    return constants["dump"]
