"""On SQLite, UTCDateTime's own text conversion writes and reads exactly what SQLAlchemy's DATETIME
(with this type's UTC steps) does; elsewhere the type is unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import DateTime
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from engine.db import UTCDateTime

SQLITE = sqlite.dialect()
OURS = UTCDateTime()
BIND = OURS._cached_bind_processor(SQLITE)  # as SQLAlchemy looks them up (the type adapted to SQLite)
RESULT = OURS._cached_result_processor(SQLITE, None)
OLD_RESULT = TypeDecorator.result_processor(OURS.dialect_impl(SQLITE), SQLITE, None)  # the type's own steps
DATETIME_BIND = DateTime().dialect_impl(SQLITE).bind_processor(SQLITE)
DATETIME_RESULT = DateTime().dialect_impl(SQLITE).result_processor(SQLITE, None)

moments = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-9, minutes=-30))]
    ),
)


def _theirs_bind(value: datetime) -> str:
    return DATETIME_BIND(value.astimezone(UTC).replace(tzinfo=None))


@given(moments)
def test_the_text_written_is_sqlalchemys(value):
    assert BIND(value) == _theirs_bind(value)


@given(moments)
def test_the_text_reads_back_as_the_same_moment_in_utc(value):
    back = RESULT(BIND(value))
    assert back == value and back.tzinfo is UTC
    assert back == DATETIME_RESULT(_theirs_bind(value)).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["2026-12-04 04:04:57", "2026-12-04 04:04:57.5", "2026-12-04T04:04:57.123", "2026-12-04"],
)
def test_other_texts_read_as_datetime_reads_them(text):
    assert RESULT(text) == DATETIME_RESULT(text).replace(tzinfo=UTC)


def test_none_stays_none_and_a_naive_datetime_is_refused():
    assert BIND(None) is None and RESULT(None) is None
    with pytest.raises(ValueError, match="naive"):
        BIND(datetime(2026, 12, 4, 12, 0))


def _outcome(process, text):
    try:
        return process(text)
    except Exception as exc:  # noqa: BLE001 - compared, not handled
        return type(exc), str(exc)


@pytest.mark.parametrize("text", ["kein Datum", "2026-13-01 00:00:00", "", "04.12.2026"])
def test_a_text_the_iso_parser_refuses_goes_the_old_way(text):
    assert _outcome(RESULT, text) == _outcome(OLD_RESULT, text)


@given(moments)
def test_every_text_reads_as_the_type_s_own_steps_read_it(value):
    text = BIND(value)
    assert RESULT(text) == OLD_RESULT(text)


def test_postgresql_keeps_the_type_s_steps():
    pg = postgresql.psycopg.dialect()
    value = datetime(2026, 12, 4, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    bind = OURS.bind_processor(pg)
    assert (bind(value) if bind else OURS.process_bind_param(value, pg)) == value
