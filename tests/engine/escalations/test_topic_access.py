"""Who may raise, read and decide topics; cases linked only when the raiser may see them."""

from tests.api.helpers import open_case
from tests.engine.escalations.helpers import API, LOCAL_ESCALATE, LOCAL_RESOLVED, decide, raise_topic


def test_linking_needs_access_to_each_case_and_the_own_municipality(client, login):
    cm, other = login("cm-borchen"), login("cm-delbrueck")
    mine = open_case(client, cm)
    theirs = open_case(client, other, municipality="Delbrück", given_name="Chidi", family_name="Okonkwo")
    r = raise_topic(client, cm, case_ids=[mine["id"], theirs["id"]], expect=404)
    assert "Zugriff" in r["detail"]
    raise_topic(client, cm, municipality="Delbrück", expect=403)
    raise_topic(client, login("steering"), expect=403)
    raise_topic(client, login("cm-uma"), municipality="Delbrück")  # the UmA team works county-wide
    coord = raise_topic(client, login("coordinator"), municipality="Delbrück", case_ids=[theirs["id"]])
    assert coord["cases"] == [{"case_id": theirs["id"], "pseudonym": theirs["pseudonym"]}]
    # Borchen sees the topic, but not the pseudonym of a Delbrück case.
    seen = client.get(f"{API}/topics/{coord['id']}", headers=cm).json
    assert seen["cases"] == [] and seen["linked_cases_total"] == 1
    assert client.get(f"{API}/topics", headers=login("abh")).status_code == 403
    assert client.get(f"{API}/topics/999999", headers=cm).status_code == 404


def test_text_naming_a_linked_client_is_refused(client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)  # Amina Haddad, born 1990-04-02
    for title, description in (
        ("Frau Haddad wartet auf Kurs", "x"),
        ("Wartezeit", "geboren 02.04.1990"),
        ("Wartezeit", "amina braucht Kita"),
    ):
        r = raise_topic(client, cm, title=title, description=description, case_ids=[case["id"]], expect=422)
        assert r["errors"] and "Pseudonym" in str(r["errors"])
    topic = raise_topic(client, cm, title="Kinderbetreuung während der Kurse", case_ids=[case["id"]])
    r = decide(
        client, cm, topic["id"], {**LOCAL_ESCALATE, "reason": "Familie Haddad ist betroffen"}, expect=422
    )
    assert "reason" in r["errors"]


def test_case_managers_decide_only_for_their_own_local_body(client, login):
    cm, other, coord = login("cm-borchen"), login("cm-delbrueck"), login("coordinator")
    topic = raise_topic(client, cm)
    decide(client, other, topic["id"], LOCAL_RESOLVED, expect=403)
    decide(client, login("steering"), topic["id"], LOCAL_RESOLVED, expect=403)
    decide(
        client,
        cm,
        topic["id"],
        {"decision_date": "2026-11-02", "local_outcome": "resolved", "reason": "geklärt"},
        expect=422,
    )  # a solution is required
    decide(client, cm, topic["id"], LOCAL_ESCALATE)
    decide(
        client,
        cm,
        topic["id"],
        {"prepared_on": "2026-11-02", "summary": "s", "proposal": "resolved", "reason": "r"},
        expect=403,
    )  # the decision paper is the coordinators'
    listed = client.get(
        f"{API}/topics?level=steering&status=open&category=language&municipality=borchen", headers=coord
    ).json
    assert [t["id"] for t in listed["items"]] == [topic["id"]]
    assert client.get(f"{API}/topics?level=local", headers=coord).json["total"] == 0
    assert client.get(f"{API}/topics?min_age_days=1", headers=coord).json["total"] == 0
    assert client.get(f"{API}/topics?max_age_days=0", headers=coord).json["total"] == 1
