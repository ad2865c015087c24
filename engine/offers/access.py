"""Who reads and who keeps the offers directory (one rule, documented in docs/offers.md).

- Reading and searching: case managers, coordinators and the Lenkungsgruppe of the tenant.
- Keeping (create, change, retire, import): coordinators, every offer of their tenant. A case manager
  of a municipality: the offers of her municipality, and county-wide offers a coordinator opened to
  case managers (``shared_upkeep``); she cannot create county-wide offers nor open or close them.
  A case manager of a team (no municipality): only county-wide offers opened to case managers.
"""

from __future__ import annotations

from ..access.actor import Actor
from ..errors import Forbidden

READERS = {"case_manager", "coordinator", "steering"}
KEEPERS = {"case_manager", "coordinator"}


def require_reader(user: Actor) -> None:
    """The directory is for case managers, coordinators and the Lenkungsgruppe."""
    if user.role not in READERS:
        raise Forbidden("Das Angebotsverzeichnis sehen Case-Management, Koordination und Lenkungsgruppe.")


def require_keeper(user: Actor) -> None:
    """Only case managers and coordinators keep the directory."""
    if user.role not in KEEPERS:
        raise Forbidden("Das Angebotsverzeichnis pflegen die Case-Managerinnen und die Koordination.")


def may_keep(user: Actor, municipality_id: int | None, shared_upkeep: bool) -> bool:
    """Whether ``user`` may create or change an offer of this place (None: county-wide)."""
    if user.role == "coordinator":
        return True
    if user.role != "case_manager":
        return False
    if municipality_id is None:
        return shared_upkeep
    return user.municipality_id is not None and municipality_id == user.municipality_id


def refuse_place(user: Actor, municipality_id: int | None, shared_upkeep: bool) -> str | None:
    """Why ``user`` may not keep an offer of this place (German), or None."""
    if may_keep(user, municipality_id, shared_upkeep):
        return None
    if municipality_id is None:
        return "Kreisweite Angebote pflegt die Koordination (oder Case-Management, wenn freigegeben)."
    return "Sie können nur Angebote Ihrer eigenen Gemeinde pflegen."
