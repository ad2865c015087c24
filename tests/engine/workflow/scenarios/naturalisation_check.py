"""Every path of an Einbürgerungsprüfung (§ 10 StAG): the result recorded at once; documents requested
and not to be had; documents requested, the due date passed (the reminder brings the task back with a new
due date), then received and the result recorded."""

from datetime import UTC, datetime

from tests.engine.workflow.round_trip import Complete, Scenario, Travel

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)

CRITERIA = {
    "check_10": True,
    "n_stay": "met",
    "n_title": "met",
    "n_language": "met",
    "n_test": "missing",
    "n_livelihood": "met",
    "n_no_convictions": "met",
    "n_commitment": "met",
    "n_identity": "met",
    "missing": [{"criterion": "n_test", "what": "Einbürgerungstest", "possible_from": "2025-06-01"}],
}
RESULT = Complete("assess", {**CRITERIA, "next_step": "record_result"})
REQUEST = Complete(
    "assess",
    {
        **CRITERIA,
        "next_step": "request_documents",
        "document_name": "Rentenversicherungsverlauf",
        "document_due": "2025-03-17",
    },
)

SCENARIOS = {
    "result_at_once": Scenario([RESULT], {"next_step": "record_result", "n_test": "missing"}, start_at=START),
    "documents_received": Scenario(
        [REQUEST, Complete("collect_documents", {"document_status": "not_available"}), RESULT],
        {"document_requests": 1, "document_status": "not_available"},
        start_at=START,
    ),
    "documents_late": Scenario(
        [
            REQUEST,
            Travel(datetime(2025, 3, 19, 9, 0, tzinfo=UTC)),
            Complete("collect_documents", {"document_status": "received", "received_on": "2025-03-20"}),
            RESULT,
        ],
        {"reminders": 1, "document_due": "2025-03-26"},
        start_at=START,
    ),
}
