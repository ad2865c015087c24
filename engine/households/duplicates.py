"""Is this person already known? The duplicate check before a case or a member is created.

Candidates come from an indexed prefilter: household members of the tenant whose ``name_key`` (the
phonetic key of the family name, engine/households/keys.py) equals the key of the family name asked
for, or of the given name (given and family name swapped). Each candidate is then compared in full:
the better of the direct and the swapped pairing of the names (Jaro-Winkler, transliteration variants
such as Mohammed / Muhammad / Mohamed count as close), and the birth date, which must be equal where
both are known; without one, the names must be nearly equal.

A case manager sees the matches in her own scope (case number, pseudonym, member, similarity) and may
open that case instead. Matches outside her scope are never shown: only one sentence says that the
person may be known elsewhere in the county, without a count, a place or anything else. The check is
recorded: each shown match as a reading of its case, the check itself with the number of shown matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import in_scope, require_case_manager
from ..audit.service import Event, case_event, record
from ..cases.models import Case
from ..db import begin_write
from .keys import name_key, similarity
from .models import Member

ELSEWHERE = (
    "Eine passende Person ist im Kreis möglicherweise schon bekannt; bitte bei der Koordinierungsstelle "
    "nachfragen."
)
NAME_THRESHOLD, NAME_ONLY_THRESHOLD = 0.85, 0.93  # with an equal birth date / without a birth date
MAX_CANDIDATES, MAX_SHOWN = 500, 10


@dataclass(frozen=True)
class Match:
    """A person already known in the user's scope."""

    case_id: int
    case_number: str
    pseudonym: str
    member_id: int
    position: int
    given_name: str
    family_name: str
    birth_date: str | None
    similarity: float
    swapped: bool


@dataclass(frozen=True)
class DuplicateCheck:
    matches: list[Match]
    elsewhere: bool  # a match outside the user's scope exists (nothing more is told)
    message: str | None  # the sentence for ``elsewhere``


def _name_score(given: str, family: str, member: Member) -> tuple[float, bool]:
    """(score, swapped): the better of the direct and the swapped pairing of the names."""
    direct = (similarity(given, member.given_name) + similarity(family, member.family_name)) / 2
    swapped = (similarity(given, member.family_name) + similarity(family, member.given_name)) / 2
    return (swapped, True) if swapped > direct else (direct, False)


def _born(member: Member) -> str | None:
    raw = (member.person or {}).get("birth_date")
    return raw if isinstance(raw, str) and raw else None


def is_match(given: str, family: str, born: date | None, member: Member) -> tuple[float, bool] | None:
    """(similarity, swapped) when ``member`` is likely the person asked for, else None."""
    score, swapped = _name_score(given, family, member)
    theirs = _born(member)
    if born is not None and theirs is not None:
        return (round(score, 3), swapped) if theirs == born.isoformat() and score >= NAME_THRESHOLD else None
    return (round(score, 3), swapped) if score >= NAME_ONLY_THRESHOLD else None


def candidates(session: Session, tenant_id: int, given: str, family: str) -> list[tuple[Member, Case]]:
    """Members of the tenant whose family name sounds like the given or the family name asked for."""
    keys = {k for k in (name_key(family), name_key(given)) if k}
    if not keys:
        return []
    rows = session.execute(
        select(Member, Case)
        .join(Case, Case.id == Member.case_id)
        .where(Member.tenant_id == tenant_id, Member.name_key.in_(keys), Case.anonymised_at.is_(None))
        .order_by(Member.id.desc())
        .limit(MAX_CANDIDATES)
    ).all()
    return [(m, c) for m, c in rows]


def check(
    session: Session,
    *,
    user: Actor,
    given_name: str,
    family_name: str,
    birth_date: date | None,
    exclude_case_id: int | None = None,
) -> DuplicateCheck:
    """Likely duplicates of a person about to be created (a case or a member); see the module text."""
    require_case_manager(user)
    begin_write(session)
    mine: list[Match] = []
    shown_cases: dict[int, Case] = {}
    elsewhere = False
    for member, case in candidates(session, user.tenant_id, given_name, family_name):
        found = is_match(given_name, family_name, birth_date, member)
        if found is None:
            continue
        if not in_scope(user, case.municipality_id, case.team_id, case.tenant_id):
            elsewhere = True
            continue
        if case.id == exclude_case_id:
            continue
        score, swapped = found
        shown_cases[case.id] = case
        mine.append(
            Match(
                case.id,
                case.case_number,
                case.pseudonym,
                member.id,
                member.position,
                member.given_name,
                member.family_name,
                _born(member),
                score,
                swapped,
            )
        )
    mine.sort(key=lambda m: (-m.similarity, m.case_id, m.position))
    mine = mine[:MAX_SHOWN]
    first = {m.case_id: m.member_id for m in reversed(mine)}
    record(
        session,
        user,
        Event("duplicate.check", "person", detail={"shown": len(mine)}),
        *(
            case_event("case.duplicate_match", shown_cases[cid], detail={"member_id": mid})
            for cid, mid in first.items()
        ),
    )
    return DuplicateCheck(mine, elsewhere, ELSEWHERE if elsewhere else None)
