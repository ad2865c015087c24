"""The verdict's entries: one problem of a diagram, pinned to an element, line and column where known."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class DiagramProblem:
    """One reason a diagram cannot run (``error``), or a hint that does not block deploy (``warning``)."""

    message: str
    message_de: str
    element_id: str | None = None
    element_name: str | None = None
    line: int | None = None
    column: int | None = None
    severity: str = ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "element_id": self.element_id,
            "element_name": self.element_name,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
            "message_de": self.message_de,
        }


class DiagramError(Exception):
    """The diagram cannot be parsed or run; ``problems`` says why."""

    def __init__(self, problems: list[DiagramProblem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class Locator:
    """Builds problems pinned to elements of one diagram: id -> (line, name) from lxml's sourceline."""

    def __init__(self, root):
        self.index: dict[str, tuple[int, str | None]] = {}
        for el in root.iter():
            el_id = el.get("id") if isinstance(el.tag, str) else None
            if el_id and el_id not in self.index:
                self.index[el_id] = (el.sourceline, el.get("name"))

    def problem(
        self,
        en: str,
        de: str,
        element_id: str | None = None,
        line: int | None = None,
        column: int | None = None,
        severity: str = ERROR,
    ) -> DiagramProblem:
        name = None
        if element_id and element_id in self.index:
            known_line, name = self.index[element_id]
            line = line or known_line
        return DiagramProblem(en, de, element_id or None, name, line or None, column or None, severity)

    def name_of(self, element_id: str) -> str:
        """The element's name, else its id: how a message refers to it."""
        found = self.index.get(element_id)
        return (found[1] if found and found[1] else None) or element_id


def is_blocking(problems) -> bool:
    """True if any problem (a DiagramProblem or its dict) is an error."""
    return any((p.get("severity", ERROR) if isinstance(p, dict) else p.severity) == ERROR for p in problems)
