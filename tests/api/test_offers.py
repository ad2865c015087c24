"""The offers directory over the API: keeping it (German 422s, scope, versions), search ranking,
CSV/XLSX import (all or nothing, every bad line named) and export round trip, links from a goal and a
referral, gap records, the Ist-/Bedarfsanalyse and a gap raised as a topic with no personal data."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from engine.clock import today_berlin
from engine.reports.events import school_year_of
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT, complete, open_case, run_to_evaluation

API = "/api/v1"
ARABIC_COURSE = {
    "municipality": "borchen",
    "provider": "Sprachwerkstatt Borchen e. V.",
    "title": "Deutschkurs A1 mit arabischer Begleitung",
    "kind": "language_course",
    "life_areas": ["language"],
    "languages": ["ara", "deu"],
    "target_groups": ["women"],
    "checked_on": "2026-10-01",
}


def offer(client, headers, expect=201, **fields):
    r = client.post(f"{API}/offers", json={**ARABIC_COURSE, **fields}, headers=headers)
    assert r.status_code == expect, r.json
    return r.json


def test_bad_fields_get_german_messages_naming_each_field_and_nothing_is_saved(client, login):
    coord = login("coordinator")
    bad = {
        **ARABIC_COURSE,
        "provider": " ",
        "kind": "spaceship",
        "life_areas": ["moon"],
        "languages": ["klingon"],
        "municipality": "Atlantis",
        "valid_from": "2026-05-01",
        "valid_until": "2026-04-01",
    }
    r = client.post(f"{API}/offers", json=bad, headers=coord)
    assert r.status_code == 422
    errors = r.json["errors"]
    assert set(errors) == {"provider", "kind", "life_areas", "languages", "municipality", "valid_until"}
    assert errors["provider"] == ["Pflichtfeld: bitte ausfüllen."]
    assert "Atlantis" in errors["municipality"][0]
    assert client.get(f"{API}/offers", headers=coord).json["total"] == 0


def test_scope_case_manager_keeps_her_municipality_and_opened_county_offers_only(client, login):
    coord, borchen, delbrueck, uma = (
        login(u) for u in ("coordinator", "cm-borchen", "cm-delbrueck", "cm-uma")
    )
    own = offer(client, borchen)  # her municipality: allowed
    assert own["may_change"] is True and own["shared_upkeep"] is False
    r = client.post(f"{API}/offers", json={**ARABIC_COURSE, "municipality": "delbrueck"}, headers=borchen)
    assert r.status_code == 422 and "eigenen Gemeinde" in r.json["errors"]["municipality"][0]
    r = client.post(f"{API}/offers", json={**ARABIC_COURSE, "municipality": None}, headers=borchen)
    assert r.status_code == 422 and "Kreisweite" in r.json["errors"]["municipality"][0]
    # Delbrück's case manager cannot change or retire Borchen's offer
    r = client.put(f"{API}/offers/{own['id']}", json={**ARABIC_COURSE, "title": "x"}, headers=delbrueck)
    assert r.status_code == 403
    assert client.post(f"{API}/offers/{own['id']}/retire", headers=delbrueck).status_code == 403
    # county-wide: closed to case managers until a coordinator opens it
    closed = offer(client, coord, municipality=None, title="Migrationsberatung kreisweit")
    opened = offer(client, coord, municipality=None, title="Ehrenamtsbörse", shared_upkeep=True)
    assert (
        client.put(
            f"{API}/offers/{closed['id']}", json={**ARABIC_COURSE, "municipality": None}, headers=borchen
        ).status_code
        == 403
    )
    r = client.put(
        f"{API}/offers/{opened['id']}",
        json={**ARABIC_COURSE, "municipality": None, "title": "Ehrenamtsbörse neu", "shared_upkeep": False},
        headers=uma,
    )
    assert r.status_code == 200, r.json
    assert r.json["title"] == "Ehrenamtsbörse neu" and r.json["shared_upkeep"] is True  # she cannot close it
    # the coordinator keeps every offer of the county
    r = client.put(f"{API}/offers/{own['id']}", json={**ARABIC_COURSE, "title": "Kurs B"}, headers=coord)
    assert r.status_code == 200
    for role in ("steering", "dpo", "admin", "abh"):
        assert client.post(f"{API}/offers", json=ARABIC_COURSE, headers=login(role)).status_code == 403
    assert client.get(f"{API}/offers", headers=login("steering")).status_code == 200
    assert client.get(f"{API}/offers", headers=login("dpo")).status_code == 403


def test_every_change_is_a_version_with_author_and_date(client, login):
    cm = login("cm-borchen")
    first = offer(client, cm)
    r = client.put(
        f"{API}/offers/{first['id']}", json={**ARABIC_COURSE, "cost": "kostenlos", "version": 1}, headers=cm
    )
    assert r.status_code == 200 and r.json["version"] == 2
    same = client.put(f"{API}/offers/{first['id']}", json={**ARABIC_COURSE, "cost": "kostenlos"}, headers=cm)
    assert same.json["version"] == 2  # nothing changed, no version
    stale = client.put(f"{API}/offers/{first['id']}", json={**ARABIC_COURSE, "version": 1}, headers=cm)
    assert stale.status_code == 409
    assert client.post(f"{API}/offers/{first['id']}/retire", headers=cm).json["retired"] is True
    history = client.get(f"{API}/offers/{first['id']}/versions", headers=cm).json
    assert [v["action"] for v in history["items"]] == ["retired", "changed", "created"]
    changed = history["items"][1]
    assert changed["changed_by"] == "Case-Managerin Borchen"
    assert changed["changes"] == [
        {"field": "cost", "field_label": "Kosten", "before": "–", "after": "kostenlos"}
    ]
    assert client.get(f"{API}/offers", headers=cm).json["total"] == 0  # retired offers are not found


def test_search_ranks_by_criteria_matched_then_own_municipality_before_county(client, login):
    coord = login("coordinator")
    both_local = offer(client, coord, title="B lokal Sprache arabisch")
    both_county = offer(client, coord, municipality=None, title="A kreisweit Sprache arabisch")
    language_only = offer(client, coord, title="C Sprache deutsch", languages=["deu"])
    arabic_health = offer(
        client, coord, title="D Gesundheit arabisch", kind="counselling", life_areas=["health"]
    )
    offer(
        client, coord, title="E Wohnen deutsch", kind="counselling", life_areas=["housing"], languages=["deu"]
    )
    offer(client, coord, municipality="delbrueck", title="F Delbrück Sprache arabisch")
    offer(client, coord, title="G abgelaufen", valid_from="2020-01-01", valid_until="2021-01-01")
    r = client.get(
        f"{API}/offers?life_area=language&language=ara&municipality=Borchen", headers=login("cm-borchen")
    )
    ids = [o["id"] for o in r.json["items"]]
    assert ids == [both_local["id"], both_county["id"], language_only["id"], arabic_health["id"]]
    assert [o["score"] for o in r.json["items"]] == [2, 2, 1, 1]
    assert r.json["total"] == 4 and r.json["criteria"] == 2
    flagged = client.get(f"{API}/offers?review=true", headers=coord).json["items"]
    assert flagged == []  # every one checked on 2026-10-01
    old = offer(client, coord, title="H alt", checked_on="2024-01-01")
    assert [o["id"] for o in client.get(f"{API}/offers?review=true", headers=coord).json["items"]] == [
        old["id"]
    ]
    assert client.get(f"{API}/offers/{old['id']}", headers=coord).json["needs_review"] is True


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client, headers, content: bytes, name: str):
    return client.post(
        f"{API}/offers/import",
        data={"file": (io.BytesIO(content), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


HEADER = [
    "id",
    "gemeinde",
    "anbieter",
    "angebot",
    "art",
    "lebensbereiche",
    "sprachen",
    "zielgruppen",
    "geprueft_am",
]


def test_import_with_bad_rows_imports_nothing_and_names_every_bad_line(client, login):
    coord = login("coordinator")
    rows = [
        HEADER,
        [
            "",
            "borchen",
            "Träger A",
            "Sprachcafé",
            "Sprachkurs",
            "Sprache",
            "Arabisch; deu",
            "Frauen",
            "01.10.2026",
        ],
        ["", "Atlantis", "Träger B", "Beratung", "counselling", "health", "", "", ""],
        ["", "", "Träger C", "Kurs", "language_course", "language", "", "", "2026-10-01"],
        ["", "", "", "Ohne Träger", "kaputt", "", "", "", "gestern"],
        ["4711", "", "Träger E", "Gibt es nicht", "project", "family", "", "", ""],
    ]
    r = upload(client, coord, _csv(rows), "angebote.csv")
    assert r.status_code == 422
    errors = r.json["errors"]
    assert set(errors) == {"Zeile 3", "Zeile 5", "Zeile 6"}
    assert any("gemeinde" in e and "Atlantis" in e for e in errors["Zeile 3"])
    assert {e.split(":")[0] for e in errors["Zeile 5"]} == {
        "anbieter",
        "art",
        "lebensbereiche",
        "geprueft_am",
    }
    assert errors["Zeile 6"] == ["id: kein aktuelles Angebot mit der Nummer 4711"]
    assert client.get(f"{API}/offers", headers=coord).json["total"] == 0  # nothing of the file
    # a case manager's rows for another municipality are bad rows too
    rows = [HEADER, ["", "delbrueck", "Träger", "Kurs", "language_course", "language", "", "", ""]]
    r = upload(client, login("cm-borchen"), _csv(rows), "a.csv")
    assert r.status_code == 422 and "eigenen Gemeinde" in r.json["errors"]["Zeile 2"][0]
    r = upload(client, coord, b"name;wert\nx;y\n", "a.csv")
    assert r.status_code == 422 and "Zeile 1" in r.json["errors"]
    r = upload(client, coord, b"kein xlsx", "a.xlsx")
    assert r.status_code == 422 and r.json["errors"]["file"]


def sheet_rows(content: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_export_then_import_gives_the_same_directory_csv_and_xlsx(client, login):
    coord = login("coordinator")
    offer(client, coord, contact="Tel. 05251 000000", opening_hours="Mo 9-12", cost="kostenlos")
    offer(client, coord, municipality=None, title="Kreisweit", shared_upkeep=True, valid_from="2026-01-01")
    offer(client, coord, municipality="delbrueck", title="Delbrück", life_areas=["childcare", "family"])
    for fmt in ("csv", "xlsx"):
        first = client.get(f"{API}/offers/export?format={fmt}", headers=coord)
        assert first.status_code == 200
        r = upload(client, coord, first.data, f"angebote.{fmt}")
        assert r.status_code == 200, r.json
        assert r.json == {"created": 0, "changed": 0, "unchanged": 3}
        again = client.get(f"{API}/offers/export?format={fmt}", headers=coord)
        if fmt == "csv":
            assert again.data == first.data
        else:
            assert sheet_rows(again.data) == sheet_rows(first.data)
    # the same file without ids fills an empty directory with the same offers
    text = client.get(f"{API}/offers/export?format=csv", headers=coord).data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    for o in client.get(f"{API}/offers", headers=coord).json["items"]:
        client.post(f"{API}/offers/{o['id']}/retire", headers=coord)
    r = upload(client, coord, _csv([table[0]] + [["", *row[1:]] for row in table[1:]]), "neu.csv")
    assert r.json == {"created": 3, "changed": 0, "unchanged": 0}
    text2 = client.get(f"{API}/offers/export?format=csv", headers=coord).data.decode("utf-8-sig")
    assert [row[1:] for row in csv.reader(io.StringIO(text2), delimiter=";")] == [row[1:] for row in table]


def test_an_offer_is_linked_from_a_goal_and_from_a_referral(client, login):
    cm = login("cm-borchen")
    course = offer(client, cm)
    case = open_case(client, cm)
    run_to_evaluation(client, cm, case["id"])
    (goal,) = client.get(f"{API}/cases/{case['id']}/goals", headers=cm).json["items"]
    r = client.post(
        f"{API}/cases/{case['id']}/offer-links",
        json={"offer_id": course["id"], "goal_id": goal["id"]},
        headers=cm,
    )
    assert r.status_code == 201, r.json
    assert r.json["goal_id"] == goal["id"] and r.json["offer_title"] == course["title"]
    other = open_case(client, cm)
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_REFERRAL),
        ("referral", d.REFERRAL),
    ]:
        complete(client, cm, other["id"], bpmn_id, data)
    (referral,) = [
        x for x in client.get(f"{API}/referrals", headers=cm).json["items"] if x["case_id"] == other["id"]
    ]
    r = client.post(
        f"{API}/cases/{other['id']}/offer-links",
        json={"offer_id": course["id"], "referral_id": referral["id"]},
        headers=cm,
    )
    assert r.status_code == 201, r.json
    # a goal of another case, neither or both targets: a German 422 naming the field
    r = client.post(
        f"{API}/cases/{other['id']}/offer-links",
        json={"offer_id": course["id"], "goal_id": goal["id"]},
        headers=cm,
    )
    assert r.status_code == 422 and r.json["errors"]["goal_id"]
    r = client.post(f"{API}/cases/{other['id']}/offer-links", json={"offer_id": course["id"]}, headers=cm)
    assert r.status_code == 422
    assert (
        client.post(
            f"{API}/cases/{other['id']}/offer-links",
            json={"offer_id": course["id"], "referral_id": referral["id"]},
            headers=login("cm-delbrueck"),
        ).status_code
        == 404
    )
    links = client.get(f"{API}/cases/{case['id']}/offer-links", headers=cm).json["items"]
    assert [(x["offer_id"], x["goal_id"]) for x in links] == [(course["id"], goal["id"])]


def _no_personal_data(text: str) -> None:
    for secret in (
        CLIENT["given_name"],
        CLIENT["family_name"],
        CLIENT["birth_date"],
        "02.04.1990",
        "Eigene Wohnung",
        "Arbeit und Wohnung",
        "Beratung zu § 25b",
    ):
        assert secret not in text, secret


def test_gaps_roll_up_and_become_a_topic_without_personal_data(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    year = school_year_of(today_berlin())
    offer(client, coord, title="Kita-Beratung", kind="counselling", life_areas=["childcare"])
    for _ in range(3):
        case = open_case(client, cm)
        run_to_evaluation(client, cm, case["id"])  # needs: housing, childcare
        (goal,) = client.get(f"{API}/cases/{case['id']}/goals", headers=cm).json["items"]
        r = client.post(
            f"{API}/cases/{case['id']}/offer-gaps",
            json={"life_area": "childcare", "reason": "waiting_list", "goal_id": goal["id"]},
            headers=cm,
        )
        assert r.status_code == 201, r.json
        assert r.json["pseudonym"] == case["pseudonym"] and "case_id" not in r.json
    r = client.post(f"{API}/cases/{case['id']}/offer-gaps", json={"reason": "nope"}, headers=cm)
    assert r.status_code == 422 and set(r.json["errors"]) == {"life_area", "reason"}
    gaps = client.get(f"{API}/offers/gaps?school_year={year}", headers=coord)
    assert len(gaps.json["items"]) == 3
    _no_personal_data(gaps.get_data(as_text=True))
    data = client.get(f"{API}/offers/analysis?school_year={year}&municipality=borchen", headers=coord).json
    (place,) = data["municipalities"]
    assert (place["name"], place["region"]) == ("Borchen", "Region 3")
    rows = {r["life_area"]: r for r in place["rows"]}
    assert rows["childcare"]["needs"] == 3 and rows["childcare"]["offers_local"] == 1
    assert rows["childcare"]["gaps"] == 3 and rows["childcare"]["gaps_by_reason"]["waiting_list"] == 3
    assert rows["childcare"]["gaps_by_reason"]["cost"] == 0
    assert client.get(f"{API}/offers/analysis", headers=cm).status_code == 403
    xlsx = client.get(f"{API}/offers/analysis?school_year={year}&format=xlsx", headers=coord)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    r = client.post(
        f"{API}/offers/analysis/topics",
        json={"school_year": year, "municipality": "borchen", "life_area": "childcare"},
        headers=coord,
    )
    assert r.status_code == 201, r.json
    assert "Warteliste 3" in r.json["description"] and r.json["figures"] in r.json["description"]
    topic = client.get(f"{API}/topics/{r.json['topic_id']}", headers=coord)
    assert topic.status_code == 200 and topic.json["category"] == "education"
    _no_personal_data(r.get_data(as_text=True) + topic.get_data(as_text=True))
    assert (
        client.post(
            f"{API}/offers/analysis/topics", json={"school_year": year, "municipality": "borchen"}, headers=cm
        ).status_code
        == 403
    )


def test_small_counts_are_suppressed(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    case = open_case(client, cm)
    run_to_evaluation(client, cm, case["id"])
    client.post(
        f"{API}/cases/{case['id']}/offer-gaps", json={"life_area": "housing", "reason": "cost"}, headers=cm
    )
    year = school_year_of(today_berlin())
    data = client.get(f"{API}/offers/analysis?school_year={year}&municipality=borchen", headers=coord).json
    rows = {r["life_area"]: r for r in data["municipalities"][0]["rows"]}
    assert rows["housing"]["needs"] is None and rows["housing"]["gaps"] is None
    assert rows["housing"]["gaps_by_reason"]["cost"] is None and rows["language"]["needs"] == 0


def test_the_final_evaluations_missing_offers_become_gap_records_without_its_free_text(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    case = open_case(client, cm)
    run_to_evaluation(client, cm, case["id"])
    complete(client, cm, case["id"], "evaluation", d.evaluation(False))
    final = {
        **d.FINAL,
        "structural_findings": "Frau Haddad wartet seit Monaten auf einen Kitaplatz.",
        "structural_gaps": [
            {"life_area": "childcare", "reason": "waiting_list"},
            {"life_area": "housing", "reason": "cost"},
        ],
    }
    complete(client, cm, case["id"], "final_evaluation", final)
    gaps = client.get(f"{API}/offers/gaps", headers=coord)
    items = [(g["life_area"], g["reason"], g["source"]) for g in gaps.json["items"]]
    assert sorted(items) == [
        ("childcare", "waiting_list", "final_evaluation"),
        ("housing", "cost", "final_evaluation"),
    ]
    assert {g["pseudonym"] for g in gaps.json["items"]} == {case["pseudonym"]}
    assert "Haddad" not in gaps.get_data(as_text=True) and "Monaten" not in gaps.get_data(as_text=True)
    bad = {**d.FINAL, "structural_gaps": [{"life_area": "childcare", "reason": "weather"}]}
    other = open_case(client, cm)
    run_to_evaluation(client, cm, other["id"])
    complete(client, cm, other["id"], "evaluation", d.evaluation(False))
    complete(client, cm, other["id"], "final_evaluation", bad, expect=422)
