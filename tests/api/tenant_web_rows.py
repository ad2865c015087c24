"""The pages (api/web) of the two-tenant access matrix (tests/api/test_tenant_matrix.py): pages that
take an id, asked with Quellental's id and with a missing one, and the pages that list things.

A row: (method, address with ``{key}`` of the world, form data or None, the world keys a page may echo
back as the user typed them). POSTs carry the session's CSRF token; their data is what a permitted
role would send, so a leak would change a row (the snapshot shows it).
"""

from __future__ import annotations

ID_PAGES: list[tuple[str, str, dict | None, tuple[str, ...]]] = [
    ("GET", "/cases/{id}", None, ()),
    ("GET", "/cases/{id}/akte", None, ()),
    ("GET", "/cases/{id}/akte/documents/{document}", None, ()),
    ("GET", "/cases/{id}/boegen/consent.pdf", None, ()),
    ("GET", "/cases/{consented}/ablauf.json", None, ()),
    ("GET", "/tasks/{task}", None, ()),
    ("GET", "/tasks/{task}/take-over", None, ()),
    ("GET", "/topics/{topic}", None, ()),
    ("GET", "/topics/{topic}/ablauf.json", None, ()),
    ("GET", "/meetings/{meeting}", None, ()),
    ("GET", "/meetings/{meeting}/minutes", None, ()),
    ("GET", "/meetings/{meeting}/agenda.pdf", None, ()),
    ("GET", "/meetings/{meeting}/minutes.pdf", None, ()),
    ("GET", "/agency/referrals/{referral}", None, ()),
    ("GET", "/admin/users/{user}", None, ()),
    ("GET", "/offers/{offer}/edit", None, ()),
    ("GET", "/offers/{offer}/history", None, ()),
    ("GET", "/cases?q={family_name}", None, ("family_name",)),
    ("GET", "/cases?q={case_number}", None, ("case_number",)),
    ("POST", "/cases/{id}/reopen", {"reason": "Versehentlich abgeschlossen"}, ()),
    ("POST", "/cases/{id}/akte/notes", {"noted_on": "2026-11-03", "kind": "visit", "text": "Besuch"}, ()),
    ("POST", "/cases/{consented}/followups", {}, ()),
    ("POST", "/cases/{id}/consent-withdrawal", {}, ()),
    ("POST", "/tasks/{task}/claim", {}, ()),
    ("POST", "/topics/{topic}/decide", {}, ()),
    ("POST", "/meetings/{meeting}/agenda", {}, ()),
    ("POST", "/agency/referrals/{referral}/accept", {}, ()),
    ("POST", "/offers/{offer}/retire", {}, ()),
    ("POST", "/privacy/holds/{id}/lift", {"reason": "Verfahren beendet"}, ("id",)),
    ("POST", "/privacy/holds", {"case": "{case_number}", "reason": "Az. 1 K 2/26"}, ("case_number",)),
    (
        "POST",
        "/privacy/access",
        {"reason": "Antrag vom 01.11.2026", "case": "{case_number}", "format": "json"},
        ("case_number",),
    ),
    (
        "POST",
        "/privacy/access",
        {
            "reason": "Antrag vom 01.11.2026",
            "family_name": "{family_name}",
            "given_name": "{given_name}",
            "birth_date": "{birth_date}",
            "format": "json",
        },
        ("family_name", "given_name", "birth_date"),
    ),
    ("POST", "/admin/users/{user}/disable", {}, ()),
    ("POST", "/admin/users/{user}/enable", {}, ()),
    ("POST", "/admin/users/{user}/unlock", {}, ()),
    ("POST", "/admin/users/{user}/password", {"password": "Ein-neues-Passwort-2026"}, ()),
    ("POST", "/admin/users/{user}", {"display_name": "Übernommen", "role": "coordinator", "email": ""}, ()),
]
# Pages that list, search, count or export: none may name anything of Quellental's.
LIST_PAGES = (
    "/",
    "/cases",
    "/followups",
    "/dashboard",
    "/topics",
    "/meetings",
    "/offers",
    "/offers/export",
    "/offers/analysis",
    "/agency/referrals",
    "/referrals/overview",
    "/prozessauswertung",
    "/prozessauswertung/case_lifecycle",
    "/modeler",
    "/boegen/kataloge",
    "/admin/users",
    "/admin/organisation",
    "/privacy/audit",
    "/privacy/holds",
    "/privacy/retention",
)


def fill(world: dict, text: str) -> str:
    """``text`` with ``{key}`` replaced by the world's value (the person's names and birth date too)."""
    values = {**world, **world["person"]}
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def echoes(world: dict, keys: tuple[str, ...]) -> list[str]:
    values = {**world, **world["person"]}
    return [str(values[k]) for k in keys]
