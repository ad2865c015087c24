"""The sheets as PDF in every language: the script is there, right-to-left text in logical order, the
agencies exactly as chosen, the tenant's DPO and storage period; drafts and missing languages say so."""

from __future__ import annotations

import pytest

from engine.sheets import catalogues, documents
from tests.sheets_pdf import DIACRITICS, SCRIPT_OF, count_in, pdf_lines, pdf_text, words

DPO = "Frau Dr. Datenschutz, dsb@kreis.example"
DATA = documents.SheetData(
    tenant="Kreis Paderborn",
    controller="Kreis Paderborn, Der Landrat, Aldegreverstraße 10, 33102 Paderborn",
    dpo=DPO,
    retention_days=1461,
    client="Amina Haddad",
    agencies=("Jobcenter (SGB II)", "Ausländerbehörde"),
    members=("Amina Haddad", "Samir Haddad"),
    case_ref="PB-2026-0001",
)
ALL_AGENCIES = (
    "Jobcenter (SGB II)",
    "Agentur für Arbeit (SGB III)",
    "Jugendamt (SGB VIII)",
    "Sozialamt (SGB XII)",
    "Ausländerbehörde",
    "Einbürgerungsbehörde",
    "Schule",
)
LANGUAGES = ("de", "en", "ar", "prs", "fa", "uk", "ru", "tr", "kmr", "ti", "ps", "so", "fr")


def _render(document: str, code: str, data: documents.SheetData = DATA) -> documents.Sheet:
    try:
        client = catalogues.shipped(code)
    except KeyError:
        client = None
    return documents.render(document, code, catalogues.shipped("de"), client, data)


@pytest.mark.parametrize("code", LANGUAGES)
def test_release_and_information_in_every_language(code):
    release, information = _render("release", code), _render("information", code)
    cat = catalogues.shipped(code)
    for sheet in (release, information):
        assert sheet.pdf.startswith(b"%PDF-") and sheet.version == cat.label
        assert sheet.draft is (code != "de")
    text = pdf_text(release.pdf) + " " + pdf_text(information.pdf)
    script = SCRIPT_OF.get(code, "latin")
    assert count_in(text, script) > 200, (code, script)
    if code in DIACRITICS:
        assert DIACRITICS[code] in text
    # every paragraph's text is there in logical order (right-to-left: as written, not mirrored)
    for msgid in ("release.title", "release.text", "release.withdraw", "info.title", "info.rights"):
        found = words(cat.messages[msgid])
        assert len(found) >= 3 and all(w in text for w in found), (
            code,
            msgid,
            [w for w in found if w not in text],
        )
    assert " ".join(cat.messages["release.title"].split()) in text  # one line without punctuation: whole
    if code in ("ar", "fa", "prs", "ps"):  # and not mirrored: the longest word reversed is nowhere
        longest = max(words(cat.messages["release.text"]), key=len)
        assert longest[::-1] not in text
    # the agencies: exactly the chosen ones, each once, as a list of their own
    listed = [line.removeprefix("•").strip() for line in pdf_lines(release.pdf) if line.startswith("•")]
    assert listed == ["Jobcenter (SGB II)", "Ausländerbehörde"], listed
    for other in set(ALL_AGENCIES) - set(DATA.agencies):
        assert other not in text
    # the tenant's DPO and storage period, in German and in the client's language
    assert text.count(DPO) == (1 if code == "de" else 2)
    assert text.count("1461") == (1 if code == "de" else 2)
    assert "Frau Dr. Datenschutz" in text and "Amina Haddad, Samir Haddad" in text
    # the review state: footer, and a draft says so in both languages
    footer = "Übersetzung: geprüft" if code == "de" else "Übersetzung: Entwurf"
    assert footer in text and "KIM-SE · PB-2026-0001" in text
    if code != "de":
        assert catalogues.shipped("de").messages["sheet.draft_notice"] in text
        assert all(w in text for w in words(cat.messages["sheet.draft_notice"]))


def test_right_to_left_paragraphs_are_marked_for_the_layout_engine():
    html = documents.html("consent", "fa", catalogues.shipped("de"), catalogues.shipped("fa"), DATA)
    assert 'lang="fa" dir="rtl"' in html and 'lang="de"' in html
    assert '"Noto Naskh Arabic"' in html and '"Noto Sans Ethiopic"' in html
    assert 'lang="uk" dir="ltr"' in documents.html(
        "consent", "uk", catalogues.shipped("de"), catalogues.shipped("uk"), DATA
    )


def test_a_language_without_catalogue_gets_the_german_text_with_a_notice_never_a_blank_page():
    sheet = _render("consent", "ckb")
    text = pdf_text(sheet.pdf)
    assert "Dieser Bogen liegt in der Sprache Sorani noch nicht vor. Es gilt der deutsche Text." in text
    assert "This sheet is not yet available in the client's language (Sorani)." in text
    assert catalogues.shipped("de").messages["consent.voluntary"] in text
    assert sheet.printed_in == "de" and "Sorani: nicht vorhanden" in text


def test_the_about_sheet_and_the_consent_fill_in_the_tenant_and_the_client():
    about = pdf_text(_render("about", "uk").pdf)
    assert "Ihr Kontakt: Kreis Paderborn" in about and "Ваш контакт: Kreis Paderborn" in about
    consent = pdf_text(_render("consent", "de").pdf)
    assert "Name der Klientin oder des Klienten: Amina Haddad" in consent
    assert "Ort, Datum, Unterschrift" in consent and "Entwurf" not in consent
