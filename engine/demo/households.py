"""Demo households: the case's person's residence status, then partner, children and now and then a
parent or sibling, added through the household service before the first contact (so they count)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..access.actor import Actor
from ..households.members import add_member, change_member
from ..households.service import members_of
from . import data as d


def household_size(rng: random.Random) -> int:
    """Persons in one case's household: mostly one to four, at most seven."""
    return d.weighted(rng, d.HOUSEHOLD_SIZES)[0]


def sizes_for(rng: random.Random, persons: int, min_cases: int) -> list[int]:
    """Household sizes adding up to ``persons``, for at least ``min_cases`` cases."""
    sizes: list[int] = []
    left = persons
    while left > 0:
        still_needed = max(0, min_cases - len(sizes) - 1)  # cases after this one, one person each
        sizes.append(max(1, min(household_size(rng), left - still_needed)))
        left -= sizes[-1]
    return sizes


def _residence(rng: random.Random, day: date) -> dict:
    status, months, _w = d.weighted(rng, d.RESIDENCE)
    until = day + timedelta(days=30 * rng.randint(*months)) if months else None
    return {"residence_status": status, "residence_valid_until": until}


def _born(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def fill(session, *, user: Actor, case_id: int, size: int, day: date, rng: random.Random) -> None:
    """The case's person's residence status and the other ``size - 1`` members of the household."""
    (first,) = members_of(session, case_id)
    status = _residence(rng, day)
    change_member(session, user=user, case_id=case_id, member_id=first.id, values=status)
    born = date.fromisoformat(first.person["birth_date"])
    family, languages = first.family_name, first.person.get("languages") or []
    others = []
    if size > 1 and rng.random() < 0.75:
        others.append(("partner", _born(rng, born - timedelta(days=3650), born + timedelta(days=2500))))
    for _ in range(size - 1 - len(others)):
        kind = d.weighted(rng, [("child", 85), ("parent", 5), ("sibling", 6), ("other_relative", 4)])[0]
        if kind == "child":
            lo = max(born + timedelta(days=365 * 18), day - timedelta(days=365 * 17))
            when = _born(rng, min(lo, day - timedelta(days=200)), day - timedelta(days=90))
        elif kind == "parent":
            when = _born(rng, born - timedelta(days=365 * 40), born - timedelta(days=365 * 18))
        else:
            when = _born(rng, born - timedelta(days=365 * 8), min(born + timedelta(days=365 * 8), day))
        others.append((kind, when))
    for relationship, when in others:
        add_member(
            session,
            user=user,
            case_id=case_id,
            values={
                "given_name": rng.choice(d.GIVEN),
                "family_name": family,
                "birth_date": when,
                "relationship": relationship,
                "languages": languages,
                # a family shares its status mostly
                **(status if rng.random() < 0.7 else _residence(rng, day)),
            },
        )
