"""Goals of a case as rows with ids: agreed in the goal agreement, picked by each evaluation, added or
dropped later with a reason (see models.py)."""
