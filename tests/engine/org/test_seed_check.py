"""Checking an organisation seed (every error at its JSON path, in German) and the county's words."""

from __future__ import annotations

import copy
import json

import pytest

from engine.cases.reopen import REOPEN_DAYS
from engine.config import PROJECT_ROOT
from engine.errors import InvalidInput
from engine.org.models import Tenant
from engine.org.seed_check import check_seed, require_valid_seed
from engine.org.terms import REFERRAL_REMINDER_DAYS, Terms, reword, terms_from
from engine.org.terms import REOPEN_DAYS as TERMS_REOPEN_DAYS
from engine.referrals.service import REMINDER_DAYS

SEEDS = PROJECT_ROOT / "engine" / "org" / "seed"


def _seed(name: str = "kreis_hoexter") -> dict:
    return json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["kreis_paderborn", "kreis_hoexter"])
def test_the_shipped_seeds_are_valid(name):
    assert check_seed(_seed(name)) == {}


def test_a_broken_seed_names_every_error_at_its_json_path():
    seed = _seed()
    seed["tenant"]["case_prefix"] = "hx"
    del seed["tenant"]["name"]
    seed["terms"]["colour"] = "blau"
    seed["municipalities"][3]["region"] = "region-9"
    seed["municipalities"][4]["key"] = "steinheim"
    seed["municipalities"][5]["population"] = "viele"
    seed["bodies"][1]["municipality"] = "paderborn"
    seed["demo_accounts"][0]["role"] = "boss"
    seed["demo_accounts"][1]["team"] = "uma"
    seed["agencies"][0]["kind"] = "zoll"
    errors = check_seed(seed)
    assert list(errors)[:3] == ["tenant.case_prefix", "tenant.name", "terms"]  # in the seed's order
    assert errors == {
        "tenant.case_prefix": ["ungültiges Format 'hx' (1 bis 10 Großbuchstaben, z. B. 'HX')"],
        "tenant.name": ["Pflichtfeld fehlt"],
        "terms": ["unbekannte Felder: colour"],
        "municipalities[3].region": ["unbekannte Region 'region-9'"],
        "municipalities[4].key": ["doppelt: 'steinheim' steht schon in municipalities[0]"],
        "municipalities[5].population": ["erwartet ganze Zahl"],
        "bodies[1].municipality": ["unbekannte Gemeinde 'paderborn'"],
        "demo_accounts[0].role": [
            "unbekannter Wert 'boss'; erlaubt: case_manager, coordinator, process_owner, steering, "
            "authority, admin, dpo"
        ],
        "demo_accounts[1].team": ["unbekanntes Team 'uma'"],
        "agencies[0].kind": [errors["agencies[0].kind"][0]],
    }
    assert errors["agencies[0].kind"][0].startswith("unbekannte Art 'zoll'; erlaubt: ")
    with pytest.raises(InvalidInput) as raised:
        require_valid_seed(seed)
    assert raised.value.detail == "Die Seed-Datei hat 10 Fehler."
    assert list(raised.value.errors) == list(errors)


def test_paths_of_missing_sections_lists_and_a_seed_that_is_no_object():
    assert check_seed([]) == {"(Seed)": ["erwartet Objekt"]}
    assert check_seed({"tenant": {"key": "x", "name": "X", "case_prefix": "X"}, "municipalities": []}) == {
        "municipalities": ["mindestens 1 Eintrag"]
    }
    seed = copy.deepcopy(_seed())
    del seed["tenant"]["key"], seed["tenant"]["case_prefix"]
    seed["bodies"].append(dict(seed["bodies"][0], key="zweites-gremium"))
    seed["bodies"][2]["municipality"] = None
    assert check_seed(seed) == {
        "tenant.case_prefix": ["Pflichtfeld fehlt"],
        "tenant.key": ["Pflichtfeld fehlt"],
        "bodies[2].municipality": ["ein örtliches Gremium gehört zu einer Gemeinde"],
        "bodies[5].kind": ["es gibt nur ein steuerndes Gremium (schon bodies[0])"],
    }


def test_the_defaults_of_the_terms_are_the_code_s_own():
    assert TERMS_REOPEN_DAYS == REOPEN_DAYS and REFERRAL_REMINDER_DAYS == REMINDER_DAYS
    plain = terms_from(Tenant(key="x", name="X", case_prefix="X"), has_uma_team=False)
    assert plain == Terms(uma_team=False) and plain.plain


def test_reword_follows_the_county_s_word_and_its_article():
    hx = terms_from(
        Tenant(
            key="hoexter",
            name="Kreis Höxter",
            case_prefix="HX",
            referral_reminder_days=21,
            terms={**_seed()["terms"], "bodies": {"lenkungsgremium": {"rhythm_months": 3}}},
        ),
        has_uma_team=True,
    )
    assert (hx.steering_body, hx.region, hx.uma_team, hx.referral_reminder_days) == (
        "Lenkungsgremium",
        "Cluster",
        False,  # the seed says so, whatever teams exist
        21,
    )
    assert hx.meeting_rhythm_months == {"lenkungsgremium": 3}
    cases = {
        "In der Lenkungsgruppe gelöst": "Im Lenkungsgremium gelöst",
        "An die Lenkungsgruppe eskaliert": "An das Lenkungsgremium eskaliert",
        "Beratung in der Lenkungsgruppe": "Beratung im Lenkungsgremium",
        "Mitglied der Lenkungsgruppe": "Mitglied des Lenkungsgremiums",
        "bei der Lenkungsgruppe auch": "beim Lenkungsgremium auch",
        "Lenkungsgruppe informieren": "Lenkungsgremium informieren",
        "Regionen und Gemeinden, ohne Region": "Cluster und Gemeinden, ohne Cluster",
    }
    for text, expected in cases.items():
        assert reword(text, hx) == expected
    assert reword("In der Lenkungsgruppe gelöst", Terms()) == "In der Lenkungsgruppe gelöst"
