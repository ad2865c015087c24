"""Our own words for what SpiffWorkflow's and lxml's validators report (never their raw text)."""

from __future__ import annotations

import re

# (pattern in the library's message, English, German); groups fill {0}, {1}.
_KNOWN = [
    (
        r"Unknown Time Specification",
        "The timer value is not a valid ISO 8601 date, duration or cycle.",
        "Der Timer hat keinen gültigen ISO-8601-Wert (Datum, Dauer oder Zyklus).",
    ),
    (
        r"Exactly one start event is required in a SubWorkflow Task; found (\d+)",
        "A subprocess needs exactly one start event (found {0}).",
        "Ein Teilprozess braucht genau ein Startereignis (gefunden: {0}).",
    ),
    (
        r"Data Store with name (.{1,80}?) has no implementation",
        "Data stores ('{0}') are not supported.",
        "Datenspeicher („{0}“) werden nicht unterstützt.",
    ),
    (
        r"multiinstance task must specify a cardinality or a collection",
        "A multi-instance activity needs a cardinality or a collection.",
        "Eine Mehrfach-Aktivität braucht eine Anzahl oder eine Liste.",
    ),
    (
        r"Non-default exclusive outgoing sequence flow without condition",
        "An outgoing flow of an exclusive gateway has no condition and is not the default flow.",
        "Ein ausgehender Fluss eines exklusiven Gateways hat keine Bedingung und ist nicht der "
        "Standardfluss.",
    ),
    (
        r"Multiple outgoing flows are not supported",
        "This kind of task may have only one outgoing flow; use a gateway.",
        "Diese Art von Aufgabe darf nur einen ausgehenden Fluss haben; bitte ein Gateway verwenden.",
    ),
    (
        r"Cannot resolve data(Output|Input)Association",
        "A data association refers to an element that does not exist.",
        "Eine Datenzuordnung verweist auf ein Element, das es nicht gibt.",
    ),
    (
        r"(?i)no outgoing|has no outgoing",
        "The element has no outgoing flow.",
        "Das Element hat keinen ausgehenden Fluss.",
    ),
    (
        r"(?i)could not find|unable to find|does not exist|not found",
        "The element refers to something that is not in this file (e.g. a called process or a message).",
        "Das Element verweist auf etwas, das in dieser Datei nicht vorkommt (z. B. einen aufgerufenen "
        "Prozess oder eine Nachricht).",
    ),
    (
        r"(?i)element .* is not expected|not allowed|missing|is not a valid value|Schemas validity",
        "The diagram does not conform to the BPMN 2.0 schema at this element.",
        "Das Diagramm entspricht an diesem Element nicht dem BPMN-2.0-Schema.",
    ),
]
_GENERIC = (
    "The engine cannot run the diagram at this element.",
    "Das Diagramm ist an diesem Element nicht ausführbar.",
)


def explain(library_message: str) -> tuple[str, str]:
    """(English, German) for a validator's message; unknown messages get a plain generic text."""
    text = library_message or ""
    for pattern, en, de in _KNOWN:
        match = re.search(pattern, text)
        if match:
            groups = [g for g in match.groups() if g is not None]
            return en.format(*groups), de.format(*groups)
    return _GENERIC


# Messages the engine itself sends to running instances, and to which processes:
# engine/cases/service.withdraw_consent sends ``consent_withdrawn`` to the case's lifecycle;
# engine/referrals/service.deliver_answer sends ``referral_answer`` ({status, text, check_result,
# decline_reason}) to a referral, engine/referrals/actions.ask ``referral_question`` ({text}).
# A diagram may wait for these (or for what it throws itself); anything else would wait forever.
ENGINE_MESSAGES: dict[str, tuple[str, ...]] = {
    "consent_withdrawn": ("case_lifecycle",),
    "referral_answer": ("referral",),
    "referral_question": ("referral",),
}
