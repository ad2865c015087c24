"""The offers pages (api/web/offers.py): list and search, add with German field errors, edit, history,
import with bad rows shown per line, the case page's section, the dashboard's gap panel, the analysis
page, its print page and XLSX, and raising a topic from it."""

from __future__ import annotations

import io
import re

from engine.clock import today_berlin
from engine.reports.events import school_year_of
from tests.api.helpers import CLIENT, open_case, run_to_evaluation
from tests.api.test_offers import ARABIC_COURSE, offer

from .helpers import web_login

YEAR = school_year_of(today_berlin())


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_keep_an_offer_in_the_browser_pages(client, login):
    csrf = web_login(client, "cm-borchen")
    page = client.get("/offers")
    assert page.status_code == 200 and "Angebotsverzeichnis" in page.text and 'href="/offers"' in page.text
    form = {
        "csrf_token": csrf,
        "municipality": "borchen",
        "provider": "",
        "title": "Sprachcafé",
        "kind": "",
        "checked_on": "",
    }
    r = client.post("/offers/new", data=form)
    assert r.status_code == 422
    text = _text(r.text)
    assert (
        "Pflichtfeld: bitte ausfüllen." in text
        and "Bitte eine Art des Angebots aus der Liste wählen." in text
    )
    assert "Bitte mindestens einen Lebensbereich wählen." in text
    assert 'value="Sprachcafé"' in r.text  # what was typed stays
    form |= {
        "provider": "Nachbarschaftshilfe Borchen",
        "kind": "language_course",
        "life_areas": ["language"],
        "languages": ["ara"],
    }
    r = client.post("/offers/new", data=form)
    assert r.status_code == 303, r.text
    history = client.get(r.headers["Location"])
    assert "Fassung 1: angelegt von Case-Managerin Borchen" in _text(history.text)
    offer_id = int(r.headers["Location"].split("/")[2])
    edit = client.get(f"/offers/{offer_id}/edit")
    assert edit.status_code == 200 and "Pflege durch Case-Management" not in edit.text  # coordinators only
    r = client.post(f"/offers/{offer_id}/edit", data={**form, "cost": "kostenlos"})
    assert r.status_code == 303
    assert "Kosten – kostenlos" in _text(client.get(f"/offers/{offer_id}/history").text)
    found = client.get("/offers?life_area=language&language=ara").text
    assert f'data-offer="{offer_id}"' in found and "2/2" in found
    # another municipality's case manager may not edit it
    other = client.application.test_client()
    web_login(other, "cm-delbrueck")
    assert other.get(f"/offers/{offer_id}/edit").status_code == 403
    assert f'href="/offers/{offer_id}/edit"' not in other.get("/offers").text
    assert (
        other.post(f"/offers/{offer_id}/retire", data={"csrf_token": csrf_from_page(other)}).status_code
        == 403
    )


def csrf_from_page(client) -> str:
    from .helpers import csrf_from

    return csrf_from(client.get("/").text)


def test_an_import_with_bad_rows_shows_every_bad_line_and_imports_nothing(client):
    csrf = web_login(client, "coordinator")
    content = b"anbieter;angebot;art;lebensbereiche\nA;Kurs;language_course;language\n;Ohne;x;\n"
    r = client.post(
        "/offers/import",
        data={"csrf_token": csrf, "file": (io.BytesIO(content), "a.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    text = _text(r.text)
    assert "Zeile 3" in text and "Zeile 2" not in text and "0 Angebote gefunden" in text
    r = client.post(
        "/offers/import",
        data={"csrf_token": csrf, "file": (io.BytesIO(content.split(b"\n;")[0]), "a.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    assert "1 neu" in client.get("/offers").text


def test_case_page_picks_an_offer_and_records_a_gap_and_the_dashboard_raises_it(client, login):
    cm = login("cm-borchen")
    course = offer(client, cm)
    case = open_case(client, cm)
    run_to_evaluation(client, cm, case["id"])
    (goal,) = client.get(f"/api/v1/cases/{case['id']}/goals", headers=cm).json["items"]
    csrf = web_login(client, "cm-borchen")
    page = client.get(
        f"/cases/{case['id']}?offer_search=1&offer_target=goal:{goal['id']}&life_area=language&language=ara"
    )
    assert page.status_code == 200 and f'data-offer="{course["id"]}"' in page.text
    r = client.post(
        f"/cases/{case['id']}/offers/link",
        data={"csrf_token": csrf, "target": f"goal:{goal['id']}", "offer_id": course["id"]},
    )
    assert r.status_code == 303
    page = client.get(f"/cases/{case['id']}").text
    assert f"{ARABIC_COURSE['title']} ({ARABIC_COURSE['provider']})" in page
    r = client.post(
        f"/cases/{case['id']}/offers/gap",
        data={"csrf_token": csrf, "target": "", "life_area": "childcare", "reason": ""},
    )
    assert r.status_code == 303 and "Bitte einen Grund" in client.get(r.headers["Location"]).text
    r = client.post(
        f"/cases/{case['id']}/offers/gap",
        data={"csrf_token": csrf, "target": "", "life_area": "childcare", "reason": "waiting_list"},
    )
    assert r.status_code == 303
    assert "Kinderbetreuung: Warteliste" in _text(client.get(f"/cases/{case['id']}").text)

    coord = client.application.test_client()
    ccsrf = web_login(coord, "coordinator")
    assert "Angebote und Lücken" not in coord.get(f"/cases/{case['id']}").text  # no personal section
    dash = coord.get(f"/dashboard?school_year={YEAR}")
    assert dash.status_code == 200 and "Angebotslücken: Ist und Bedarf" in dash.text
    row = re.search(r'<tr data-municipality="borchen">.*?</tr>', dash.text, re.DOTALL).group(0)
    assert "&lt;3" in row  # one gap: suppressed
    for url in (
        f"/offers/analysis?school_year={YEAR}&municipality=borchen",
        f"/offers/analysis/print?school_year={YEAR}",
    ):
        assert coord.get(url).status_code == 200
    xlsx = coord.get(f"/offers/analysis?school_year={YEAR}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    r = coord.post(
        "/offers/analysis/topic",
        data={"csrf_token": ccsrf, "school_year": YEAR, "municipality": "borchen", "life_area": "childcare"},
    )
    assert r.status_code == 303 and "/topics/" in r.headers["Location"]
    topic = coord.get(r.headers["Location"]).text
    assert "kein passendes Angebot in Borchen" in topic and "/offers/analysis/print" in topic
    for secret in (CLIENT["given_name"], CLIENT["family_name"], "02.04.1990", "1990-04-02", "Eigene Wohnung"):
        assert secret not in topic
    assert client.get("/offers/analysis").status_code == 403  # case managers see no analysis
