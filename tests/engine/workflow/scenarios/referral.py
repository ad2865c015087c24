"""Every path of a referral: answered at once, an interim answer then declined, no answer within the
period (the case manager follows up, waits again and the answer comes), an answer while following up,
given up without an answer; the agency asks back and the case manager replies, asks back while the case
manager follows up, answers before the reply; each final answer is looked at ("Rückmeldung ansehen")."""

from datetime import UTC, datetime

from tests.engine.workflow.round_trip import Complete, Message, Scenario, Travel

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def _day(n: int) -> datetime:
    """``n`` days and an hour after the referral was sent."""
    return (
        datetime(2025, 3, 3 + n, 9, 0, tzinfo=UTC) if n < 28 else datetime(2025, 4, n - 27, 9, 0, tzinfo=UTC)
    )


def _answer(status: str, text: str = "Termin am 12.03. vereinbart.") -> Message:
    return Message("referral_answer", {"status": status, "text": text}, "answer")


def _question(text: str = "Bitte das Schulzeugnis nachreichen.") -> Message:
    return Message("referral_question", {"text": text}, "question")


REVIEW = Complete("review_answer", {"review_notes": "Gesehen."})
REPLY = Complete("answer_question", {"reply": "Das Zeugnis kommt per Post."})


def _follow_up(action: str) -> Complete:
    return Complete("follow_up", {"contact_date": "2025-03-18", "follow_up_action": action})


SCENARIOS = {
    "answered": Scenario([_answer("answered"), REVIEW], {"status": "answered"}, start_at=START),
    "interim_then_declined": Scenario(
        [
            _answer("received"),
            Travel(_day(10)),
            _answer("in_progress"),
            _answer("declined", "Nicht zuständig."),
            REVIEW,
        ],
        {"status": "declined", "answer_text": "Nicht zuständig."},
        start_at=START,
    ),
    "no_answer_then_answered": Scenario(
        [
            Travel(_day(13)),
            Travel(_day(15)),
            _follow_up("wait"),
            Travel(_day(30)),
            _answer("answered"),
            REVIEW,
        ],
        {"status": "answered", "follow_up_action": "wait"},
        start_at=START,
    ),
    "answer_while_following_up": Scenario(
        [Travel(_day(15)), _answer("answered"), REVIEW], {"status": "answered"}, start_at=START
    ),
    "question_replied_then_checked": Scenario(
        [
            _answer("in_progress", "Angenommen."),
            _question(),
            REPLY,
            Travel(_day(20)),  # a new period after the reply: the reminder fires, then the answer
            _answer("answered"),
            REVIEW,
        ],
        {
            "status": "answered",
            "reply": "Das Zeugnis kommt per Post.",
            "question_text": "Bitte das Schulzeugnis nachreichen.",
        },
        start_at=START,
    ),
    "answered_before_the_reply": Scenario(
        [
            _question(),
            Message(
                "referral_answer",
                {"status": "answered", "text": "Erledigt.", "check_result": "met"},
                "answer",
            ),
            REVIEW,
        ],
        {"status": "answered", "check_result": "met", "reply": ""},
        start_at=START,
    ),
    "question_while_following_up": Scenario(
        [Travel(_day(15)), _question(), REPLY, _answer("declined", "Nicht zuständig."), REVIEW],
        {"status": "declined", "decline_reason": ""},
        start_at=START,
    ),
    "given_up": Scenario([Travel(_day(15)), _follow_up("close")], {"status": "no_answer"}, start_at=START),
}
