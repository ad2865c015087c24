"""Every code of every form enum goes through the case page, the history and the exports: people read
labels, never codes, and never the diagram's internal ids."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

from openpyxl import load_workbook

from engine import vocabulary
from engine.vocabulary import label, labels
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.engine.escalations.helpers import LOCAL_ESCALATE, LOCAL_RESOLVED, decide, raise_topic
from tests.web.helpers import web_login

AGENCIES = list(labels("referral.agency"))
REASONS = list(labels("closure.closure_reason"))
LIFE_AREAS = list(labels("assessment.needs.life_area"))
DOMAINS = list(labels("assessment.legal_domain"))


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a person reads on the page (no tags, scripts or attributes)."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def all_codes() -> set[str]:
    """Every code of every vocabulary (form enums and the engine's own)."""
    return {code for name in vocabulary.names() for code in labels(name)}


def raw_codes(text: str, codes) -> list[str]:
    """The codes that appear as words in ``text`` (case-sensitive: labels are capitalised or German)."""
    return sorted(c for c in codes if re.search(r"(?<![\w-])" + re.escape(c) + r"(?![\w-])", text))


def _referral_case(client, h, i: int) -> dict:
    """Consent to every agency, every life area, a referral to agency i, closed with reason i."""
    case = open_case(client, h)
    complete(
        client,
        h,
        case["id"],
        "first_contact",
        {**d.FIRST_CONTACT, "contact_channel": list(labels("first_contact.contact_channel"))[i % 4]},
    )
    complete(
        client, h, case["id"], "consent", {**d.CONSENT_YES, "confidentiality_release_agencies": AGENCIES}
    )
    complete(
        client,
        h,
        case["id"],
        "assessment",
        {
            "needs": [{"life_area": a} for a in LIFE_AREAS],
            "legal_domain": DOMAINS[i % len(DOMAINS)],
            "route": "referral",
        },
    )
    complete(client, h, case["id"], "referral", {**d.REFERRAL, "agency": AGENCIES[i]})
    complete(
        client,
        h,
        case["id"],
        "closure",
        {"closure_reason": REASONS[i % len(REASONS)], "closure_date": "2026-11-11"},
    )
    return case


def _accompanied_case(client, h) -> dict:
    """A goal per progress status, evaluated once; still open."""
    case = open_case(client, h)
    statuses = list(labels("evaluation.progress.status"))
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    complete(client, h, case["id"], "assessment", d.ASSESS_ACCOMPANY)
    goals = [
        {
            "goal": f"Ziel {n}",
            "life_area": area,
            "target_date": "2027-06-30",
            "linked_help": list(labels("goal_agreement.goals.linked_help"))[n % 6],
        }
        for n, area in enumerate(LIFE_AREAS)
    ]
    complete(client, h, case["id"], "goal_agreement", {**d.GOALS, "goals": goals})
    ids = [g["id"] for g in client.get(f"/api/v1/cases/{case['id']}/goals", headers=h).json["items"]]
    complete(
        client,
        h,
        case["id"],
        "evaluation",
        {
            "evaluation_date": "2026-11-15",
            "continue": True,
            "progress": [{"goal_id": i, "status": statuses[n % 4]} for n, i in enumerate(ids)],
        },
    )
    return case


def test_every_form_code_reads_as_its_label_on_the_case_page_history_and_exports(client, login):
    h = login("cm-borchen")
    cases = [_referral_case(client, h, i) for i in range(len(AGENCIES))]
    no_consent = open_case(client, h)
    complete(client, h, no_consent["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, no_consent["id"], "consent", d.CONSENT_NO)
    withdrawn = open_case(client, h)
    complete(client, h, withdrawn["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, withdrawn["id"], "consent", d.CONSENT_YES)
    assert client.post(f"/api/v1/cases/{withdrawn['id']}/consent-withdrawal", headers=h).status_code == 200
    accompanied = _accompanied_case(client, h)
    codes = all_codes()

    web_login(client, "cm-borchen")
    expected = {
        c["id"]: [label("consent.agency", a) for a in AGENCIES]
        + [label("referral.agency", AGENCIES[i]), label("case.closure_reason", REASONS[i % len(REASONS)])]
        for i, c in enumerate(cases)
    }
    expected[no_consent["id"]] = [label("case.closure_reason", "no_consent")]
    expected[withdrawn["id"]] = [
        label("case.closure_reason", "consent_withdrawn"),
        label("consent.kind", "data_processing"),
    ]
    expected[accompanied["id"]] = [label("goal.progress", s) for s in labels("evaluation.progress.status")]
    for case_id, wanted in expected.items():
        page = client.get(f"/cases/{case_id}")
        assert page.status_code == 200
        text = visible_text(page.text)
        assert raw_codes(text, codes) == [], case_id
        for words in wanted:
            assert words in text, (case_id, words)
        # the history: every readable entry by its title, no element id anywhere on the page
        history = client.get(f"/api/v1/cases/{case_id}/history?per_page=100", headers=h).json["items"]
        assert any(e["kind"].endswith("Gateway") for e in history)
        for entry in history:
            assert entry["title"] and entry["title"] != entry["bpmn_id"]
            if entry["kind"].endswith("Gateway"):
                assert not entry["readable"], entry["bpmn_id"]
            if entry["readable"]:
                assert entry["title"] in text
        assert raw_codes(text, {e["bpmn_id"] for e in history}) == [], case_id
        detail = client.get(f"/api/v1/cases/{case_id}", headers=h).json
        assert detail["status_label"] == label("case.status", detail["status"])
        assert detail["closure_reason_label"] in (
            None,
            label("case.closure_reason", detail["closure_reason"]),
        )

    listing = visible_text(client.get("/cases").text)
    assert raw_codes(listing, codes) == [] and label("case.status", "closed") in listing
    assert raw_codes(visible_text(client.get("/followups").text), codes) == []

    # the programme figures as CSV and XLSX: one column per code, headed by its label
    coord = login("coordinator")
    raw = client.get("/api/v1/reports/figures?school_year=2026/27&format=csv", headers=coord)
    assert raw.status_code == 200
    header = next(csv.reader(io.StringIO(raw.text.lstrip("\ufeff")), delimiter=";"))
    for name, vocab in (
        ("Verweisungen", "referral.agency"),
        ("Abschluss", "case.closure_reason"),
        ("Zielerreichung", "final_evaluation.goals_met"),
        ("Themen", "topic.category"),
    ):
        for code in labels(vocab):
            assert f"{name}: {label(vocab, code)}" in header, (vocab, code)
    assert raw_codes(" ".join(header), codes) == []
    rows = list(csv.reader(io.StringIO(raw.text.lstrip("\ufeff")), delimiter=";"))
    county = dict(zip(rows[0], rows[1], strict=True))
    assert county[f"Abschluss: {label('case.closure_reason', 'no_consent')}"] in ("<3", "1")
    book = load_workbook(
        io.BytesIO(client.get("/api/v1/reports/figures?school_year=2026/27&format=xlsx", headers=coord).data)
    )
    assert [c.value for c in next(book.active.iter_rows(max_row=1))] == header
    figures = client.get("/api/v1/reports/figures?school_year=2026/27", headers=coord).json
    assert figures["labels"]["referrals_by_agency"] == labels("referral.agency")

    # the Art. 15 export: codes stay, each with its label; form data as people read it
    dpo = login("dpo")
    for case_id in (cases[0]["id"], accompanied["id"], withdrawn["id"]):
        r = client.post(
            "/api/v1/privacy/exports",
            json={"case_id": case_id, "reason": "Auskunftsantrag vom 20.11."},
            headers=dpo,
        )
        assert r.status_code == 200, r.json
        (exported,) = r.json["cases"]
        assert exported["case"]["status_label"] == label("case.status", exported["case"]["status"])
        for consent in exported["consents"]:
            assert consent["kind_label"] == label("consent.kind", consent["kind"])
            assert consent["agency_label"] == (
                label("consent.agency", consent["agency"]) if consent["agency"] else None
            )
        for referral in exported["referrals"]:
            assert referral["agency_label"] == label("referral.agency", referral["agency"])
        forms = {t["id"]: t["form_key"] for t in exported["tasks"]}
        for entry in exported["history"]:
            assert entry["title"] != entry["bpmn_id"]
            if entry["data"] and forms.get(entry["task_id"]):
                form_codes = {
                    c
                    for n in vocabulary.names()
                    if n.startswith(forms[entry["task_id"]] + ".")
                    for c in labels(n)
                }
                assert not form_codes & set(_strings(entry["data_labels"])), entry["bpmn_id"]
                if entry["bpmn_id"] == "assessment":
                    wanted = {
                        label("assessment.needs.life_area", n["life_area"]) for n in entry["data"]["needs"]
                    }
                    assert wanted <= set(_strings(entry["data_labels"]))


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def test_topic_pages_and_api_show_labels_of_every_category_level_status_and_decision(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    topics = [
        raise_topic(client, cm, category=c, title=f"Thema {n}")
        for n, c in enumerate(labels("topic.category"))
    ]
    decide(client, cm, topics[0]["id"], LOCAL_RESOLVED)
    escalated = decide(client, cm, topics[1]["id"], LOCAL_ESCALATE)
    for item in client.get("/api/v1/topics?per_page=100", headers=coord).json["items"]:
        assert item["category_label"] == label("topic.category", item["category"])
        assert item["status_label"] == label("topic.status", item["status"])
        assert item["level_label"] == label("topic.level", item["level"])
    assert {e["step_name"] for e in escalated["trail"]} >= {
        label("topic.step", "start"),
        label("topic.step", "local_decision"),
    }
    assert all(e["role_label"] == label("user.role", e["role"]) for e in escalated["trail"])
    topic_codes = {
        c
        for n in vocabulary.names()
        if n.split(".")[0] in ("topic", "user", "agenda", "body")
        for c in labels(n)
    }
    web_login(client, "coordinator")
    listing = visible_text(client.get("/topics?status=all").text)
    assert raw_codes(listing, topic_codes) == []
    assert label("topic.status", "done") in listing
    assert all(label("topic.category", c) in listing for c in labels("topic.category"))
    dashboard = visible_text(client.get("/dashboard").text)
    assert raw_codes(dashboard, topic_codes) == [] and label("topic.level", "steering") in dashboard
    for topic in topics[:2]:
        text = visible_text(client.get(f"/topics/{topic['id']}").text)
        assert raw_codes(text, topic_codes) == [], topic["id"]
        assert label("topic.decision", "raised") in text
    meetings = client.get("/api/v1/meetings", headers=coord).json["items"]
    bodies = client.get("/api/v1/bodies", headers=coord).json["items"]
    assert all(b["kind_label"] == label("body.kind", b["kind"]) for b in bodies)
    assert all(m["status_label"] == label("meeting.status", m["status"]) for m in meetings)
