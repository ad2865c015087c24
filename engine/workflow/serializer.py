"""Workflow state (de)serialization without embedded process specs.

SpiffWorkflow's default serializer embeds the whole spec in every instance. Here the
instance JSON carries only the live task tree; the spec comes from the spec cache of
the process version the instance belongs to.
"""

from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from .expressions import SCRIPT_ENGINE

FORMAT = "kim-1"


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Top-level workflow converter that leaves the specs out of the state."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_SERIALIZER = _make_serializer()


def dumps(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's live state (no spec) to JSON."""
    registry = _SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct["format"] = FORMAT
        return json.dumps(dct, cls=_SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def loads(state: str, spec, subprocess_specs) -> BpmnWorkflow:
    """Restore a workflow from its state and cached specs; re-attach the safe script engine."""
    dct = json.loads(state)
    if dct.pop("format", None) != FORMAT:
        raise ValueError("unknown workflow state format")
    workflow = _SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
    # The script engine is not part of the state: always put the restricted one back.
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
