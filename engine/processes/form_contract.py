"""The form fields the engine reads: a contract no new form version may break.

Process owners change forms freely in the editor, but the engine's own code and the shipped diagrams
read some fields (a gateway branches on ``route``, the referral list needs ``agency``, the figures
count by dates). A form version that removes such a field, changes its type or format, makes a
required one optional or drops a choice the engine branches on is refused before it is saved;
the verdict names the field and what needs it. Tests hold this table and the reading code together
(tests/engine/processes/test_form_contract.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput


@dataclass(frozen=True)
class Need:
    """What the engine expects of one form field."""

    type: str  # JSON Schema type
    used_for: str  # German: what needs the field ("die Kennzahl ...")
    required: bool = False  # read without a fallback: must stay in the form's "required"
    codes: tuple[str, ...] = ()  # choices the engine branches on: must stay in the field's "enum"
    format: str | None = None  # e.g. "date": read as a date
    removable: bool = False  # read only if present: may go, but must not change its type


DATE = "date"
_LIFECYCLE = "Prozess „Fallverlauf“"
_UMA = "Prozess „UmA-Nachverfolgung“"
_PERSONAL_CHECK = "die Prüfung von Themen auf personenbezogene Daten"
_TRAIL = "den Verlauf des Themas"


def _text(what: str) -> Need:
    """A free text of an escalation step: checked for client data, shown in the trail."""
    return Need("string", f"{_PERSONAL_CHECK} und {what}", removable=True)


def _decided_on(what: str) -> Need:
    return Need("string", f"das Datum im Verlauf des Themas ({what})", format=DATE)


CONTRACT: dict[str, dict[str, Need]] = {
    "first_contact": {
        "contact_date": Need(
            "string", "die Kennzahl „Unterstützte Personen“ (Datum des Erstgesprächs)", format=DATE
        ),
        "language": Need(
            "string", "die Sprachen, in denen die Einwilligungsbögen angeboten werden", removable=True
        ),
    },
    "consent": {
        "consent_given": Need(
            "boolean",
            f"den Weg nach der Einwilligung ({_LIFECYCLE}) und das Einwilligungsregister",
            required=True,
        ),
        "consent_date": Need("string", "das Einwilligungsregister (Datum der Einwilligung)", format=DATE),
        "data_processing": Need("boolean", "das Einwilligungsregister (Einwilligung zur Datenverarbeitung)"),
        "confidentiality_release_agencies": Need(
            "array",
            "das Einwilligungsregister (Schweigepflichtentbindungen je Stelle) und die Prüfung "
            "von Verweisungen",
        ),
        "form_version": Need(
            "string", "das Einwilligungsregister (Fassung des Einwilligungsformulars)", removable=True
        ),
        "sheet_language": Need(
            "string", "das Einwilligungsregister (Sprache des unterschriebenen Bogens)", removable=True
        ),
        "interpreter_service": Need(
            "string", "die Dolmetschpflicht bei Bögen im Entwurf (Einwilligungsregister)", removable=True
        ),
    },
    "assessment": {
        "route": Need(
            "string",
            f"den Weg nach der Falleinschätzung ({_LIFECYCLE}) und die Fallart",
            required=True,
            codes=("referral", "accompaniment"),
        ),
        "needs": Need(
            "array",
            "die Prüfung der Haushaltsmitglieder, die ein Bedarf nennt (member_ids), und die "
            "Ist-/Bedarfsanalyse der Angebote (Lebensbereiche)",
            removable=True,
        ),
    },
    "referral": {
        "agency": Need(
            "string",
            "die Prüfung der Schweigepflichtentbindung, die Verweisungsliste der "
            "Stellen und die Kennzahl „Verweisungen nach Stelle“ (ohne Stelle: Verweisungen abschließen)",
        ),
        "referral_date": Need(
            "string", "die Verweisungsliste und die Kennzahl „Verweisungen nach Stelle“ (Datum)", format=DATE
        ),
    },
    "goal_agreement": {
        "agreement_date": Need("string", "die Kennzahl „CM-Fälle“ (Datum der Zielvereinbarung)", format=DATE),
        "review_interval_weeks": Need("integer", f"die Frist der Evaluation ({_LIFECYCLE})", removable=True),
        "goals": Need("array", "die Ziele des Falls (je Ziel eine Nummer) und die Fallseite", removable=True),
    },
    "evaluation": {
        "continue": Need(
            "boolean",
            f"den Weg nach der Evaluation ({_LIFECYCLE}: weiter begleiten oder abschließen)",
            required=True,
        ),
        "progress": Need(
            "array", "den Stand der Ziele (Ziel-Nummer und Stand je Ziel) auf der Fallseite", removable=True
        ),
        "evaluation_date": Need("string", "den Stand der Ziele (Datum der letzten Bewertung)", format=DATE),
    },
    "final_evaluation": {
        "evaluation_date": Need("string", "die Kennzahl „Ziele erreicht“ (Datum)", format=DATE),
        "goals_met": Need("string", "die Kennzahl „Ziele erreicht“ (alle, teilweise, keine)"),
        "structural_gaps": Need(
            "array", "die Einträge „kein passendes Angebot“ (Lebensbereich und Grund)", removable=True
        ),
    },
    "closure": {
        "closure_reason": Need(
            "string", "den Abschlussgrund des Falls und die Kennzahl „Abschlüsse nach Grund“"
        ),
        "closure_date": Need("string", "die Kennzahl „Abschlüsse nach Grund“ (Datum)", format=DATE),
    },
    "uma_coordination": {
        "responsible": Need("string", "die Übersicht der Nachverfolgungen (zuständig)", removable=True),
        "responsible_person": Need(
            "string", "die Übersicht der Nachverfolgungen (Ansprechperson)", removable=True
        ),
    },
    "uma_job_start": {
        "placement_kind": Need(
            "string", "die Übersicht der Nachverfolgungen (Arbeit oder Ausbildung)", removable=True
        ),
        "start_date": Need(
            "string",
            f"die Frist der Nachverfolgung nach sechs Monaten ({_UMA}) und die "
            "Übersicht der Nachverfolgungen",
            required=True,
            format=DATE,
        ),
    },
    "uma_followup": {
        "outcome": Need(
            "string",
            f"den Weg nach der Nachverfolgung ({_UMA}) und den Abschluss in der "
            "Übersicht der Nachverfolgungen",
            required=True,
            codes=("still_employed", "ended"),
        ),
    },
    "referral_followup": {
        "follow_up_action": Need(
            "string",
            "den Weg nach dem Nachhalten einer Verweisung (Prozess „Verweisung“: weiter warten oder beenden)",
            required=True,
            codes=("wait", "close"),
        ),
    },
    "referral_question": {
        "reply": Need(
            "string",
            "die Antwort auf die Rückfrage einer Stelle (Seite der Verweisung bei der Stelle)",
            required=True,
        ),
    },
    **{
        key: {
            "next_step": Need(
                "string",
                f"den Weg nach der Checkliste ({process}: Unterlagen anfordern oder Ergebnis festhalten)",
                required=True,
                codes=("request_documents", "record_result"),
            ),
            "document_name": Need("string", f"den Titel der Aufgabe „Unterlagen einholen“ ({process})"),
            "document_due": Need(
                "string",
                f"die Frist und die Erinnerung der Aufgabe „Unterlagen einholen“ ({process})",
                format=DATE,
            ),
            "missing": Need("array", "das Ergebnis der Prüfung (was fehlt und ab wann)", removable=True),
            "assessment_notes": Need(
                "string", "das Ergebnis der Prüfung (Anmerkungen der Behörde)", removable=True
            ),
        }
        for key, process in (
            ("check_residence", "Prozess „Bleiberechtsprüfung“"),
            ("check_naturalisation", "Prozess „Einbürgerungsprüfung“"),
        )
    },
    "uma_checkin": {
        "status": Need(
            "string",
            f"den Weg nach der Rückmeldung ({_UMA}: Ende der Arbeit oder Ausbildung, zweimal nicht erreicht)",
            required=True,
            codes=("not_reached", "ended"),
        ),
    },
    "escalation_local": {
        "decision_date": _decided_on("örtliches Gremium; Kennzahl „Eskalierte Themen“"),
        "local_outcome": Need(
            "string",
            f"den Weg nach dem örtlichen Gremium (Prozess „Eskalation“) und {_TRAIL}",
            required=True,
            codes=("resolved", "escalated"),
        ),
        "reason": _text(_TRAIL),
        "solution": _text(_TRAIL),
    },
    "escalation_paper": {
        "prepared_on": _decided_on("Entscheidungsvorlage"),
        "summary": _text(_TRAIL),
        "reason": _text(_TRAIL),
    },
    "escalation_steering": {
        "decision_date": _decided_on("Lenkungsgruppe; Kennzahl „Eskalierte Themen“"),
        "steering_outcome": Need(
            "string",
            f"den Weg nach der Lenkungsgruppe (Prozess „Eskalation“) und {_TRAIL}",
            required=True,
            codes=("resolved", "working_group", "forward_state"),
        ),
        "reason": _text(_TRAIL),
        "solution": _text(_TRAIL),
        "working_group_id": Need("integer", "die Zuordnung einer bestehenden Arbeitsgruppe", removable=True),
        "working_group_name": Need(
            "string", "das Einsetzen einer neuen Arbeitsgruppe und " + _PERSONAL_CHECK
        ),
        "working_group_field": Need("string", "das Handlungsfeld einer neuen Arbeitsgruppe", removable=True),
        "mandate": _text("den Auftrag einer neuen Arbeitsgruppe"),
    },
    "escalation_wg_result": {
        "reported_on": _decided_on("Ergebnis der Arbeitsgruppe"),
        "result": _text(_TRAIL),
    },
    "escalation_informed": {
        "informed_on": _decided_on("Lenkungsgruppe informiert"),
        "note": _text(_TRAIL),
    },
    "escalation_forward": {
        "forwarded_on": _decided_on("Weiterleitung an das Land"),
        "recipient_authority": Need("string", "das Thema (Landesbehörde, an die es ging)", removable=True),
        "reference": Need("string", "das Thema (Aktenzeichen beim Land)", removable=True),
        "answer_within": Need(
            "string", "die Erinnerungsfrist für die Antwort des Landes (Prozess „Eskalation“)", removable=True
        ),
        "note": _text(_TRAIL),
    },
    "escalation_answer": {
        "answered_on": _decided_on("Antwort des Landes"),
        "answer": _text(_TRAIL),
    },
    "escalation_reminder": {
        "reminded_on": _decided_on("Nachfassen beim Land"),
        "note": _text(_TRAIL),
    },
}

_TYPE_NAMES = {
    "string": "Text",
    "boolean": "Ja/Nein",
    "integer": "ganze Zahl",
    "number": "Zahl",
    "array": "Liste",
    "object": "Objekt",
}


def _problems(name: str, need: Need, field: Any, required: list) -> list[str]:
    """What the new version of one field breaks, in German (empty: nothing)."""
    needed = f"Das Feld „{name}“ wird gebraucht für {need.used_for}"
    if not isinstance(field, dict):
        return [] if need.removable and field is None else [f"{needed}; es darf nicht entfernt werden."]
    out = []
    if field.get("type") != need.type:
        shown = _TYPE_NAMES.get(need.type, need.type)
        out.append(f"{needed}; es muss den Typ {shown} ({need.type}) behalten.")
    if need.format and field.get("format") != need.format:
        out.append(f"{needed}; es muss das Format {need.format} behalten.")
    if need.required and name not in required:
        out.append(f"{needed}; es muss ein Pflichtfeld bleiben.")
    choices = field.get("enum")
    missing = [c for c in need.codes if not isinstance(choices, list) or c not in choices]
    if missing:
        out.append(f"{needed}; die Auswahlwerte {', '.join(missing)} dürfen nicht entfernt werden.")
    return out


def violations(form_key: str, schema: Any) -> dict[str, list[str]]:
    """Per field path (``schema.properties.<feld>``), how ``schema`` breaks the contract of ``form_key``."""
    needs = CONTRACT.get(form_key)
    if not needs:
        return {}
    schema = schema if isinstance(schema, dict) else {}
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    required = schema.get("required") if isinstance(schema.get("required"), list) else []
    out = {}
    for name, need in needs.items():
        problems = _problems(name, need, properties.get(name), required)
        if problems:
            out[f"schema.properties.{name}"] = problems
    return out


def require_contract(form_key: str, schema: Any) -> None:
    """Refuse a form version that breaks what the engine reads; nothing is saved then."""
    broken = violations(form_key, schema)
    if broken:
        names = ", ".join(path.rsplit(".", 1)[-1] for path in broken)
        raise InvalidInput(
            f"Das Formular „{form_key}“ kann so nicht gespeichert werden: die Engine liest "
            f"die Felder {names}. Die Gründe stehen je Feld.",
            kind="form-contract-violated",
            errors=broken,
        )
