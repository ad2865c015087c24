"""A county's own words and features, from its seed: one read model for every page and job that needs them.

Counties name the same things differently: Paderborn's steering body is the "Lenkungsgruppe", Höxter's
the "Lenkungsgremium"; Paderborn has regions, Höxter clusters; only some counties have a team for
young adults who came as unaccompanied minors (UmA). The seed's ``terms`` section says so
(docs/tenants.md); ``seed_organisation`` stores it on ``tenants.terms`` together with each body's
meeting rhythm and region, and :func:`tenant_terms` answers with every default filled in.

The engine's own labels (engine/vocabulary.py, the web strings) say "Lenkungsgruppe" and "Region";
:func:`reword` turns a text into the county's words, articles included ("in der Lenkungsgruppe" ->
"im Lenkungsgremium"). The web layer applies it to the pages it renders for a tenant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Team, Tenant

STEERING, REGION, REGIONS = "Lenkungsgruppe", "Region", "Regionen"
# The periods' defaults where the code keeps them: reopen engine/cases/reopen.REOPEN_DAYS, referral
# reminder engine/referrals/service.REMINDER_DAYS (tests/engine/org/test_terms.py compares them).
REOPEN_DAYS, REFERRAL_REMINDER_DAYS = 30, 14
GENERA = ("f", "m", "n")


@dataclass(frozen=True)
class Terms:
    """What a county calls things and which features it has; every field has a default."""

    steering_body: str = STEERING  # what the steering body is called
    steering_genus: str = "f"  # its grammatical gender: f (die), m (der), n (das)
    steering_genitive: str = STEERING  # "Mitglied des Lenkungsgremiums"
    region: str = REGION  # what a group of municipalities is called ("Region", "Cluster")
    regions: str = REGIONS  # its plural
    uma_team: bool = True  # a case-management team for young adults who came as unaccompanied minors
    meeting_place: str | None = None  # where the steering body meets (the demo's meetings)
    retention_days: int | None = None  # NULL: the installation's KIM_RETENTION_DAYS
    reopen_days: int = REOPEN_DAYS
    referral_reminder_days: int = REFERRAL_REMINDER_DAYS
    escalation_reminder: str | None = None  # ISO 8601 duration; NULL: KIM_ESCALATION_REMINDER
    meeting_rhythm_months: dict[str, int] = field(default_factory=dict)  # body key -> months between meetings
    bodies_by_region: dict[str, list[str]] = field(default_factory=dict)  # region key -> body keys

    @property
    def plain(self) -> bool:
        """Whether the county uses the engine's own words (nothing to reword)."""
        return self.steering_body == STEERING and self.region == REGION and self.regions == REGIONS


def terms_from(tenant: Tenant, has_uma_team: bool) -> Terms:
    """The terms of a tenant row (``has_uma_team``: the answer when the seed does not say)."""
    raw = tenant.terms or {}
    word = raw.get("steering_body") or STEERING
    genus = raw.get("steering_genus") or ("f" if word == STEERING else "n")
    genitive = raw.get("steering_genitive") or (word if genus == "f" else word + "s")
    bodies: dict = raw.get("bodies") or {}
    by_region: dict[str, list[str]] = {}
    for key, spec in bodies.items():
        if spec.get("region"):
            by_region.setdefault(spec["region"], []).append(key)
    return Terms(
        steering_body=word,
        steering_genus=genus,
        steering_genitive=genitive,
        region=raw.get("region") or REGION,
        regions=raw.get("regions") or raw.get("region") or REGIONS,
        uma_team=bool(raw["uma_team"]) if "uma_team" in raw else has_uma_team,
        meeting_place=raw.get("meeting_place"),
        retention_days=tenant.retention_days,
        reopen_days=tenant.reopen_days or REOPEN_DAYS,
        referral_reminder_days=tenant.referral_reminder_days or REFERRAL_REMINDER_DAYS,
        escalation_reminder=raw.get("escalation_reminder"),
        meeting_rhythm_months={k: int(s["rhythm_months"]) for k, s in bodies.items() if "rhythm_months" in s},
        bodies_by_region={k: sorted(v) for k, v in sorted(by_region.items())},
    )


def tenant_terms(session: Session, tenant_id: int) -> Terms:
    """The words and features of tenant ``tenant_id`` (the defaults for an unknown one)."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        return Terms()
    uma = session.scalar(select(Team.id).where(Team.tenant_id == tenant_id, Team.key == "uma")) is not None
    return terms_from(tenant, uma)


# "in der Lenkungsgruppe" -> the same phrase for a steering body of another gender
_ARTICLES = {
    "in der": {"f": "in der", "m": "im", "n": "im"},
    "bei der": {"f": "bei der", "m": "beim", "n": "beim"},
    "an die": {"f": "an die", "m": "an den", "n": "an das"},
    "die": {"f": "die", "m": "der", "n": "das"},
    "der": {"f": "der", "m": "des", "n": "des"},  # genitive: "Mitglied der Lenkungsgruppe"
}
_STEERING = re.compile(r"\b(?P<art>[Ii]n der |[Bb]ei der |[Aa]n die |[Dd]ie |[Dd]er )?Lenkungsgruppe\b")
_REGION = re.compile(r"\b(?P<word>Regionen|Region)\b")


def reword(text: str, terms: Terms) -> str:
    """``text`` with the county's words for the steering body and the regions, articles adjusted."""
    if terms.plain:
        return text

    def steering(match: re.Match) -> str:
        art = match.group("art")
        if not art:
            return terms.steering_body
        phrase = art.strip()
        article = _ARTICLES[phrase.lower()][terms.steering_genus]
        if phrase[0].isupper():
            article = article[0].upper() + article[1:]
        genitive = phrase.lower() == "der" and terms.steering_genus != "f"
        return f"{article} {terms.steering_genitive if genitive else terms.steering_body}"

    text = _STEERING.sub(steering, text)
    return _REGION.sub(lambda m: terms.regions if m.group("word") == REGIONS else terms.region, text)
