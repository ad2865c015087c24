"""In headless Chromium against the real server: the data-protection officer filters the audit trail by a
case's pseudonym and downloads the Art. 15 letter (PDF) for one person; a screenshot of the trail page (the
officer's main page) is kept in artifacts/screenshots."""

from __future__ import annotations

import shutil
import subprocess

import requests

from tests import lifecycle_data as d
from tests.api.helpers import CLIENT

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures

SHOTS = ARTIFACTS / "screenshots"


def _case(server, headers, **client) -> dict:
    r = requests.post(
        server.url + "/cases",
        json={"municipality": "borchen", "client": {**CLIENT, **client}},
        headers=headers,
        timeout=30,
    )
    assert r.status_code == 201, r.text
    case = r.json()
    for bpmn_id, data in (("first_contact", d.FIRST_CONTACT), ("consent", d.CONSENT_YES)):
        tasks = requests.get(
            server.url + "/tasks", params={"case_id": case["id"]}, headers=headers, timeout=30
        )
        (task,) = [t for t in tasks.json()["items"] if t["bpmn_id"] == bpmn_id]
        done = requests.post(
            f"{server.url}/tasks/{task['id']}/complete",
            json={"data": d.not_after_today(data)},
            headers=headers,
            timeout=30,
        )
        assert done.status_code == 200, done.text
    return case


def test_dpo_filters_the_trail_and_downloads_the_letter(live_server, page, tmp_path):  # noqa: F811
    base = site(live_server)
    cm = live_server.token("cm-borchen")
    case = _case(live_server, cm)
    other = _case(live_server, cm, given_name="Omar", family_name="Nasser")
    SHOTS.mkdir(parents=True, exist_ok=True)

    browser_login(page, base, "dpo")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Protokoll").click()
    page.wait_for_selector("#chain-ok")
    assert "Kette vollständig" in page.inner_text("#chain-status")
    page.get_by_label("Fall (Aktenzeichen oder Pseudonym)").fill(case["pseudonym"])
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(lambda url: "case=" in url)
    cells = page.locator("#audit-list tbody td:nth-child(6)").all_inner_texts()
    assert cells and set(cells) == {case["pseudonym"]}
    text = page.inner_text("main")
    assert other["pseudonym"] not in text and "Haddad" not in text and "Nasser" not in text
    page.screenshot(path=str(SHOTS / "dpo-audit-trail.png"), full_page=True)

    page.get_by_role("link", name="Auskunft (Art. 15)").click()
    page.get_by_label("Anlass der Auskunft (z. B. Antrag vom …)").fill("Antrag vom 01.12.2026")
    page.get_by_label("Aktenzeichen oder Pseudonym").fill(case["case_number"])
    with page.expect_download() as info:
        page.get_by_role("button", name="Brief (PDF) herunterladen").click()
    download = info.value
    assert download.suggested_filename == f"auskunft-{case['pseudonym']}.pdf"
    path = tmp_path / "letter.pdf"
    download.save_as(path)
    pdf = path.read_bytes()
    assert pdf[:5] == b"%PDF-" and len(pdf) > 5000
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) reads the letter"
    letter = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "Amina Haddad" in letter and "Auskunft nach Art. 15" in letter and "Nasser" not in letter
    with page.expect_download() as info:
        page.get_by_role("button", name="JSON herunterladen").click()
    assert info.value.suggested_filename == f"auskunft-{case['pseudonym']}.json"
    assert page.errors == []
