"""A state's text is the same whichever way it is written or read (engine/workflow/state_json.py): orjson
where it gives what ``json`` gives, ``json`` everywhere else."""

import json
import math
from datetime import UTC, datetime, timedelta
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import workflow as wf
from engine.workflow import serializer, state_json
from tests.engine.workflow.round_trip import spiff_dumps

ENCODER = serializer._SERIALIZER._encoder_cls
REGISTRY = serializer._SERIALIZER.registry

# Everything a state's data can hold, and more: floats of every size and NaN, integers beyond 64 bits,
# every character (lone surrogates too), the registry's types, tuples, keys that are no strings.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**66), max_value=2**66)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(min_value=-1e-3, max_value=1e-3)
    | st.text(st.characters(codec=None, categories=None))
    | st.text(alphabet='äöüß€😀\x7f\u2028"\\\n\t')
    | st.uuids()
    | st.builds(serializer.task_id, st.uuids().map(str))
    | st.datetimes(timezones=st.just(UTC))
    | st.timedeltas()
)
KEYS = st.text(max_size=8) | st.integers(min_value=-5, max_value=5)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=20,
)


def _json(dct) -> str:
    return json.dumps(dct, cls=ENCODER, separators=(",", ":"))


def _outcome(write, value):
    try:
        return write(value)
    except (TypeError, ValueError) as exc:  # what json refuses, both must refuse alike
        return type(exc)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.text(max_size=8), VALUES, max_size=5))
def test_written_text_is_what_json_writes(dct):
    REGISTRY._encoder_mode = True
    try:
        assert _outcome(lambda d: state_json.dumps(d, ENCODER), dct) == _outcome(_json, dct)
    finally:
        REGISTRY._encoder_mode = False


def _same(a, b) -> bool:
    """Equal values of equal types all the way down (NaN equal to NaN)."""
    return repr(a) == repr(b)


@settings(max_examples=600, deadline=None)
@given(VALUES.filter(lambda v: _outcome(json.dumps, v) is not TypeError))
def test_read_values_are_what_json_reads(value):
    text = json.dumps(value, default=str)
    assert _same(state_json.loads(text), json.loads(text))


def test_the_cases_that_need_json_take_it():
    """Each of the values orjson alone would write or read otherwise."""
    odd = (math.nan, math.inf, 1e-7, 1e16, 2**64, -(2**63) - 1, UUID(int=7), timedelta(1), "Müß😀", "a\x7fb")
    for value in odd:
        REGISTRY._encoder_mode = True
        try:
            assert state_json.dumps({"v": value}, ENCODER) == _json({"v": value})
        finally:
            REGISTRY._encoder_mode = False
    texts = ('{"v":18446744073709551616}', '{"v":-9223372036854775809}', '{"v":NaN}', '{"v":"\\ud800"}')
    for text in (*texts, '{"v":"a\ud800b"}'):  # the last one with the lone surrogate itself, not escaped
        assert _same(state_json.loads(text), json.loads(text))
    assert isinstance(state_json.loads('{"v":123456789012345678901234567890}')["v"], int)


def test_plain_data_takes_orjson_and_the_rest_does_not():
    assert state_json.plain({"a": [1, 2.5, None, True, "x", (0.0, -(2**63), 2**64 - 1)]})
    for odd in (math.nan, -math.inf, 9.9e-5, 1e16, 2**64, UUID(int=1), datetime(2026, 1, 1), {1, 2}, b"x"):
        assert not state_json.plain({"a": [odd]})
    ring: dict = {}
    ring["self"] = ring  # a structure that contains itself ends the walk and takes json
    assert not state_json.plain(ring)


PROC = wf.parse_diagram(
    b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="a"/>
    <userTask id="a" name="A" camunda:formKey="fa"/><sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
    <userTask id="b" name="B" camunda:formKey="fb"/><sequenceFlow id="f3" sourceRef="b" targetRef="e"/>
    <endEvent id="e"/>
  </process>
</definitions>""",
    "p",
)


def _after(data: dict) -> str:
    first = wf.start(PROC)
    return wf.complete(PROC, first.state, first.ready[0].task_id, data).state


def test_a_state_with_odd_data_is_written_as_spiffworkflows_converters_write_it():
    """Data in a task's delta that only json writes right: the whole state takes json, and is the text
    SpiffWorkflow's own converters write; the same state with plain data is too."""
    odd = {"nan": math.nan, "tiny": 1e-7, "big": 2**70, "name": "Müller 😀", "when": datetime(2026, 1, 1)}
    for data in (odd, {"name": "Müller", "n": 3, "x": 0.5}):
        state = _after(data)
        restored = serializer.loads(state, PROC.spec, PROC.subprocess_specs)
        assert spiff_dumps(restored) == state == serializer.dumps(restored)
        (ready,) = [t for t in restored.get_tasks() if t.task_spec.bpmn_id == "b" and t.state == 16]
        assert _same(ready.data, data)


def test_a_typical_state_takes_the_fast_way():
    """The check lets an ordinary state through (else the speed-up would be silently gone)."""
    state = _after({"name": "Müller", "n": 3})
    dct = json.loads(state)
    assert state_json.plain(serializer._unchecked(dct))
    assert "\\u00fc" in state  # written as json writes it, with its escape
