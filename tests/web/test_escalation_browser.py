"""In headless Chromium against the real server: a coordinator takes one topic from a case up to the state
and back (raise, local body, decision paper, the Lenkungsgruppe's meeting with its agenda reordered and
its minutes, forwarding with an answer deadline, the answer), downloads the minutes as PDF, and the
Lenkungsgruppe reads the minutes of that past meeting; no page names the case's client."""

from __future__ import annotations

import shutil
import subprocess

import requests
from axe_playwright_python.sync_playwright import Axe

from engine.clock import today_berlin
from tests.engine.escalations.helpers import LOCAL_ESCALATE, PAPER

from .helpers import browser_login, site
from .test_coordinator_browser import CLIENTS, SECRETS
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures

SHOTS = ARTIFACTS / "escalation"
TITLE = "Fehlende Abendkurse für Berufstätige"
ANSWER = "Das Land fördert ab Februar zwei Abendkurse; Lösung: Kurse in Borchen und Delbrück."


def _api(server, method: str, path: str, headers: dict, expect: int = 200, **kw) -> dict:
    r = requests.request(method, server.url + path, headers=headers, timeout=30, **kw)
    assert r.status_code == expect, r.text
    return r.json()


def _no_client_data(pg, where: str) -> None:
    html, text = pg.content().lower(), pg.inner_text("body").lower()
    leaks = [s for s in SECRETS if s.lower() in html or s.lower() in text]
    assert leaks == [], (where, leaks)


def _accessible(pg, where: str) -> None:
    """No axe-core violation of serious or critical impact on the page."""
    bad = [
        (v["id"], v["impact"], [n["html"][:100] for n in v["nodes"]])
        for v in Axe().run(pg).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], (where, bad)


def _prepare(server) -> tuple[dict, dict]:
    """A case of Borchen, and another topic already waiting for the Lenkungsgruppe."""
    cm, coord = server.token("cm-borchen"), server.token("coordinator")
    case = _api(server, "POST", "/cases", cm, 201, json={"municipality": "borchen", "client": CLIENTS[0]})
    other = _api(
        server,
        "POST",
        "/topics",
        cm,
        201,
        json={
            "title": "Fehlende Kita-Plätze",
            "category": "education",
            "municipality": "Borchen",
            "description": "Kinder warten über ein Jahr.",
        },
    )
    _api(server, "POST", f"/topics/{other['id']}/decisions", cm, json={"data": LOCAL_ESCALATE})
    _api(server, "POST", f"/topics/{other['id']}/decisions", coord, json={"data": PAPER})
    return case, other


def _item(pg, number: str):
    return pg.locator("section.agenda-item", has=pg.get_by_role("heading", name=number))


def test_the_coordinator_takes_a_topic_to_the_state_and_back_and_the_lenkungsgruppe_reads_the_minutes(
    live_server,
    page,  # noqa: F811
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = site(live_server)
    case, other = _prepare(live_server)
    browser_login(page, base, "coordinator")

    # Raise the topic from the case, linked by its pseudonym.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Themen").click()
    page.get_by_role("link", name="Thema einbringen").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Lebensbereich").select_option(label="Sprache")
    page.get_by_label("Gemeinde").select_option(label="Borchen")
    page.get_by_label("Beschreibung").fill("Kurse nur vormittags; Berufstätige können nicht teilnehmen.")
    page.get_by_label("Fälle (Pseudonyme, durch Komma getrennt)").fill(case["pseudonym"])
    _accessible(page, "raise a topic")
    page.get_by_role("button", name="Thema einbringen").click()
    page.wait_for_url(f"{base}/topics/*")
    topic_url = page.url
    assert TITLE in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name=case["pseudonym"]).count() == 1
    _no_client_data(page, "topic raised")

    # The local body escalates it: a missing reason first (German message next to the field).
    step = page.locator("section", has=page.get_by_role("heading", name="Nächster Schritt"))
    step.get_by_label("An die Lenkungsgruppe eskalieren").check()
    step.get_by_role("button", name="Entscheidung speichern").click()
    assert page.locator("#f-reason-error").inner_text() != ""
    _accessible(page, "topic step form with an error")
    assert "Bitte die markierten Angaben" in page.inner_text("main") or page.locator(".error-summary").count()
    step = page.locator("section", has=page.get_by_role("heading", name="Nächster Schritt"))
    step.get_by_label("Begründung").fill("Vor Ort nicht lösbar")
    step.get_by_role("button", name="Entscheidung speichern").click()
    page.wait_for_url(topic_url)
    assert "Nächster Schritt: Entscheidungsvorlage erstellen" in page.inner_text("main")

    step = page.locator("section", has=page.get_by_role("heading", name="Nächster Schritt"))
    step.get_by_label("Sachstand").fill("Drei Kommunen betroffen")
    proposal = step.get_by_role("group", name="Beschlussvorschlag")
    proposal.get_by_label("An die Landesbehörde weiterleiten").check()
    step.get_by_label("Begründung des Vorschlags").fill("Förderung ist Landessache")
    step.get_by_role("button", name="Entscheidung speichern").click()
    assert "Nächster Schritt: Beratung in der Lenkungsgruppe" in page.inner_text("main")
    number = page.get_by_role("heading", level=1).inner_text().split(":")[0].removeprefix("Thema ").strip()

    # A meeting of the Lenkungsgruppe today: agenda from the open topics, ours moved to the top.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Sitzungen").click()
    page.wait_for_url(base + "/meetings")
    plan = page.locator("section", has=page.get_by_role("heading", name="Sitzung planen"))
    plan.get_by_label("Gremium").select_option(label="Lenkungsgruppe KIM (Lenkungsgruppe)")
    plan.get_by_label("Datum der Sitzung").fill(today_berlin().isoformat())
    plan.get_by_label("Ort").fill("Kreishaus, Raum 2")
    plan.get_by_role("button", name="Sitzung planen").click()
    page.wait_for_url(f"{base}/meetings/*")
    meeting_url = page.url
    page.get_by_role("button", name="Tagesordnung aus offenen Themen zusammenstellen").click()
    rows = page.locator("#h-agenda + * tbody tr, section:has(#h-agenda) tbody tr")
    assert rows.count() == 2 and other["number"] in rows.nth(0).inner_text()
    page.get_by_role("button", name=f"{number} nach oben").click()
    rows = page.locator("section:has(#h-agenda) tbody tr")
    assert number in rows.nth(0).inner_text() and other["number"] in rows.nth(1).inner_text()
    _no_client_data(page, "meeting")
    _accessible(page, "meeting")
    page.screenshot(path=str(SHOTS / "coordinator-meeting.png"), full_page=True)

    # The minutes: ours forwarded to the state, the other one resolved (confirmed first).
    page.get_by_role("link", name="Protokoll erfassen").click()
    _accessible(page, "minutes form")
    ours, theirs = _item(page, f"TOP 1: {number}"), _item(page, f"TOP 2: {other['number']}")
    ours.get_by_label("An die Landesbehörde weiterleiten").check()
    ours.get_by_label("Begründung").fill("Landesförderung nötig")
    theirs.get_by_label("Gelöst", exact=True).check()
    theirs.get_by_label("Begründung").fill("Kreis schafft Plätze")
    theirs.get_by_label("Lösung (bei „gelöst“)").fill("Zwei neue Gruppen ab März")
    seats = page.get_by_role("group", name="Mitglieder").get_by_role("checkbox")
    assert seats.count() > 3
    seats.nth(0).check()
    seats.nth(1).check()
    page.get_by_label("Weitere Teilnehmende (Funktionen)").fill("Jobcenter, Integrationsagentur")
    page.get_by_label("Bemerkungen zur Sitzung").fill("Beschlussfähig")
    page.get_by_role("button", name="Protokoll speichern").click()
    confirm = page.get_by_role("alert").filter(has_text="Bitte bestätigen")
    assert "Das Thema wird als in der Lenkungsgruppe gelöst abgeschlossen." in confirm.inner_text()
    _accessible(page, "minutes to confirm")
    confirm.get_by_role("button", name="Ja, Protokoll so speichern").click()
    page.wait_for_url(meeting_url)
    minutes = page.locator("section", has=page.get_by_role("heading", name="Protokoll", exact=True))
    assert "Jobcenter, Integrationsagentur" in minutes.inner_text()
    assert minutes.inner_text().count(": anwesend") == 2
    assert "Zwei neue Gruppen ab März" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="Protokoll als PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf[:5] == b"%PDF-" and len(pdf) > 2000
    if shutil.which("pdftotext"):  # poppler's tool where installed: the topic is in the printed minutes
        out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        text = " ".join(out.decode().split())  # table cells wrap their lines
        assert (
            TITLE in text and "Protokoll: Lenkungsgruppe KIM" in text and "Zwei neue Gruppen ab März" in text
        )
    (SHOTS / "minutes.pdf").write_bytes(pdf)

    # Forward to the state with an answer deadline, then record the answer.
    page.goto(topic_url)
    step = page.locator("section", has=page.get_by_role("heading", name="Nächster Schritt"))
    assert "An die Landesbehörde weiterleiten" in step.inner_text()
    step.get_by_label("Empfangende Landesbehörde").fill("Ministerium für Kinder, Jugend, Familie NRW")
    step.get_by_label("Aktenzeichen / Bezug").fill("KIM-PB-2026-11")
    step.get_by_label("Antwort erwartet innerhalb (ISO-Dauer, z. B. P6W)").fill("P4W")
    step.get_by_role("button", name="Entscheidung speichern").click()
    step = page.locator("section", has=page.get_by_role("heading", name="Nächster Schritt"))
    assert "Antwort der Landesbehörde erfassen" in step.inner_text()
    step.get_by_label("Antwort (Zusammenfassung)").fill(ANSWER)
    step.get_by_role("button", name="Entscheidung speichern").click()
    main = page.inner_text("main")
    assert "Nächster Schritt" not in main and ANSWER in main and "KIM-PB-2026-11" in main
    trail = page.locator("section", has=page.get_by_role("heading", name="Verlauf der Entscheidungen"))
    assert trail.locator("tbody tr").count() >= 7
    _no_client_data(page, "topic answered")
    page.goto(base + "/meetings")
    _no_client_data(page, "meetings")
    _accessible(page, "meetings")
    page.screenshot(path=str(SHOTS / "coordinator-meetings.png"), full_page=True)
    page.context.clear_cookies()

    # The Lenkungsgruppe reads the minutes of the past meeting.
    browser_login(page, base, "steering")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Sitzungen").click()
    past = page.locator("section", has=page.get_by_role("heading", name="Vergangene Sitzungen"))
    assert "Kreishaus, Raum 2" in past.inner_text()
    page.screenshot(path=str(SHOTS / "lenkungsgruppe-meetings.png"), full_page=True)
    past.get_by_role("link").first.click()
    page.wait_for_url(meeting_url)
    main = page.inner_text("main")
    assert (
        "Landesförderung nötig" in main and "Zwei neue Gruppen ab März" in main and "Beschlussfähig" in main
    )
    assert page.get_by_role("link", name="Protokoll als PDF").count() == 1
    assert page.get_by_role("button", name="Protokoll speichern").count() == 0
    _no_client_data(page, "minutes for the Lenkungsgruppe")
    _accessible(page, "held meeting")
    page.screenshot(path=str(SHOTS / "lenkungsgruppe-minutes.png"), full_page=True)
    assert page.errors == [f"422 {topic_url}/decide"]  # the missing reason, and nothing else
