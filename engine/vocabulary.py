"""One source of labels: every code a person may read, with its German label.

Codes chosen in forms take their labels from the forms' ``x-enum-titles``; codes the engine itself
sets (statuses, closure reasons, internal kinds) are listed in :data:`ENGINE`. Web pages, exports
and the API all ask :func:`label`; nothing keeps its own copy.

A vocabulary is named ``"<form key>.<field>"`` for form codes (``"referral.agency"``,
``"assessment.needs.life_area"`` for a field inside an array of objects) or by one of the names in
:data:`ENGINE` (``"case.status"``). An engine vocabulary may also take the codes of form fields
(:data:`SHARED`): ``"case.closure_reason"`` is the closure form's reasons plus the two the process
sets itself (no consent, consent withdrawn).

Where form labels come from: the deployed form versions in the database, not only the files.
Process owners edit and deploy forms in the browser; a code they add (a new agency) exists only in
the database, and data recorded under an older version may hold a code the current version dropped.
So the labels of a form field are merged: the files (what a fresh installation deploys) first,
then every deployed version from the oldest to the current one, a later version's title winning.
A code of any version ever deployed therefore keeps a label, and a title edited in the browser is
what every page shows. Form versions are immutable and each deployment adds a row with a higher id,
so :func:`refresh` (called by the read functions, one indexed query) reloads only when a version was
added; until it runs (scripts, start-up) the files answer. A code that no version and no engine list
knows (bad data) is marked as such by :func:`label`, never shown as if it were a label.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .processes.models import FormVersion

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"
UNKNOWN = "„{code}“ (ohne Bezeichnung)"

# Codes set by the engine, not chosen in a form (or set in addition to a form's codes, see SHARED).
ENGINE: dict[str, dict[str, str]] = {
    "case.status": {"open": "offen", "closed": "abgeschlossen"},
    "case.closure_reason": {
        "no_consent": "Keine Einwilligung (ohne CM-Fall abgeschlossen)",
        "consent_withdrawn": "Einwilligung widerrufen",
        "other": "Sonstiges",
    },
    "household.relationship": {
        "self": "Person des Falls",
        "partner": "Ehe- oder Lebenspartner/in",
        "child": "Kind",
        "parent": "Elternteil",
        "sibling": "Geschwister",
        "grandparent": "Großelternteil",
        "other_relative": "andere Verwandte",
        "other": "andere Person im Haushalt",
    },
    # a goal's status: the evaluation's four (form evaluation, progress.status, see SHARED) and these two
    "goal.progress": {"open": "noch nicht bewertet", "dropped": "aufgegeben"},
    "residence.status": {
        "gestattung": "Aufenthaltsgestattung",
        "duldung": "Duldung",
        "chancen_104c": "Chancen-Aufenthaltsrecht (§ 104c AufenthG)",
        "ae_25a": "Aufenthaltserlaubnis § 25a AufenthG",
        "ae_25b": "Aufenthaltserlaubnis § 25b AufenthG",
        "ae_24": "Aufenthaltserlaubnis § 24 AufenthG (vorübergehender Schutz)",
        "ae_other": "andere Aufenthaltserlaubnis",
        "settled": "Niederlassungserlaubnis / Daueraufenthalt",
        "eu_citizen": "Unionsbürger/in (EU/EWR)",
        "german": "deutsche Staatsangehörigkeit (auch eingebürgert)",
        "unknown": "unbekannt",
    },
    "consent.kind": {
        "data_processing": "Einwilligung in die Datenverarbeitung",
        "confidentiality_release": "Schweigepflichtentbindung",
    },
    "task.status": {"ready": "offen", "completed": "erledigt", "cancelled": "abgebrochen"},
    "instance.status": {"running": "läuft", "completed": "abgeschlossen", "cancelled": "abgebrochen"},
    "history.state": {
        "completed": "erledigt",
        "ready": "begonnen",
        "cancelled": "abgebrochen",
        "error": "fehlgeschlagen",
    },
    "history.event_state": {"completed": "eingetreten", "cancelled": "entfallen", "error": "fehlgeschlagen"},
    "history.assignment_state": {"completed": "Zuständigkeit gewechselt"},
    "history.kind": {
        "task": "Aufgabe",
        "assignment": "Zuständigkeit",
        "event": "Ereignis",
        "step": "Automatischer Schritt",
        "gateway": "Verzweigung",
    },
    "followup.status": {
        "planning": "in Planung",
        "waiting": "läuft",
        "done": "abgeschlossen",
        "stopped": "beendet (Fall geschlossen)",
    },
    "followup.state": {
        "planning": "in Planung",
        "scheduled": "geplant",
        "due": "fällig",
        "overdue": "überfällig",
        "done": "abgeschlossen",
        "stopped": "beendet (Fall geschlossen)",
    },
    "user.role": {
        "case_manager": "Case-Management",
        "coordinator": "Koordinierende Stelle",
        "process_owner": "Prozessverantwortung",
        "steering": "Lenkungsgruppe",
        "authority": "Behörde",
        "admin": "Administration",
        "dpo": "Datenschutzbeauftragte:r",
        "state": "Land (Programmsteuerung)",
    },
    "deletion.reason": {
        "retention_period": "Aufbewahrungsfrist abgelaufen",
        "consent_withdrawn": "Einwilligung widerrufen",
    },
    "topic.status": {"open": "offen", "done": "abgeschlossen"},
    "topic.level": {
        "local": "Örtliches Gremium",
        "steering": "Lenkungsgruppe",
        "working_group": "Arbeitsgruppe",
        "state": "Landesbehörde",
        "closed": "Abgeschlossen",
    },
    "topic.outcome": {
        "resolved_local": "Vor Ort gelöst",
        "resolved_steering": "In der Lenkungsgruppe gelöst",
        "resolved_working_group": "Über Arbeitsgruppe gelöst",
        "answered_state": "Antwort des Landes erhalten",
    },
    "topic.category": {
        "language": "Sprache",
        "health": "Gesundheit",
        "housing": "Wohnen",
        "education": "Bildung",
        "training": "Ausbildung",
        "work": "Arbeit",
        "residence": "Aufenthalt",
        "other": "Sonstiges",
    },
    "topic.decision": {
        "raised": "Thema eingebracht",
        "resolved": "Gelöst",
        "escalated": "An die Lenkungsgruppe eskaliert",
        "decision_paper": "Entscheidungsvorlage erstellt",
        "working_group": "Arbeitsgruppe eingesetzt/beauftragt",
        "forward_state": "Weiterleitung an das Land beschlossen",
        "reported": "Ergebnis der Arbeitsgruppe eingebracht",
        "informed": "Lenkungsgruppe informiert",
        "forwarded": "An die Landesbehörde weitergeleitet",
        "answered": "Antwort des Landes erfasst",
        "reminded": "Bei der Landesbehörde nachgefasst",
        "reminder_due": "Frist abgelaufen: Erinnerung fällig",
        "deferred": "Vertagt",
        "on_agenda": "Auf die Tagesordnung gesetzt",
    },
    # The escalation process's steps (its user tasks and the two events the trail records).
    "topic.step": {
        "start": "Thema eingebracht",
        "local_decision": "Beratung im örtlichen Gremium",
        "decision_paper": "Entscheidungsvorlage erstellen",
        "steering_decision": "Beratung in der Lenkungsgruppe",
        "working_group_result": "Ergebnis der Arbeitsgruppe einbringen",
        "steering_informed": "Lenkungsgruppe informieren",
        "forward_to_state": "An die Landesbehörde weiterleiten",
        "state_answer": "Antwort der Landesbehörde erfassen",
        "state_reminder": "Bei der Landesbehörde nachfassen",
        "answer_overdue": "Frist für die Antwort des Landes",
    },
    # The stages of the coordinators' funnel, in their order.
    "topic.funnel": {
        "raised": "Eingebracht",
        "resolved_local": "Vor Ort gelöst",
        "escalated": "An die Lenkungsgruppe",
        "resolved_steering": "In der Lenkungsgruppe gelöst",
        "working_group": "An Arbeitsgruppen",
        "resolved_working_group": "Über Arbeitsgruppen gelöst",
        "forwarded": "An das Land weitergeleitet",
        "answered_state": "Antwort des Landes erhalten",
        "open": "Noch offen",
    },
    "note.kind": {
        "phone_call": "Telefonat",
        "visit": "Hausbesuch",
        "meeting": "Gespräch",
        "letter": "Brief",
        "email": "E-Mail",
        "other": "Sonstiges",
    },
    "referral.status": {
        "sent": "gesendet",
        "received": "eingegangen",
        "in_progress": "in Bearbeitung",
        "answered": "beantwortet",
        "declined": "abgelehnt",
        "no_answer": "keine Antwort",
        "question": "Rückfrage offen",
    },
    "body.kind": {
        "local": "Örtliches Gremium",
        "steering": "Lenkungsgruppe",
        "working_group": "Arbeitsgruppe",
    },
    "body.membership": {"permanent": "ständiges Mitglied", "as_needed": "bei Bedarf"},
    "meeting.status": {"planned": "geplant", "held": "stattgefunden"},
    "agenda.status": {
        "open": "offen",
        "decided": "entschieden",
        "deferred": "vertagt",
        "waiting": "wartet auf die Tagesordnung",
    },
    "agenda.kind": {"decision": "zur Entscheidung", "information": "zur Kenntnis"},
    # The agencies' side of a referral (engine/referrals/actions.py)
    "referral.check_result": {
        "met": "Voraussetzungen erfüllt",
        "not_yet_met": "Voraussetzungen noch nicht erfüllt",
        "not_met": "Voraussetzungen nicht erfüllt",
    },
    "referral.decline_reason": {
        "not_responsible": "Nicht zuständig",
        "no_capacity": "Keine Kapazität",
        "requirements_not_met": "Voraussetzungen nicht erfüllt",
        "client_unreachable": "Person nicht erreichbar",
        "already_known": "Bereits bei der Stelle bekannt",
        "other": "Sonstiges",
    },
    # Baustein 3: the authorities' checks (engine/checks)
    "check.kind": {"residence": "Bleiberechtsprüfung", "naturalisation": "Einbürgerungsprüfung"},
    "check.status": {"running": "läuft", "finished": "abgeschlossen", "stopped": "beendet (Fall beendet)"},
}

# Engine vocabularies that also take the codes of form fields (the forms' titles win).
SHARED: dict[str, tuple[str, ...]] = {
    "case.closure_reason": ("closure.closure_reason",),
    "case.route": ("assessment.route",),
    "consent.agency": ("consent.confidentiality_release_agencies", "referral.agency"),
    "followup.outcome": ("uma_followup.outcome",),
    "goal.progress": ("evaluation.progress.status",),
}

# Codes whose label may equal the code (documented exceptions to "a label is not its code").
SAME_AS_CODE: set[tuple[str, str]] = set()


def _enum_titles(node: object, path: tuple[str, ...], out: dict[tuple[str, ...], dict[str, str]]) -> None:
    if isinstance(node, dict):
        if "enum" in node and "x-enum-titles" in node:
            out[path] = dict(zip(node["enum"], node["x-enum-titles"], strict=False))
        for key, value in (node.get("properties") or {}).items():
            _enum_titles(value, (*path, key), out)
        if "items" in node:
            _enum_titles(node["items"], path, out)


def schema_vocabularies(form_key: str, schema: Any) -> dict[str, dict[str, str]]:
    """Every enum with titles in one form schema, named ``<form key>.<field path>``."""
    titles: dict[tuple[str, ...], dict[str, str]] = {}
    _enum_titles(schema, (), titles)
    return {".".join((form_key, *path)): mapping for path, mapping in titles.items()}


@cache
def form_vocabularies(forms_dir: Path = FORMS_DIR) -> dict[str, dict[str, str]]:
    """Every enum with titles in the form files, named ``<form key>.<field path>``."""
    found: dict[str, dict[str, str]] = {}
    for file in sorted(forms_dir.glob("*.json")):
        found.update(schema_vocabularies(file.stem, json.loads(file.read_text(encoding="utf-8"))))
    return found


class _Deployed:
    """The form labels merged over the deployed versions of one database (see the module docstring)."""

    key: tuple = ()
    forms: dict[str, dict[str, str]] | None = None


_DEPLOYED = _Deployed()


@cache
def _newest():
    """The newest and the oldest form version's id (built once: it runs at every case reading).

    Form versions are only ever added (a deployment, a tenant's own version), so the newest id tells
    whether anything changed. Both ends of the primary key are one index step each; a count of the
    versions, as before, visited every version of every tenant."""
    return select(
        select(func.max(FormVersion.id)).scalar_subquery(),  # SQLite: one aggregate per SELECT for
        select(func.min(FormVersion.id)).scalar_subquery(),  # its single-step min/max on an index
    )


def refresh(session: Session) -> None:
    """Take in form versions deployed since the last call (one indexed query when nothing changed)."""
    newest, oldest = session.execute(_newest()).one()
    key = (str(session.get_bind().engine.url), newest, oldest)
    if key == _DEPLOYED.key:
        return
    merged = {name: dict(mapping) for name, mapping in form_vocabularies().items()}
    rows = session.execute(
        select(FormVersion.form_key, FormVersion.schema).order_by(
            FormVersion.tenant_id.is_(None), FormVersion.is_current, FormVersion.version
        )
    ).tuples()
    # Tenants' own versions first, then the base's, oldest first and its current version last: later
    # titles win, so one tenant's wording never overrides the shared base's.
    for form_key, schema in rows:
        for name, mapping in schema_vocabularies(form_key, schema).items():
            merged.setdefault(name, {}).update(mapping)
    _DEPLOYED.forms, _DEPLOYED.key = merged, key  # one assignment each: readers see old or new


def _forms() -> dict[str, dict[str, str]]:
    return _DEPLOYED.forms if _DEPLOYED.forms is not None else form_vocabularies()


def names() -> list[str]:
    """Every vocabulary: the engine's and those of the forms."""
    return sorted({*ENGINE, *SHARED, *_forms()})


def labels(vocabulary: str) -> dict[str, str]:
    """All codes of ``vocabulary`` with their labels (empty if the vocabulary is unknown)."""
    forms = _forms()
    if vocabulary in ENGINE or vocabulary in SHARED:
        out = dict(ENGINE.get(vocabulary, {}))
        for name in SHARED.get(vocabulary, ()):
            out.update(forms.get(name, {}))
        return out
    return dict(forms.get(vocabulary, {}))


def label(vocabulary: str, code: str | None) -> str:
    """The German label of ``code``; a code no vocabulary knows is marked, never passed off as a label."""
    if code is None or code == "":
        return ""
    found = labels(vocabulary).get(str(code))
    return found or UNKNOWN.format(code=code)


def label_data(form_key: str | None, data: Any, path: tuple[str, ...] = ()) -> Any:
    """Form data with every code of an enum field replaced by its label (for exports people read)."""
    if isinstance(data, dict):
        return {k: label_data(form_key, v, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [label_data(form_key, v, path) for v in data]
    if isinstance(data, str) and form_key and path:
        mapping = _forms().get(".".join((form_key, *path)))
        if mapping is not None:
            return mapping.get(data) or UNKNOWN.format(code=data)
    return data


# The offers directory and its gap records (engine/offers). Life areas are the assessment's needs
# ("assessment.needs.life_area"): one list for needs, goals, offers and gaps; the reasons of a gap are
# the final evaluation's ("final_evaluation.structural_gaps.reason").
ENGINE.update(
    {
        "offer.kind": {
            "counselling": "Beratung",
            "language_course": "Sprachkurs",
            "integration_course": "Integrationskurs",
            "volunteer_initiative": "Ehrenamtliche Initiative",
            "project": "Projekt",
            "measure": "Maßnahme",
            "self_help": "Selbsthilfegruppe",
            "childcare": "Kinderbetreuung",
            "other": "Sonstiges",
        },
        "offer.target_group": {
            "everyone": "alle",
            "women": "Frauen",
            "men": "Männer",
            "young_adults": "junge Erwachsene",
            "families": "Familien",
            "children": "Kinder und Jugendliche",
            "uma": "unbegleitete Minderjährige (UmA)",
            "seniors": "Ältere",
        },
        "offer.language": {
            "deu": "Deutsch",
            "ara": "Arabisch",
            "fas": "Persisch (Farsi/Dari)",
            "pus": "Paschtu",
            "kur": "Kurdisch",
            "tur": "Türkisch",
            "ukr": "Ukrainisch",
            "rus": "Russisch",
            "tir": "Tigrinya",
            "som": "Somali",
            "eng": "Englisch",
            "fra": "Französisch",
        },
        "offer.action": {
            "created": "angelegt",
            "changed": "geändert",
            "imported": "importiert",
            "retired": "ausgetragen",
        },
        "offer.gap_source": {
            "goal": "Ziel",
            "referral": "Verweisung",
            "final_evaluation": "Abschließende Auswertung",
            "case": "Fall",
        },
    }
)
