"""The only package that imports SpiffWorkflow: parse, validate and run BPMN processes."""

from . import quiet_log, serializer, walk

quiet_log.install()  # before anything runs: all three only make SpiffWorkflow cheaper, never different
walk.install()
serializer.install()

# ruff: noqa: E402 - the installs above come first

from .expressions import UnsafeExpression, compile_expression, compile_script
from .graph import Element, Flow, Graph, diagram_graph
from .migrate import Blocker, MigrationBlocked, MigrationCheck, OpenTask, check_migration
from .migrate import migrate as migrate_instance
from .parsing import ParsedProcess, inspect_diagram, parse_diagram
from .problems import DiagramError, DiagramProblem, is_blocking
from .prune import FinishedTask
from .reopen import NotFinished, final_data, reopen
from .runtime import (
    SPEC_CACHE,
    EngineFailure,
    NotWaiting,
    ReadyTask,
    SpecCache,
    StepResult,
    TaskNotReady,
    complete,
    fire_timers,
    keep_workflows,
    send_message,
    start,
    task_data,
)
from .timers import WaitingTimer
from .verdict import form_properties, judge_diagram

__all__ = [
    "SPEC_CACHE",
    "Blocker",
    "DiagramError",
    "DiagramProblem",
    "Element",
    "EngineFailure",
    "FinishedTask",
    "Flow",
    "Graph",
    "MigrationBlocked",
    "MigrationCheck",
    "NotFinished",
    "NotWaiting",
    "OpenTask",
    "ParsedProcess",
    "ReadyTask",
    "SpecCache",
    "StepResult",
    "TaskNotReady",
    "UnsafeExpression",
    "WaitingTimer",
    "check_migration",
    "compile_expression",
    "compile_script",
    "complete",
    "diagram_graph",
    "final_data",
    "fire_timers",
    "form_properties",
    "inspect_diagram",
    "is_blocking",
    "judge_diagram",
    "keep_workflows",
    "migrate_instance",
    "parse_diagram",
    "reopen",
    "send_message",
    "start",
    "task_data",
]
