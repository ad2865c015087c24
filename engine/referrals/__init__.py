"""Referrals to agencies, each tracked by its own process (processes/referral.bpmn)."""
