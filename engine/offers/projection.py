"""The case lifecycle's needs and structural findings for the Ist-/Bedarfsanalyse (after-step hook,
engine/hooks.py; same transaction as the step):

- a completed assessment: the life areas of its needs (dated by the step), one ``offer_needs`` row
  per case, school year and life area (a later assessment in the same school year replaces them);
- a completed final evaluation: each structured finding (``structural_gaps``: life area and reason)
  becomes a gap record of the case (source ``final_evaluation``). The free-text ``structural_findings``
  stay in the form: a gap holds no free text.
Test runs of the diagram have no case and are skipped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete
from sqlalchemy.orm import Session

from ..clock import BERLIN
from ..reports.events import as_date, school_year_of
from ..vocabulary import labels
from .casework import FINAL, GAP_REASONS, new_gap
from .fields import LIFE_AREAS
from .models import OfferNeed

PROCESS_ID = "case_lifecycle"


def project(session: Session, instance, case, result, now: datetime) -> None:
    """Needs of an assessment, gaps of a final evaluation (see the module docstring)."""
    if case is None:
        return
    today = now.astimezone(BERLIN).date()
    for item in result.finished:
        if not isinstance(item.data, dict):
            continue
        if item.bpmn_id == "assessment":
            _needs(session, case, item.data, today)  # the assessment form has no date of its own
        elif item.bpmn_id == "final_evaluation":
            on = as_date(item.data.get("evaluation_date"), today)
            for finding in item.data.get("structural_gaps") or []:
                area = finding.get("life_area") if isinstance(finding, dict) else None
                reason = finding.get("reason") if isinstance(finding, dict) else None
                if area in labels(LIFE_AREAS) and reason in labels(GAP_REASONS):
                    gap = new_gap(
                        case, life_area=area, reason=reason, source=FINAL, on=on, now=now, user_id=None
                    )
                    session.add(gap)


# Built once (a statement object keeps its cache key): every assessment replaces the year's needs.
_DROP_NEEDS = delete(OfferNeed).where(
    OfferNeed.case_id == bindparam("needs_case"), OfferNeed.school_year == bindparam("needs_year")
)


def _needs(session: Session, case, data: dict, on) -> None:
    year = school_year_of(on)
    session.execute(_DROP_NEEDS, {"needs_case": case.id, "needs_year": year})
    areas = {n.get("life_area") for n in data.get("needs") or [] if isinstance(n, dict)}
    session.add_all(
        OfferNeed(
            tenant_id=case.tenant_id,
            case_id=case.id,
            municipality_id=case.municipality_id,
            school_year=year,
            life_area=area,
            assessed_on=on,
        )
        for area in sorted(a for a in areas if isinstance(a, str) and a)
    )
