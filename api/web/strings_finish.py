"""Texts of the error pages (German), by HTTP status."""

from __future__ import annotations

# status -> (heading, what happened and what to do)
ERRORS = {
    400: ("Ungültige Anfrage", "Die Anfrage konnte nicht gelesen werden. Bitte die Seite neu laden."),
    403: ("Keine Berechtigung", "Diese Seite steht Ihrer Rolle nicht zur Verfügung."),
    404: (
        "Seite nicht gefunden",
        "Diese Adresse gibt es nicht. Vielleicht ist der Link veraltet oder die Adresse vertippt.",
    ),
    405: ("Nicht möglich", "Diese Aktion ist auf dieser Seite nicht möglich. Bitte die Seite neu aufrufen."),
    413: ("Zu groß", "Die gesendeten Daten sind zu groß (zum Beispiel eine zu große Datei)."),
    500: (
        "Interner Fehler",
        "Ein unerwarteter Fehler ist aufgetreten. Es wurde nichts gespeichert. Bitte später noch einmal "
        "versuchen; wenn es wieder geschieht, der Administration Bescheid geben.",
    ),
    503: (
        "Vorübergehend nicht erreichbar",
        "Der Dienst ist gerade nicht erreichbar. Es wurde nichts gespeichert. Bitte gleich noch einmal "
        "versuchen.",
    ),
}
OTHER = ("Das hat nicht geklappt", "Die Anfrage konnte nicht ausgeführt werden.")
STATUS_LINE = "Fehler {status}"

# The form editor's preview (api/web/modeler.py)
PREVIEW_LABEL = "Vorschau: {title}"
PREVIEW_NOT_OBJECT = "Die Vorschau braucht ein JSON-Objekt mit „properties“ (Feld: schema)."
PREVIEW_UNREADABLE = "Das Feld „{field}“ lässt sich so nicht als Formular darstellen (Feld: schema)."
