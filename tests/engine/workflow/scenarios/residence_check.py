"""Every path of a Bleiberechtsprüfung: the result recorded at once; documents requested and received;
documents requested, the due date passed (the reminder brings the task back with a new due date), then
received and the result recorded."""

from datetime import UTC, datetime

from tests.engine.workflow.round_trip import Complete, Scenario, Travel

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)

CRITERIA_25B = {
    "check_25b": True,
    "b_stay": "met",
    "b_fdgo": "met",
    "b_knowledge": "met",
    "b_livelihood": "met",
    "b_language": "missing",
    "b_children_school": "met",
    "b_identity": "met",
    "missing": [{"criterion": "b_language", "what": "A2-Zertifikat", "possible_from": "2025-09-01"}],
}
RESULT = Complete("assess", {**CRITERIA_25B, "next_step": "record_result"})
REQUEST = Complete(
    "assess",
    {
        **CRITERIA_25B,
        "next_step": "request_documents",
        "document_name": "Sprachzertifikat",
        "document_due": "2025-03-17",
    },
)
RECEIVED = Complete("collect_documents", {"document_status": "received", "received_on": "2025-03-10"})

SCENARIOS = {
    "result_at_once": Scenario(
        [RESULT], {"next_step": "record_result", "b_language": "missing"}, start_at=START
    ),
    "documents_received": Scenario(
        [REQUEST, RECEIVED, RESULT],
        {"document_requests": 1, "reminders": 0, "document_status": "received"},
        start_at=START,
    ),
    "documents_late": Scenario(
        [
            REQUEST,
            Travel(datetime(2025, 3, 19, 9, 0, tzinfo=UTC)),
            Complete("collect_documents", {"document_status": "received", "received_on": "2025-03-20"}),
            RESULT,
        ],
        {"document_requests": 1, "reminders": 1, "document_due": "2025-03-26"},
        start_at=START,
    ),
}
