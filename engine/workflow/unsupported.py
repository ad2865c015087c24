"""BPMN elements the engine would run wrongly: refused at deploy with the element named."""

from __future__ import annotations

from collections.abc import Callable

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


# tag -> (English, German): why the element cannot be deployed.
_REFUSED_TAGS = {
    "linkEventDefinition": (
        "Link events are not supported (the engine would end the process at the link).",
        "Link-Ereignisse werden nicht unterstützt (der Prozess würde am Link enden). "
        "Bitte durch einen Sequenzfluss ersetzen.",
    ),
    "compensateEventDefinition": (
        "Compensation events are not supported.",
        "Kompensationsereignisse werden nicht unterstützt.",
    ),
    "complexGateway": (
        "Complex gateways are not supported; use exclusive, parallel or inclusive gateways.",
        "Komplexe Gateways werden nicht unterstützt; bitte exklusive, parallele oder inklusive "
        "Gateways verwenden.",
    ),
    "transaction": (
        "Transaction subprocesses are not supported.",
        "Transaktions-Teilprozesse werden nicht unterstützt.",
    ),
    "adHocSubProcess": (
        "Ad-hoc subprocesses are not supported.",
        "Ad-hoc-Teilprozesse werden nicht unterstützt.",
    ),
    "serviceTask": (
        "Service tasks are not supported: no service handler is registered (the task would never finish).",
        "Service-Aufgaben werden nicht unterstützt: es ist kein Dienst hinterlegt (die Aufgabe würde nie "
        "abgeschlossen). Bitte eine Benutzer- oder manuelle Aufgabe verwenden.",
    ),
    "sendTask": ("Send tasks are not supported.", "Sende-Aufgaben werden nicht unterstützt."),
    "dataStoreReference": ("Data stores are not supported.", "Datenspeicher werden nicht unterstützt."),
    "businessRuleTask": (
        "Business rule (DMN) tasks are not supported.",
        "Geschäftsregel-Aufgaben (DMN) werden nicht unterstützt.",
    ),
}


def _owner(el):
    """The nearest ancestor (or self) with an id: the element a problem is about."""
    while el is not None and not el.get("id"):
        el = el.getparent()
    return el


def refused_elements(root, problem: Callable) -> list:
    """Problems for every element the engine does not run as BPMN says."""
    out = []
    for tag, (en, de) in _REFUSED_TAGS.items():
        for el in root.iter(_q(tag)):
            owner = _owner(el)
            out.append(problem(en, de, owner.get("id") if owner is not None else None))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("isForCompensation", "false").lower() == "true":
            out.append(
                problem(
                    "Compensation activities are not supported.",
                    "Kompensationsaktivitäten werden nicht unterstützt.",
                    el.get("id"),
                )
            )
    for sub in root.iter(_q("subProcess")):
        if sub.get("triggeredByEvent", "false").lower() != "true":
            continue
        for start in sub.findall(_q("startEvent")):
            if start.get("isInterrupting", "true").lower() != "false":
                out.append(
                    problem(
                        "Interrupting event subprocesses are not supported (the main flow would keep "
                        "running); "
                        "use a boundary event or a non-interrupting start event.",
                        "Unterbrechende Ereignis-Teilprozesse werden nicht unterstützt (der Hauptablauf "
                        "liefe "
                        "weiter); bitte ein angeheftetes Ereignis oder einen nicht unterbrechenden Start "
                        "verwenden.",
                        start.get("id") or sub.get("id"),
                    )
                )
    for proc in root.iter(_q("process")):
        for start in proc.findall(_q("startEvent")):
            if start.find(_q("timerEventDefinition")) is not None:
                out.append(
                    problem(
                        "Timer start events do not create instances here; start the process from a case "
                        "instead.",
                        "Zeit-Startereignisse erzeugen hier keine Instanzen; bitte den Prozess aus einem "
                        "Fall "
                        "starten.",
                        start.get("id"),
                    )
                )
    return out
