"""Schemas of the process insight: case diagrams, heat map figures, event log queries."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema

DATE_RANGE_DOC = "Zeitraum (ISO-Daten), in dem die Schritte erledigt wurden"


class StepTimeSchema(Schema):
    at = fields.String()
    by = fields.String(
        allow_none=True, metadata={"description": "Name, oder die Rolle für pseudonymisierte Rollen"}
    )
    cancelled = fields.Boolean()


class DoneElementSchema(Schema):
    bpmn_id = fields.String()
    name = fields.String(allow_none=True)
    times = fields.List(fields.Nested(StepTimeSchema))


class OpenElementSchema(Schema):
    bpmn_id = fields.String()
    name = fields.String(allow_none=True)
    since = fields.String(allow_none=True)
    due = fields.String(allow_none=True)


class InstanceDiagramSchema(Schema):
    instance_id = fields.Integer()
    process_id = fields.String()
    process_name = fields.String()
    version = fields.Integer()
    status = fields.String()
    xml = fields.String(metadata={"description": "BPMN 2.0 XML der Version, auf der die Instanz läuft"})
    done = fields.List(fields.Nested(DoneElementSchema))
    current = fields.List(fields.Nested(OpenElementSchema))
    timers = fields.List(fields.Nested(OpenElementSchema))


class CaseDiagramsSchema(Schema):
    case_id = fields.Integer()
    pseudonym = fields.String()
    instances = fields.List(fields.Nested(InstanceDiagramSchema))


class TopicDiagramSchema(Schema):
    topic_id = fields.Integer()
    instances = fields.List(fields.Nested(InstanceDiagramSchema))


class InsightQuerySchema(Schema):
    version = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    municipality = fields.String(load_default=None, validate=validate.Length(max=40))
    date_from = fields.Date(load_default=None, data_key="from", metadata={"description": DATE_RANGE_DOC})
    date_to = fields.Date(load_default=None, data_key="to", metadata={"description": DATE_RANGE_DOC})


class EventLogQuerySchema(Schema):
    process = fields.String(load_default=None, validate=validate.Length(max=100))
    date_from = fields.Date(load_default=None, data_key="from", metadata={"description": DATE_RANGE_DOC})
    date_to = fields.Date(load_default=None, data_key="to", metadata={"description": DATE_RANGE_DOC})


class ElementFigureSchema(Schema):
    bpmn_id = fields.String()
    name = fields.String(allow_none=True)
    kind = fields.String()
    waiting = fields.Integer(allow_none=True, metadata={"description": "wartend jetzt; null: kleine Zahl"})
    visits = fields.Integer(allow_none=True)
    median_hours = fields.Float(allow_none=True)
    p90_hours = fields.Float(allow_none=True)


class FlowFigureSchema(Schema):
    flow_id = fields.String()
    name = fields.String(allow_none=True)
    source = fields.String()
    target = fields.String()
    taken = fields.Integer(allow_none=True)


class EndingSchema(Schema):
    code = fields.String()
    label = fields.String()
    count = fields.Integer(allow_none=True)


class InsightSchema(Schema):
    process_id = fields.String()
    name = fields.String(allow_none=True)
    version = fields.Integer()
    versions = fields.List(fields.Integer())
    municipality = fields.String(allow_none=True)
    date_from = fields.String(allow_none=True, data_key="from")
    date_to = fields.String(allow_none=True, data_key="to")
    min_count = fields.Integer()
    instances = fields.Integer(allow_none=True)
    elements = fields.List(fields.Nested(ElementFigureSchema))
    flows = fields.List(fields.Nested(FlowFigureSchema))
    endings = fields.List(fields.Nested(EndingSchema))
    most_waiting = fields.String(allow_none=True)
    xml = fields.String()
