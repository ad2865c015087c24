"""Scenarios of every diagram in processes/, one module per diagram (file name = process id)."""

from . import case_lifecycle, escalation, naturalisation_check, referral, residence_check, uma_job_followup

BY_PROCESS = {
    "case_lifecycle": case_lifecycle.SCENARIOS,
    "uma_job_followup": uma_job_followup.SCENARIOS,
    "escalation": escalation.SCENARIOS,
    "referral": referral.SCENARIOS,
    "residence_check": residence_check.SCENARIOS,
    "naturalisation_check": naturalisation_check.SCENARIOS,
}
