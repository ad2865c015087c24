"""Smaller page behaviour: Meine Aufgaben page by page, German follow-up states, radio buttons for short
enums."""

from __future__ import annotations

from api.web import pages
from tests.api.helpers import give_consent, open_case
from tests.web.helpers import web_login


def test_meine_aufgaben_pages_beyond_the_first(client, login, monkeypatch):
    monkeypatch.setattr(pages, "PER_PAGE", 2)
    cm = login("cm-borchen")
    names = ["Aalto", "Berger", "Cordes"]
    for name in names:
        open_case(client, cm, family_name=name)
    web_login(client, "cm-borchen")
    first, second = client.get("/?view=team").text, client.get("/", query_string={"page": 2}).text
    assert "Aufgaben 1–2 von 3" in first and "Seite 1 von 2" in first and 'href="/?page=2"' in first
    assert "Aufgaben 3–3 von 3" in second and "Seite 2 von 2" in second and 'href="/?page=1"' in second
    shown = [[n for n in names if n in page] for page in (first, second)]
    assert sorted(shown[0] + shown[1]) == names and len(shown[0]) == 2 and len(shown[1]) == 1
    assert "Keine offenen Aufgaben" in client.get("/", query_string={"page": 3}).text
    assert "Seite 1 von 2" in client.get("/", query_string={"page": "x"}).text  # nonsense: the first page


def test_follow_up_state_is_german_on_the_case_page(client, login):
    uma = login("cm-uma")
    case = open_case(client, uma, municipality="Delbrück")
    give_consent(client, uma, case["id"])
    assert client.post(f"/api/v1/cases/{case['id']}/followups", headers=uma).status_code == 201
    web_login(client, "cm-uma")
    page = client.get(f"/cases/{case['id']}").text
    section = page.split('id="h-followup"')[1].split("</section>")[0]
    assert "in Planung" in section and "planning" not in section
    assert "Rückmeldungen erledigt: 0 von 0 (0 angelegt)" in section
