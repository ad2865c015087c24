"""The after-step hooks: one table wired at start-up, harmless to wire twice, loud when forgotten."""

from engine import hooks
from engine.cases import lifecycle
from engine.escalations import projection as escalation
from engine.followups import projection as followup
from engine.goals import projection as goals
from engine.instances import hook_table
from engine.offers import projection as offer_needs
from engine.reports import projection as figures
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case


def test_the_table_names_every_process_and_its_hooks_in_order():
    """Case first, then the figures, the goals and the offers' needs and gaps; follow-up and escalation
    each keep their own row."""
    table = hooks.wire()
    assert hook_table.installed() is table
    assert table.after("case_lifecycle") == (
        lifecycle.apply_step,
        figures.project_lifecycle,
        goals.project,
        offer_needs.project,
    )
    assert table.after("uma_job_followup") == (followup.project,)
    assert table.after("escalation") == (escalation.project,)
    assert table.stopped("uma_job_followup") == (followup.stopped,)
    assert table.after("some_test_diagram") == () and table.stopped(None) == ()


def test_wiring_again_runs_each_hook_once(client, login, db):
    """Wired three times, a closing step still counts each fact once and closes the case once."""
    hooks.wire()
    hooks.wire()
    h = login("cm-borchen")
    case_id = open_case(client, h)["id"]
    complete(client, h, case_id, "first_contact", d.FIRST_CONTACT)
    complete(client, h, case_id, "consent", d.CONSENT_NO)  # no consent: the lifecycle ends
    facts = db.rows("SELECT kind, code FROM programme_events WHERE case_id = :c ORDER BY id", c=case_id)
    assert facts == [("persons_supported", None), ("closure", "no_consent")]
    assert db.rows("SELECT status, closure_reason FROM cases WHERE id = :c", c=case_id) == [
        ("closed", "no_consent")
    ]


def test_a_start_up_that_forgot_to_wire_fails_without_writing(client, login, db, monkeypatch):
    """No table installed: the first step refuses with HooksNotWired and the case is not stored."""
    h = login("cm-borchen")
    before = db.rows("SELECT count(*) FROM cases")
    monkeypatch.setattr(hook_table, "_installed", None)
    r = client.post(
        "/api/v1/cases",
        json={
            "municipality": "Borchen",
            "client": {"given_name": "Amina", "family_name": "Haddad", "birth_date": "1990-04-02"},
        },
        headers=h,
    )
    assert r.status_code == 500
    assert db.rows("SELECT count(*) FROM cases") == before
    try:
        hook_table.installed()
    except hook_table.HooksNotWired as exc:
        assert "engine.hooks.wire()" in str(exc)
    else:
        raise AssertionError("installed() returned without a table")
