"""The table of hooks that runs after each step and when an instance is stopped (filled by engine.hooks)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy.orm import Session

from .. import workflow as wf
from ..cases.models import Case
from .models import ProcessInstance

# fn(session, instance, case or None, the step's result, now), in the step's transaction.
AfterStep = Callable[[Session, ProcessInstance, Case | None, wf.StepResult, datetime], Any]
# fn(session, instance, now): the instance was stopped from outside (consent withdrawn, deletion).
OnStop = Callable[[Session, ProcessInstance, datetime], Any]


class HooksNotWired(RuntimeError):
    """A step was recorded before start-up wired the hooks (engine.hooks.wire())."""


def _frozen(table: Mapping[str, tuple]) -> Mapping[str, tuple]:
    return MappingProxyType({key: tuple(value) for key, value in table.items()})


@dataclass(frozen=True)
class StepHooks:
    """Per process id: what runs after each step, and what runs when an instance is stopped."""

    after_step: Mapping[str, tuple[AfterStep, ...]] = field(default_factory=dict)
    on_stop: Mapping[str, tuple[OnStop, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "after_step", _frozen(self.after_step))
        object.__setattr__(self, "on_stop", _frozen(self.on_stop))

    def after(self, process_id: str | None) -> tuple[AfterStep, ...]:
        """The hooks to run after a step of ``process_id``, in order."""
        return self.after_step.get(process_id or "", ())

    def stopped(self, process_id: str | None) -> tuple[OnStop, ...]:
        """The hooks to run when an instance of ``process_id`` is stopped from outside."""
        return self.on_stop.get(process_id or "", ())


_installed: StepHooks | None = None


def install(hooks: StepHooks) -> None:
    """Use ``hooks`` from now on (installing the same table again changes nothing)."""
    global _installed
    _installed = hooks


def installed() -> StepHooks:
    """The installed table; HooksNotWired when start-up forgot to wire it (never silently none)."""
    if _installed is None:
        raise HooksNotWired(
            "Die Prozess-Hooks sind nicht verdrahtet: engine.hooks.wire() muss beim Start "
            "aufgerufen werden (create_app, kim scheduler, CLI, Test-Fixtures)."
        )
    return _installed
