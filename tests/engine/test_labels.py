"""The vocabulary: every code has a real label, forms and engine agree, the history hides internal ids."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from engine import vocabulary
from engine.config import PROJECT_ROOT
from engine.db import make_engine, make_session_factory
from engine.escalations.models import CLOSED, LOCAL, STATE, STEERING, WORKING_GROUP
from engine.escalations.steps import ENDS, REMINDER_EVENT, STEPS
from engine.history_labels import readable, shown, title
from engine.processes.service import deploy_form
from engine.vocabulary import ENGINE, SAME_AS_CODE, SHARED, label, label_data, labels

FORMS = PROJECT_ROOT / "forms"


def _enums(node, path=()):
    """(path, enum, titles or None) of every enum in a form schema."""
    if isinstance(node, dict):
        if "enum" in node:
            yield path, node["enum"], node.get("x-enum-titles")
        for key, value in (node.get("properties") or {}).items():
            yield from _enums(value, (*path, key))
        if "items" in node:
            yield from _enums(node["items"], path)


def test_every_code_of_every_vocabulary_has_a_label_that_is_not_the_code():
    names = vocabulary.names()
    assert len(names) > 40
    for name in names:
        mapping = labels(name)
        assert mapping, name
        for code, text in mapping.items():
            assert text and text.strip(), (name, code)
            if (name, code) not in SAME_AS_CODE:
                assert text != code, (name, code)
            assert label(name, code) == text


def test_every_enum_in_the_form_files_has_one_title_per_code():
    for file in sorted(FORMS.glob("*.json")):
        for path, enum, titles in _enums(json.loads(file.read_text(encoding="utf-8"))):
            assert titles is not None, (file.name, path)
            assert len(titles) == len(enum), (file.name, path)
            assert labels(".".join((file.stem, *path))) == dict(zip(enum, titles, strict=True))


def test_a_code_nobody_knows_is_marked_not_passed_off_as_a_label():
    assert label("referral.agency", "ufo_office") != "ufo_office"
    assert "ohne Bezeichnung" in label("referral.agency", "ufo_office")
    assert label("referral.agency", None) == "" and label("case.status", "") == ""


def test_engine_vocabularies_cover_the_codes_the_engine_sets():
    # closure reasons: the form's, plus those the lifecycle diagram's scripts set
    set_by_diagrams = set(
        re.findall(
            r'closure_reason = "(\w+)"',
            (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_text(encoding="utf-8"),
        )
    )
    assert set_by_diagrams >= {"no_consent", "consent_withdrawn"}
    assert set(labels("case.closure_reason")) >= set_by_diagrams | set(labels("closure.closure_reason"))
    assert set(labels("consent.agency")) >= set(labels("referral.agency")) | set(
        labels("consent.confidentiality_release_agencies")
    )
    assert set(labels("topic.category")) >= set(labels("escalation_steering.working_group_field"))
    assert set(labels("topic.level")) == {LOCAL, STEERING, WORKING_GROUP, STATE, CLOSED}
    assert set(labels("topic.step")) >= set(STEPS) | {"start", REMINDER_EVENT}
    assert set(labels("topic.outcome")) >= {outcome for outcome, _level in ENDS.values()}
    decided = {s.fixed for s in STEPS.values() if s.fixed}
    for form, field in (("escalation_local", "local_outcome"), ("escalation_steering", "steering_outcome")):
        decided |= set(labels(f"{form}.{field}"))
    assert set(labels("topic.decision")) >= decided | {"raised", "deferred", "on_agenda", "reminder_due"}
    for name in SHARED:
        assert set(labels(name)) >= set(ENGINE.get(name, {}))


def test_form_data_is_labelled_field_by_field():
    data = {
        "needs": [{"life_area": "housing", "description": "housing"}],
        "route": "referral",
        "note": "jobcenter",
    }
    out = label_data("assessment", data)
    assert out == {
        "needs": [{"life_area": "Wohnen", "description": "housing"}],
        "route": "Verweisberatung",
        "note": "jobcenter",
    }
    assert label_data("consent", {"confidentiality_release_agencies": ["youth_office"]}) == {
        "confidentiality_release_agencies": ["Jugendamt (SGB VIII)"]
    }


def _entry(bpmn_id, name, kind, state="completed"):
    return SimpleNamespace(bpmn_id=bpmn_id, name=name, kind=kind, state=state)


def test_readable_history_leaves_out_gateways_and_unnamed_events_and_never_shows_ids():
    entries = [
        _entry("start", "Kontakt aufgenommen", "Default Start Event"),
        _entry("first_contact", "Erstgespräch", "User Task"),
        _entry("gw_consent", "Einwilligung erteilt?", "Exclusive Gateway"),
        _entry("gw_merge_eval", None, "Exclusive Gateway"),
        _entry("gw_join", None, "Parallel Gateway"),
        _entry("end_1", None, "Default End Event"),
        _entry("set_no_consent", "Ohne CM-Fall abschließen", "Script Task"),
        _entry("calc", None, "Script Task"),
        _entry("unnamed_task", None, "User Task", state="cancelled"),
        _entry("wait", "Sechs Monate vergangen", "Timer Intermediate Catch Event"),
    ]
    lines = readable(entries)
    assert [line.title for line in lines] == [
        "Kontakt aufgenommen",
        "Erstgespräch",
        "Ohne CM-Fall abschließen",
        "Aufgabe",
        "Sechs Monate vergangen",
    ]
    assert [line.state for line in lines] == [
        "eingetreten",
        "erledigt",
        "erledigt",
        "abgebrochen",
        "eingetreten",
    ]
    for entry in entries:
        assert title(entry) != entry.bpmn_id
    assert not any(shown(e) for e in entries if "Gateway" in e.kind)


def test_labels_follow_the_form_versions_deployed_in_the_database(db):
    """A code added in the browser gets its title; a code a later version dropped keeps its old one."""
    schema = json.loads((FORMS / "referral.json").read_text(encoding="utf-8"))
    field = schema["properties"]["agency"]
    field["enum"] = [*field["enum"], "welcome_centre"]
    field["x-enum-titles"] = [*field["x-enum-titles"], "Willkommenszentrum"]
    engine = make_engine(db.url)
    try:
        with make_session_factory(engine)() as session:
            vocabulary.refresh(session)
            assert label("referral.agency", "welcome_centre") != "Willkommenszentrum"
            deploy_form(session, "referral", json.dumps(schema).encode(), "owner")
            vocabulary.refresh(session)
            assert label("referral.agency", "welcome_centre") == "Willkommenszentrum"
            # the next version drops the code and renames another: old data still reads, the new title wins
            field["enum"], field["x-enum-titles"] = field["enum"][:-1], field["x-enum-titles"][:-1]
            field["x-enum-titles"][0] = "Jobcenter Kreis Paderborn"
            deploy_form(session, "referral", json.dumps(schema).encode(), "owner")
            vocabulary.refresh(session)
            assert label("referral.agency", "welcome_centre") == "Willkommenszentrum"
            assert label("referral.agency", "jobcenter") == "Jobcenter Kreis Paderborn"
            session.rollback()
    finally:
        engine.dispose()
        vocabulary._DEPLOYED.key, vocabulary._DEPLOYED.forms = (), None
