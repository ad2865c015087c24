"""The budget of every evaluation (engine/workflow/budget.py): each hostile payload is stopped by the limit
that names it, quickly, and harmless expressions and scripts keep their meaning."""

from __future__ import annotations

import time

import pytest

from engine.workflow.budget import MAX_SECONDS, LimitExceeded, engine_call
from engine.workflow.expressions import RestrictedEnvironment

ENV = RestrictedEnvironment()
DATA = {"n": 10**9, "s": "a", "t": "\t", "x": 3, "big": 10**8}

HOSTILE_EXPRESSIONS = [
    ("sum(sum(1 for j in range(10000)) for i in range(10000))", {"steps", "time"}),
    ("[[j for j in range(10000)] for i in range(10000)]", {"steps", "time", "cells"}),
    ("str(1).ljust(10**9)", {"size"}),
    ("str(1).center(n)", {"size"}),
    ("s.zfill(n)", {"size"}),
    ("s.rjust(n)", {"size"}),
    ("list([1]) * 10**9", {"size"}),
    ("s * n", {"size"}),
    ("s * (x * big)", {"size"}),
    ("((9**64)**64)**64", {"int"}),
    ("(x ** 64) ** 64", {"int"}),
    ("big * big * big * big * big * big * big * big * big * big * big * big * big * big * big * big", set()),
    ("(s * 100000).replace('a', 'aa')", {"size"}),
    ("(s * 100000) + s", {"size"}),
    ("(s * 50000).join([str(i) for i in range(10000)])", {"size", "cells", "time"}),
    ("(t * 10).expandtabs(n)", {"size"}),
    ("f'{x:>1000000000}'", {"format"}),
    ("f'{x:.{n}f}'", {"format"}),
    ("'%0999999999d' % x", {"format"}),
    ("'%*d' % (n, x)", {"format"}),
    ("round(5, -n)", {"format"}),
    ("sum(list([[1]]) * 10000, [])", {"size"}),
    ("len(str(list([s * 100000]) * 100000))", {"cells"}),
]


@pytest.mark.parametrize(
    ("source", "limits"), HOSTILE_EXPRESSIONS, ids=[h[0][:40] for h in HOSTILE_EXPRESSIONS]
)
def test_a_hostile_expression_is_stopped_by_its_limit(source, limits):
    started = time.perf_counter()
    if not limits:
        ENV.evaluate(source, dict(DATA))  # harmless after all (bounded by its operands)
        return
    with pytest.raises(LimitExceeded) as caught:
        ENV.evaluate(source, dict(DATA))
    took = time.perf_counter() - started
    assert caught.value.limit in limits, caught.value.limit
    assert took < MAX_SECONDS * 20, took  # stopped near its budget (a busy machine), not after the work
    assert caught.value.detail_de.startswith(("Die Auswertung braucht", "sum()"))


def test_scripts_that_double_or_nest_what_they_store_are_stopped():
    with pytest.raises(LimitExceeded) as caught:
        ENV.execute("a = s\n" + "a = a + a\n" * 40, dict(DATA), {})
    assert caught.value.limit == "size"
    with pytest.raises(LimitExceeded) as caught:
        ENV.execute("a = [s]\n" + "a += a\n" * 40, dict(DATA), {})
    assert caught.value.limit == "size"
    with pytest.raises(LimitExceeded) as caught:
        ENV.execute("l = [1]\n" + "l = [l]\n" * 100, dict(DATA), {})
    assert caught.value.limit == "depth"
    with pytest.raises(LimitExceeded) as caught:
        ENV.execute("l = [1]\nl.append(l)", dict(DATA), {})  # a cycle nests without end
    assert caught.value.limit == "depth"
    with pytest.raises(LimitExceeded) as caught:
        ENV.execute("l = list(range(10000))\nl.extend(l)\nl.extend(l)\nl.extend(l)\nl.extend(l)", {}, {})
    assert caught.value.limit == "size"


def test_all_evaluations_of_one_step_share_its_time():
    burn = "sum(1 for i in range(10000)) >= 0"
    with engine_call():
        ENV.evaluate(burn, {})  # well inside
        with pytest.raises(LimitExceeded) as caught:
            for _ in range(200):
                ENV.evaluate(burn, {})
    assert caught.value.limit in ("step-time", "steps")
    assert ENV.evaluate(burn, {}) is True  # the next step has its own budget


def test_harmless_expressions_and_scripts_keep_their_meaning():
    assert ENV.evaluate("x + 2 * 3 ** 2 - 7 % 4", dict(DATA)) == 3 + 18 - 3
    assert (
        ENV.evaluate("'Rückmeldung ' + s.upper() * 2 + f'{x:>3}|{x!r}'", dict(DATA)) == "Rückmeldung AA  3|3"
    )
    assert ENV.evaluate("[i * i for i in range(5) if i % 2]", {}) == [1, 9]
    assert ENV.evaluate("{k: v for k, v in zip('ab', [1, 2])}", {}) == {"a": 1, "b": 2}
    assert ENV.evaluate("'%s-%03d' % (s, x)", dict(DATA)) == "a-003"
    assert ENV.evaluate("sorted({3, 1, 2})[0] + len(dict(a=1))", {}) == 2
    context = {"items": [1], "count": 1, "table": {"a": 1}}
    ENV.execute("items += [2]\ncount *= 5\ntable['a'] += 1\ntotal = sum(items) ** 2", context, {})
    assert context == {"items": [1, 2], "count": 5, "table": {"a": 2}, "total": 9}


def test_a_garbage_collection_during_an_evaluation_is_not_charged_to_it():
    """A full collection walks the whole heap, however small the diagram's work: in a large process it
    takes longer than an evaluation may, and it is not the diagram's doing."""
    import gc
    from time import thread_time

    from engine.workflow import budget

    heap = [[i] for i in range(1_500_000)]  # something for the collector to walk
    with budget.engine_call():
        meter = budget.Meter()
        before = thread_time()
        gc.collect()
        collected = thread_time() - before
        meter.close()
        charged = budget.MAX_CALL_SECONDS - budget._CALL.left
    assert collected > 0.02, "the collection should take a measurable time"
    assert charged < collected / 4
    del heap
