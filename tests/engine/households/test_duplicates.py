"""The duplicate check: transliteration variants and swapped names are found, the birth date must agree,
and outside the user's scope only one sentence is told."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.access.actor import Actor
from engine.access.models import User
from engine.households import duplicates
from engine.households.keys import name_key, normalised, similarity
from engine.households.models import Member
from engine.uow import begin
from tests.api.helpers import open_case


def actor(session, username: str) -> Actor:
    u = session.scalars(select(User).where(User.username == username)).one()
    return Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id, u.agency)


@pytest.mark.parametrize("variant", ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"])
def test_transliterations_share_one_key(variant):
    assert name_key(variant) == name_key("Mohammed") == "MHMT"
    assert similarity(variant, "Mohammed") >= 0.9


def test_keys_of_umlauts_hyphens_and_names_without_latin_letters():
    assert normalised("Müller-Özdemir") == "muelleroezdemir"
    assert name_key("Müller") == name_key("Mueller") == name_key("Muller")
    assert name_key("Al-Hassan") == name_key("Alhassan")
    assert name_key("Schmidt") == name_key("Schmitt")
    assert name_key("Haddad") != name_key("Okonkwo")
    assert name_key("Амина") is None and similarity("Амина", "Amina") == 0.0


def _member(given, family, born=None):
    return Member(given_name=given, family_name=family, person={"birth_date": born} if born else {})


def test_is_match_needs_the_birth_date_where_both_are_known():
    known = _member("Mohammed", "Al-Hassan", "1988-02-03")
    assert duplicates.is_match("Muhammad", "Alhassan", date(1988, 2, 3), known) is not None
    assert duplicates.is_match("Muhammad", "Alhassan", date(1989, 2, 3), known) is None
    score, swapped = duplicates.is_match("Alhassan", "Mohamed", date(1988, 2, 3), known)
    assert swapped is True and score >= 0.85
    assert duplicates.is_match("Amina", "Al-Hassan", date(1988, 2, 3), known) is None  # another person
    # without a birth date the names must be nearly equal
    assert duplicates.is_match("Mohammed", "Al-Hassan", None, known) is not None
    assert duplicates.is_match("Omar", "Alhassan", None, known) is None


@pytest.fixture
def cases(client, login):
    borchen = open_case(
        client, login("cm-borchen"), given_name="Mohammed", family_name="Al-Hassan", birth_date="1988-02-03"
    )
    delbrueck = open_case(
        client,
        login("cm-delbrueck"),
        municipality="Delbrück",
        given_name="Mohamed",
        family_name="Alhasan",
        birth_date="1988-02-03",
    )
    return borchen, delbrueck


@pytest.fixture
def session(app, cases):
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        yield s
        s.rollback()


def test_matches_in_scope_and_only_a_hint_elsewhere(session, cases):
    borchen, delbrueck = cases
    found = duplicates.check(
        session,
        user=actor(session, "cm-borchen"),
        given_name="Muhammad",
        family_name="Alhassan",
        birth_date=date(1988, 2, 3),
    )
    assert [m.case_id for m in found.matches] == [borchen["id"]]
    assert found.elsewhere is True and found.message == duplicates.ELSEWHERE
    # the hint says nothing about the other case: not its place, number, pseudonym or how many
    for secret in ("Delbrück", delbrueck["case_number"], delbrueck["pseudonym"], "1", "2"):
        assert secret not in found.message
    # swapped names are found through the key of the given name
    swapped = duplicates.check(
        session,
        user=actor(session, "cm-borchen"),
        given_name="Al Hassan",
        family_name="Mohammed",
        birth_date=date(1988, 2, 3),
    )
    assert [m.swapped for m in swapped.matches] == [True]
    # a case being added to is left out; a different birth date is another person
    assert (
        duplicates.check(
            session,
            user=actor(session, "cm-borchen"),
            given_name="Mohammed",
            family_name="Al-Hassan",
            birth_date=date(1988, 2, 3),
            exclude_case_id=borchen["id"],
        ).matches
        == []
    )
    other = duplicates.check(
        session,
        user=actor(session, "cm-uma"),
        given_name="Mohammed",
        family_name="Al-Hassan",
        birth_date=date(1970, 1, 1),
    )
    assert other.matches == [] and other.elsewhere is False and other.message is None
