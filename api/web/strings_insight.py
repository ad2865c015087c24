"""Texts of the diagrams on the case and topic pages and of the process insight (German)."""

from __future__ import annotations

PI = {
    "diagram_title": "Ablauf als Diagramm",
    "diagram_intro": (
        "Erledigte Schritte sind grün, offene Aufgaben blau umrandet, wartende Fristen orange. "
        "Ein Klick auf einen Schritt zeigt, wann er erledigt wurde."
    ),
    "diagram_loading": "Diagramm wird geladen …",
    "diagram_failed": "Das Diagramm konnte nicht geladen werden.",
    "diagram_choose": "Prozess",
    "diagram_legend_done": "erledigt",
    "diagram_legend_current": "offene Aufgabe",
    "diagram_legend_waiting": "wartende Frist",
    "diagram_step_none": "Noch nicht erledigt.",
    "nav_insight": "Prozessauswertung",
    "list_title": "Prozessauswertung",
    "list_intro": (
        "Wo Fälle warten, welche Wege sie nehmen und wie lange die Schritte dauern – je Prozess und "
        "Version, pseudonymisiert; kleine Zahlen (unter {n}) werden nicht gezeigt."
    ),
    "process": "Prozess",
    "version": "Version",
    "compare_with": "Vergleichen mit Version",
    "compare_none": "– kein Vergleich –",
    "municipality": "Kommune",
    "all_municipalities": "alle Kommunen",
    "date_from": "Erledigt ab",
    "date_to": "Erledigt bis",
    "show": "Anzeigen",
    "instances": "Instanzen",
    "element": "Schritt",
    "kind": "Art",
    "waiting": "wartend jetzt",
    "visits": "erledigt",
    "median": "Median (Std.)",
    "p90": "90 % (Std.)",
    "flows_title": "Genommene Wege",
    "flow": "Weg",
    "from": "von",
    "to": "nach",
    "taken": "genommen",
    "endings_title": "Wie Fälle enden",
    "ending": "Abschlussgrund",
    "count": "Anzahl",
    "suppressed": "< {n}",
    "most_waiting": "Die meisten wartenden Instanzen: {name}",
    "no_waiting": "Derzeit wartet keine Instanz (oder zu wenige, um sie zu zeigen).",
    "table_title": "Kennzahlen je Schritt, Version {v}",
    "export_title": "Ereignisprotokoll für Process Mining",
    "export_intro": (
        "Pseudonymisiert: Fälle mit Pseudonym, Personen mit ihrer Rolle, keine Formularinhalte. "
        "Für pm4py, ProM oder Disco."
    ),
    "export_xes": "XES herunterladen",
    "export_ocel": "OCEL 2.0 (JSON) herunterladen",
    "merge": "(Zusammenführung)",
    "kind_labels": {"startEvent": "(Start)", "endEvent": "(Ende)", "boundaryEvent": "(Ereignis am Schritt)"},
    "heat_legend": (
        "Je dunkler ein Schritt, desto mehr Instanzen warten dort; Zahlen an Pfeilen: wie oft genommen. "
        "Ein Klick auf einen Schritt (oder auf die Zahl der Wartenden in der Tabelle) listet die "
        "wartenden Instanzen."
    ),
    "waiting_title": "Wartend bei „{step}“",
    "waiting_intro": (
        "{process}, Version {v}: {n} Instanzen warten dort jetzt, die am längsten wartenden zuerst."
    ),
    "waiting_more": "Gezeigt werden die ersten {shown}.",
    "waiting_none": "Derzeit wartet hier keine Instanz.",
    "waiting_since": "wartet seit",
    "waiting_case": "Fall / Thema",
    "waiting_open": "Ablauf ansehen",
    "back_to_map": "Zurück zur Heatmap",
    "topic": "Thema",
    "case_number": "Aktenzeichen",
    "pseudonym": "Pseudonym",
    "instance_title": "Ablauf von {who}",
    "case_title": "Abläufe von {who}",
    "search_title": "Einen Fall ansehen",
    "search_intro": (
        "Pseudonym oder Aktenzeichen eingeben; gezeigt werden die Abläufe des Falls als Diagramm."
    ),
    "search_label": "Pseudonym oder Aktenzeichen",
    "search_button": "Suchen",
    "search_none": "Keinen Fall mit diesem Pseudonym oder Aktenzeichen gefunden.",
}
