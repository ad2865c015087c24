"""What happens after a step of each process, and when a case's processes stop: one table, wired at start-up.

The path of a step
    A user completes a task (engine/tasks/service.py), a timer fires (engine/timers), a message
    arrives (consent withdrawn, engine/cases/service.py), a decision is taken (engine/escalations)
    or an instance starts (engine/instances/service.create_instance). Each of them ends in
    ``engine.instances.service.record_step``, which, in the one transaction of the request or job,
      1. saves the instance's state (optimistic lock), appends the finished tasks to the history,
         updates the task projection (ready, completed, cancelled) and the timers table;
      2. then runs the AFTER-STEP hooks of the instance's process, below, in the order listed.
    A hook is a plain function ``fn(session, instance, case or None, result, now)``; it writes typed
    rows of its own concern and never commits (an error rolls the whole step back).

The table (process id: after each step)
    case_lifecycle    cases.lifecycle.apply_step          the case's route; status, date and reason
                                                          of its closure when the process ends
                      reports.projection.project_lifecycle  the programme's countable facts
                                                          (persons supported, CM cases, referrals,
                                                          goals met, closures) into programme_events
                      goals.projection.project            the case's goals as rows: one per goal of
                                                          the goal agreement; each evaluation's status
                      offers.projection.project           the assessment's needs by life area and the
                                                          final evaluation's missing offers (gaps)
    uma_job_followup  followups.projection.project        the case's row in ``followups`` (due date,
                                                          check-ins, outcome) for the overview
    escalation        escalations.projection.project      the topic's row: waiting step, level, body,
                                                          due and reminder times; its end
    referral          referrals.projection.project        the referral's row: status, reminder day,
                                                          the agency's answer and when it came
                      reports.projection.project_referral  one referral counted, by agency, at its start
    residence_check,  checks.projection.project           at the check's end: its result per path on
    naturalisation_check                                  its row, sent back through the referral
    (test runs of a diagram have no case; the case hooks skip them)

When a case's processes stop (the case closes for any reason, consent refused or withdrawn,
personal data deleted)
    ``engine.instances.service.stop_case_instances`` cancels each running instance of the case, its
    open tasks and timers, then runs the ON-STOP hooks of its process ``fn(session, instance, now)``.
    It is the one mechanism for every process: cases.lifecycle.apply_step calls it when the lifecycle
    ends (closure, no consent, withdrawal), retention calls it before deleting personal data.
    uma_job_followup  followups.projection.stopped        the follow-up row says "stopped"
    referral          referrals.projection.stopped        no reminder falls due any more
    residence_check,  checks.projection.stopped           the check's row says "stopped"
    naturalisation_check

Adding a process (households, several referrals, ...)
    Write its projection in its own concern, e.g. ``engine/households/projection.py`` with
    ``PROCESS_ID`` and ``project(session, instance, case, result, now)``, and add one line to
    AFTER_STEP (and to ON_STOP if it keeps a row that must say it stopped). Nothing registers
    itself on import; this module is the only place that knows which hooks exist.

Wiring
    ``wire()`` installs the table once at start-up: ``api.app.create_app`` (web workers and their
    embedded scheduler), the ``kim`` commands that run steps (``scheduler``, ``generate-demo``,
    ``retention run``) and the test fixtures (tests/conftest.py). Calling it again is harmless. A
    process that forgot it gets ``HooksNotWired`` at its first step, before anything is written:
    hooks are never silently skipped.
"""

from __future__ import annotations

from .cases import lifecycle
from .checks import projection as check
from .escalations import projection as escalation
from .escalations.steps import PROCESS_ID as ESCALATION
from .followups import projection as followup
from .goals import projection as goals
from .instances.hook_table import StepHooks, install
from .offers import projection as offer_needs
from .referrals import projection as referral
from .reports import projection as figures

AFTER_STEP = {
    lifecycle.PROCESS_ID: (
        lifecycle.apply_step,
        figures.project_lifecycle,
        goals.project,
        offer_needs.project,
    ),
    followup.PROCESS_ID: (followup.project,),
    ESCALATION: (escalation.project,),
    referral.PROCESS_ID: (referral.project, figures.project_referral),
    **dict.fromkeys(check.PROCESS_IDS, (check.project,)),
}

ON_STOP = {
    followup.PROCESS_ID: (followup.stopped,),
    referral.PROCESS_ID: (referral.stopped,),
    **dict.fromkeys(check.PROCESS_IDS, (check.stopped,)),
}

HOOKS = StepHooks(after_step=AFTER_STEP, on_stop=ON_STOP)


def wire() -> StepHooks:
    """Install the hook table for this process (idempotent); returns it."""
    install(HOOKS)
    return HOOKS
