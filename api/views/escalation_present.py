"""Topics, bodies and meetings as response dicts: the engine's read models (engine/escalations/read.py)."""
from __future__ import annotations

from engine.escalations.read import Names, body_view, meeting_view, step_name, topic_detail, topic_summaries

__all__ = ["Names", "body_view", "meeting_view", "step_name", "topic_detail", "topic_summaries"]
