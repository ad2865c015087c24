"""Every kind of problem the service answers with: status, when it happens, what to do (German).

The API turns a kind into the problem's ``type`` URI (api/errors.py); the OpenAPI document and
docs/api.md list them all (a test holds all three together). A kind, once published, never changes
its name or status: clients branch on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemKind:
    """One documented situation; ``status`` None: whatever HTTP status the response has."""

    status: int | None
    when: str
    todo: str


KINDS: dict[str, ProblemKind] = {
    # 400
    "bad-request": ProblemKind(
        400,
        "Die Anfrage ist nicht lesbar (kein gültiges JSON oder zu tief verschachtelt).",
        "Anfrage korrigieren.",
    ),
    # 401
    "unauthenticated": ProblemKind(
        401,
        "Kein, ein unbekanntes oder abgelaufenes Token bzw. keine gültige Sitzung.",
        "Neu anmelden (POST /api/v1/auth/token).",
    ),
    "login-refused": ProblemKind(
        401,
        "Benutzername oder Passwort falsch (oder das Konto ist nicht aktiv).",
        "Angaben prüfen; nach zu vielen Fehlversuchen wird das Konto gesperrt.",
    ),
    "account-locked": ProblemKind(
        401,
        "Das Konto ist nach zu vielen Fehlversuchen gesperrt (`locked_until`).",
        "Bis `locked_until` warten oder die Administration fragen.",
    ),
    "account-unknown": ProblemKind(
        401,
        "Für die Anmeldung mit dem Kreis-Konto gibt es kein aktives Konto.",
        "Die Administration bitten, das Konto anzulegen oder zu aktivieren.",
    ),
    # 403
    "forbidden": ProblemKind(
        403, "Die Rolle darf das nicht.", "Nicht wiederholen; jemanden mit der passenden Rolle bitten."
    ),
    "out-of-scope": ProblemKind(
        403,
        "Die Aktion betrifft eine andere Gemeinde bzw. ein anderes Team als das eigene.",
        "Die zuständige Gemeinde bzw. das zuständige Team bitten.",
    ),
    "no-agency": ProblemKind(
        403,
        "Dem Konto ist keine Stelle zugeordnet (Verweisungen einer Stelle).",
        "Die Administration bitten, dem Konto die Stelle zuzuordnen.",
    ),
    "csrf-refused": ProblemKind(
        403,
        "Ein Formular der Weboberfläche kam ohne gültiges Sicherheits-Token (CSRF).",
        "Seite neu laden und erneut absenden.",
    ),
    # 404
    "not-found": ProblemKind(
        404,
        "Unbekannte Kennung oder Adresse, oder außerhalb der eigenen Zuständigkeit.",
        "Kennung prüfen; nicht wiederholen.",
    ),
    "not-deployed": ProblemKind(
        404,
        "Das Formular oder der Prozess ist nicht bereitgestellt.",
        "Die Prozessverantwortlichen bitten, es bereitzustellen.",
    ),
    # 405
    "method-not-allowed": ProblemKind(
        405,
        "Diese HTTP-Methode ist für diese Adresse nicht erlaubt.",
        "Die im OpenAPI-Dokument genannte Methode verwenden.",
    ),
    # 409
    "conflict": ProblemKind(
        409, "Der Zustand erlaubt das nicht (mehr).", "Neu laden und den aktuellen Stand prüfen."
    ),
    "task-already-done": ProblemKind(
        409,
        "Die Aufgabe (oder der Schritt eines Themas) ist nicht mehr offen: schon erledigt oder abgebrochen.",
        "Neu laden; nichts wiederholen.",
    ),
    "concurrent-change": ProblemKind(
        409,
        "Der Fall wurde gleichzeitig von jemand anderem geändert; nichts wurde gespeichert.",
        "Neu laden und die Eingabe noch einmal senden.",
    ),
    "task-claimed": ProblemKind(
        409,
        "Die Aufgabe hat bereits jemand anderes übernommen.",
        "Neu laden; ggf. mit der Kollegin oder dem Kollegen absprechen.",
    ),
    "task-claimed-by-other": ProblemKind(
        409,
        "Die Aufgabe bearbeitet jemand anderes (`holder`, `holder_name`); nichts wurde gespeichert.",
        "Mit der Kollegin oder dem Kollegen absprechen; sonst die Aufgabe zuerst übernehmen "
        "(POST /api/v1/tasks/{id}/take-over) und dann erneut senden.",
    ),
    "task-not-claimed": ProblemKind(
        409, "Nur wer die Aufgabe übernommen hat, kann sie zurückgeben.", "Neu laden; nichts wiederholen."
    ),
    "case-closed": ProblemKind(
        409,
        "Der Fall ist abgeschlossen.",
        "Nichts wiederholen; ein abgeschlossener Fall wird nicht mehr bearbeitet.",
    ),
    "goal-dropped": ProblemKind(
        409,
        "Dieses Ziel ist bereits aufgegeben.",
        "Neu laden; nichts wiederholen.",
    ),
    "case-open": ProblemKind(
        409,
        "Der Fall ist nicht abgeschlossen (Wiederöffnen eines offenen Falls).",
        "Neu laden; nichts wiederholen.",
    ),
    "case-not-reopenable": ProblemKind(
        409,
        "Der Fall kann nicht wieder geöffnet werden (Einwilligung widerrufen oder Daten gelöscht).",
        "Nichts wiederholen; bei Bedarf einen neuen Fall anlegen.",
    ),
    "reopen-period-over": ProblemKind(
        409,
        "Die Frist zum Wiederöffnen des Falls (Einstellung des Kreises, Standard 30 Tage) ist abgelaufen.",
        "Nichts wiederholen; bei Bedarf einen neuen Fall anlegen.",
    ),
    "consent-not-given": ProblemKind(
        409,
        "Es liegt (noch) keine Einwilligung zur Datenverarbeitung vor.",
        "Zuerst die Einwilligung erfassen (Aufgabe „Einwilligung“).",
    ),
    "consent-withdrawn": ProblemKind(
        409, "Diese Einwilligung ist bereits widerrufen.", "Neu laden; nichts wiederholen."
    ),
    "withdrawal-ends-case": ProblemKind(
        409,
        "Der Widerruf der Einwilligung zur Datenverarbeitung beendet den Fall.",
        "Den Widerruf für den ganzen Fall erfassen.",
    ),
    "already-exists": ProblemKind(
        409,
        "Das gibt es bereits (Schweigepflichtentbindung gegenüber dieser Stelle, Gremium mit diesem Namen).",
        "Das Vorhandene verwenden.",
    ),
    "referral-closed": ProblemKind(
        409,
        "Die Verweisung ist abgeschlossen (beantwortet, abgelehnt, ohne Antwort beendet oder mit dem Fall "
        "beendet); eine Antwort kann nicht mehr erfasst werden.",
        "Neu laden; nichts wiederholen.",
    ),
    "referral-not-waiting": ProblemKind(
        409,
        "Die Verweisung wartet gerade nicht auf eine Rückfrage (es ist bereits eine offen, oder sie läuft "
        "in einer älteren Prozessversion ohne Rückfragen).",
        "Neu laden; die offene Rückfrage abwarten oder die Verweisung beantworten.",
    ),
    "member-left": ProblemKind(
        409,
        "Dieses Haushaltsmitglied ist bereits aus dem Haushalt ausgeschieden.",
        "Neu laden; das Ausscheiden nicht wiederholen.",
    ),
    "case-person-stays": ProblemKind(
        409,
        "Die Person des Falls kann nicht aus dem Haushalt ausscheiden.",
        "Den Fall abschließen, wenn die Begleitung endet.",
    ),
    "followup-running": ProblemKind(
        409, "Für diesen Fall läuft bereits eine Nachverfolgung.", "Die laufende Nachverfolgung verwenden."
    ),
    "followup-ended": ProblemKind(
        409, "Diese Nachverfolgung ist bereits beendet.", "Neu laden; nichts wiederholen."
    ),
    "topic-not-waiting": ProblemKind(
        409, "Das Thema wartet auf keine Entscheidung (mehr).", "Neu laden; nichts wiederholen."
    ),
    "wrong-body": ProblemKind(
        409, "Das Thema wartet nicht auf dieses Gremium.", "Das Thema im zuständigen Gremium entscheiden."
    ),
    "meeting-held": ProblemKind(
        409,
        "Die Sitzung hat bereits stattgefunden; ihre Tagesordnung ist abgeschlossen.",
        "Das Thema auf eine spätere Sitzung setzen.",
    ),
    "meeting-not-held": ProblemKind(
        409,
        "Die Sitzung hat noch nicht stattgefunden; ihr Protokoll kann noch nicht erfasst werden.",
        "Nach der Sitzung erneut versuchen.",
    ),
    "minutes-recorded": ProblemKind(
        409, "Das Protokoll dieser Sitzung ist bereits erfasst.", "Neu laden; nichts wiederholen."
    ),
    "personal-data-erased": ProblemKind(
        409, "Die personenbezogenen Daten dieses Falls sind bereits gelöscht.", "Nichts wiederholen."
    ),
    "demo-refused": ProblemKind(
        409,
        "Nur Kommandozeile: die Demo-Daten brauchen einen eingerichteten Kreis ohne Fälle.",
        "Zuerst `kim setup` ausführen bzw. eine leere Datenbank verwenden.",
    ),
    # Baustein 3: the authorities' checks (engine/checks)
    "check-running": ProblemKind(
        409,
        "Zu dieser Verweisung läuft schon eine Prüfung dieser Art, oder die Prüfung läuft noch und hat "
        "noch kein Ergebnis.",
        "Die laufende Prüfung abschließen und dann erneut versuchen.",
    ),
    "criterion-goal-exists": ProblemKind(
        409,
        "Aus diesem fehlenden Kriterium wurde schon ein Ziel gemacht.",
        "Nichts wiederholen; das Ziel steht im Fall unter „Ziele“.",
    ),
    # 413, 415
    "payload-too-large": ProblemKind(
        413,
        "Die Anfrage ist größer als erlaubt (2 MiB; das Hochladen eines Dokuments 10 MiB).",
        "Kleinere Anfrage senden.",
    ),
    "unsupported-media-type": ProblemKind(
        415,
        "Die Anfrage hat den falschen Inhaltstyp.",
        "JSON senden (Content-Type: application/json) bzw. den dokumentierten Typ.",
    ),
    "process-model-error": ProblemKind(
        409,
        "Der Prozess ist an einem Schritt (`element_id`, `element_name`) auf einen Fehler im Prozessmodell "
        "gestoßen (z. B. eine Bedingung über ihrem Rechenbudget, `limit`); nicht die Eingaben sind schuld. "
        "Die Eingaben sind als Entwurf gespeichert, die Prozessverantwortlichen sehen eine Störung.",
        "Später erneut versuchen, sobald die Prozessverantwortlichen das Modell korrigiert haben.",
    ),
    # 422
    "validation-failed": ProblemKind(
        422,
        "Angaben ungültig: `errors` nennt je Feld (Pfad mit Punkten, `_form`, `_body`) die Gründe.",
        "Die genannten Felder korrigieren und erneut senden.",
    ),
    "consent-missing": ProblemKind(
        422,
        "Für die Verweisung fehlt die Schweigepflichtentbindung gegenüber der Stelle (oder die "
        "Einwilligung zur Datenverarbeitung).",
        "Zuerst die Einwilligung ergänzen, dann die Verweisung erneut senden.",
    ),
    "personal-data-refused": ProblemKind(
        422,
        "Ein Thema enthält personenbezogene Daten von Klientinnen und Klienten.",
        "Namen und Geburtsdaten aus dem Text entfernen.",
    ),
    "form-invalid": ProblemKind(
        422,
        "Das Formular ist kein brauchbares JSON Schema (`errors.schema` nennt die Gründe).",
        "Das Schema korrigieren.",
    ),
    "form-contract-violated": ProblemKind(
        422,
        "Die neue Formularversion entfernt oder ändert ein Feld, das die Engine liest; `errors` nennt "
        "je Feld (`schema.properties.<feld>`), wofür es gebraucht wird. Nichts wurde gespeichert.",
        "Das Feld mit Typ, Pflicht und Auswahlwerten behalten; andere Änderungen sind frei.",
    ),
    "diagram-invalid": ProblemKind(
        422,
        "Das Diagramm ist ungültig oder verweist auf fehlende Formulare (`problems`).",
        "Das Diagramm nach `problems` korrigieren.",
    ),
    "version-not-runnable": ProblemKind(
        422,
        "Diese Prozessversion ist nicht bereitgestellt oder nicht ausführbar.",
        "Eine bereitgestellte Version wählen bzw. zuerst bereitstellen.",
    ),
    "process-failure": ProblemKind(
        422,
        "Der Prozess kann mit diesen Angaben nicht fortgesetzt werden (`element_id` nennt das "
        "BPMN-Element); nichts wurde gespeichert.",
        "Angaben prüfen; bleibt es dabei, die Prozessverantwortlichen mit `element_id` informieren.",
    ),
    # 429
    "rate-limited": ProblemKind(
        429,
        "Zu viele Anmeldeversuche von dieser Adresse bzw. für diesen Benutzernamen von dieser Adresse.",
        "Nach `Retry-After` Sekunden erneut versuchen; das Konto bleibt von anderen Geräten aus nutzbar.",
    ),
    # 5xx
    "internal-error": ProblemKind(
        500,
        "Ein unerwarteter Fehler; nichts wurde gespeichert.",
        "Später erneut versuchen; bleibt es dabei, den Betrieb informieren.",
    ),
    "data-key-error": ProblemKind(
        500,
        "Die Datenschlüssel fehlen oder passen nicht zu den gespeicherten Daten (Konfiguration).",
        "Den Betrieb informieren (Einstellung KIM_DATA_KEYS).",
    ),
    "database-unavailable": ProblemKind(
        503, "Die Datenbank ist gerade nicht erreichbar.", "Nach `Retry-After` Sekunden erneut versuchen."
    ),
    "not-ready": ProblemKind(
        503,
        "GET /api/v1/ready: die Datenbank antwortet nicht oder ihr Schema ist nicht auf dem neuesten "
        "Stand (`reason`).",
        "Nach `Retry-After` Sekunden erneut fragen; bleibt es dabei, Migrationen prüfen.",
    ),
    # anything else werkzeug may answer (e.g. 406, 408, 431)
    "http-error": ProblemKind(
        None, "Ein anderer HTTP-Fehler; `status` und `title` sagen, welcher.", "Nach `status` handeln."
    ),
}

# What an HTTP error without a domain kind (routing, parsing, limits) is called.
BY_STATUS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-failed",
    429: "rate-limited",
    500: "internal-error",
    503: "database-unavailable",
}
