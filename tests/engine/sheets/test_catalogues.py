"""The catalogues: every shipped one matches the German source; uploads are checked before storing."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.sheets import catalogues
from engine.sheets.languages import RIGHT_TO_LEFT, code_of

LANGUAGES = ("de", "en", "ar", "prs", "fa", "uk", "ru", "tr", "kmr", "ti", "ps", "so", "fr")


def test_every_required_language_ships_with_every_message_and_the_german_placeholders():
    german = catalogues.shipped("de")
    assert set(catalogues.shipped_codes()) >= set(LANGUAGES)
    assert german.reviewed and german.label == "de 1 (geprüft)"
    for code in LANGUAGES:
        cat = catalogues.shipped(code)
        assert set(cat.messages) == set(german.messages), code
        for msgid, text in cat.messages.items():
            assert catalogues.placeholders(text) == catalogues.placeholders(german.messages[msgid]), (
                code,
                msgid,
            )
        if code != "de":  # translations written without a certified translator: drafts, never "reviewed"
            assert cat.review_state == "draft" and not cat.reviewed and cat.label.endswith("(Entwurf)"), code


def test_free_text_and_codes_of_the_first_contact_map_to_catalogue_codes():
    assert code_of("Arabisch") == "ar" and code_of(" arabic ") == "ar" and code_of("ar") == "ar"
    assert code_of("Dari") == "prs" and code_of("ku") == "kmr" and code_of("Tigrinya") == "ti"
    assert code_of("Klingonisch") is None and code_of("") is None
    assert {"ar", "fa", "prs", "ps", "ckb"} == RIGHT_TO_LEFT


def _po(
    entries: dict[str, str],
    state: str = "reviewed",
    by: str = "Übersetzungsbüro Nord",
    on: str = "2026-11-30",
):
    head = (
        'msgid ""\nmsgstr ""\n"Project-Id-Version: KIM Bögen 7\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n'
        f'"X-Review-State: {state}\\n"\n"X-Reviewed-By: {by}\\n"\n"X-Reviewed-On: {on}\\n"\n\n'
    )
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    return (head + body).encode("utf-8")


def test_a_reviewed_upload_keeps_who_and_when_and_its_version():
    cat = catalogues.parse("ar", _po({"info.dpo": "مسؤول حماية البيانات: {dpo}"}))
    assert cat.reviewed and cat.reviewed_by == "Übersetzungsbüro Nord" and cat.reviewed_on == "2026-11-30"
    assert cat.version == "7" and cat.label == "ar 7 Träger (geprüft)"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (_po({"info.dpo": "مسؤول حماية البيانات"}), "„info.dpo“ fehlt der Platzhalter {dpo}"),
        (
            _po({"info.storage": "{retention} {days}"}),
            "„info.storage“ steht der unbekannte Platzhalter {days}",
        ),
        (
            _po({"consent.purpose": "{tenant}", "consent.nonsense": "x"}),
            "Unbekannte Nachricht „consent.nonsense“",
        ),
        (b"this is not a po file\n", "keine lesbare .po-Datei"),
        (b"\xff\xfe not utf-8", "nicht in UTF-8"),
        (_po({"about.title": "x"}, state="ok"), "X-Review-State"),
        (_po({"about.title": "x"}, by=""), "X-Reviewed-By"),
        (_po({}), "keine übersetzten Nachrichten"),
    ],
)
def test_a_bad_upload_is_refused_with_a_german_message_naming_the_message_id(raw, names):
    with pytest.raises(InvalidInput) as caught:
        catalogues.parse("ar", raw)
    assert names in caught.value.errors["catalogue"][0], caught.value.errors
