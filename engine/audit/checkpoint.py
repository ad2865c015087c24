"""Taking a signed checkpoint: check what came since the last one, then anchor the head outside."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..clock import utcnow
from ..uow import unit_of_work
from . import anchor
from .keys import Keyring
from .verify import Report, verify


@dataclass
class Outcome:
    """The checkpoint written (or None: unchanged, or the trail is damaged) and the check behind it."""

    written: anchor.Checkpoint | None
    report: Report


def write(ring: Keyring, anchor_dir: Path, report: Report) -> anchor.Checkpoint | None:
    """Anchor the state ``report`` found intact, unless the latest checkpoint already says the same."""
    last = report.checkpoint
    if last is not None and (last.count, last.last_mac, last.key_id) == (
        report.entries,
        report.last_mac,
        ring.primary_id,
    ):
        return None
    cp = anchor.sign(
        ring,
        anchor.Checkpoint(
            count=report.entries,
            last_id=report.last_id,
            last_mac=report.last_mac,
            legacy_until=report.legacy_until,
            at=utcnow().isoformat(timespec="seconds"),
            key_id=ring.primary_id,
        ),
    )
    anchor.append(anchor_dir, cp)
    return cp


def take(session_factory, ring: Keyring, anchor_dir: Path) -> Outcome:
    """Check the entries since the latest checkpoint (all of them without one) and anchor the head.

    A damaged trail is never anchored: the checkpoint would vouch for the damage.
    """
    with unit_of_work(session_factory, write=False) as session:
        last, problem = anchor.latest(anchor_dir, ring)
        report = verify(session, ring, anchor_dir, since=last if problem is None else None)
    if not report.ok:
        return Outcome(None, report)
    return Outcome(write(ring, anchor_dir, report), report)
