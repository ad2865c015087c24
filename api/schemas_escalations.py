"""marshmallow schemas of topics, bodies, meetings and decisions (the escalation path)."""

from __future__ import annotations

from marshmallow import fields, validate

from engine.escalations.steps import CATEGORIES, FIELDS, LEVELS

from .schema_base import Schema
from .schemas import MAX_ID, PageArgsSchema

Str = fields.String
Id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


class TopicCreateSchema(Schema):
    title = Str(required=True, validate=validate.Length(min=3, max=200))
    category = Str(
        required=True,
        validate=validate.OneOf(list(CATEGORIES)),
        metadata={"description": "life area: " + ", ".join(CATEGORIES)},
    )
    municipality = Str(
        required=True, validate=validate.Length(min=1, max=200), metadata={"description": "key or name"}
    )
    description = Str(required=True, validate=validate.Length(min=1, max=4000))
    case_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "cases the topic came from; linked by pseudonym only"},
    )


class TopicListArgsSchema(PageArgsSchema):
    level = Str(validate=validate.OneOf(list(LEVELS)))
    status = Str(validate=validate.OneOf(["open", "done"]))
    category = Str(validate=validate.OneOf(list(CATEGORIES)))
    municipality = Str(validate=validate.Length(min=1, max=200))
    min_age_days = fields.Integer(
        validate=validate.Range(min=0, max=36500), metadata={"description": "raised at least N days ago"}
    )
    max_age_days = fields.Integer(
        validate=validate.Range(min=0, max=36500), metadata={"description": "raised at most N days ago"}
    )


class LinkedCaseSchema(Schema):
    case_id = fields.Integer()
    pseudonym = Str()


class TopicSummarySchema(Schema):
    id = fields.Integer()
    number = Str()
    title = Str()
    category = Str()
    category_label = Str()
    municipality = Str()
    level = Str()
    level_label = Str()
    status = Str()
    status_label = Str()
    outcome = Str(allow_none=True)
    outcome_label = Str(allow_none=True)
    waiting_step = Str(allow_none=True)
    waiting_step_name = Str(allow_none=True)
    waiting_body = Str(allow_none=True)
    working_group = Str(allow_none=True)
    raised_at = fields.DateTime()
    age_days = fields.Integer()
    due_at = fields.DateTime(allow_none=True)
    reminder_due_at = fields.DateTime(allow_none=True)
    reminders = fields.Integer()
    overdue = fields.Boolean()
    cases = fields.List(
        fields.Nested(LinkedCaseSchema), metadata={"description": "only the cases the user may see"}
    )
    linked_cases_total = fields.Integer()


class TopicEventSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    username = Str(allow_none=True, metadata={"description": "null: the system (a timer)"})
    role = Str(allow_none=True)
    role_label = Str(allow_none=True)
    level = Str()
    level_label = Str()
    step = Str()
    step_name = Str()
    decision = Str()
    decision_label = Str()
    decided_on = fields.Date(allow_none=True)
    reason = Str(allow_none=True)
    body = Str(allow_none=True)
    meeting_id = fields.Integer(allow_none=True)
    detail = fields.Dict(allow_none=True)


class TopicAgendaSchema(Schema):
    meeting_id = fields.Integer()
    body = Str()
    meets_on = fields.Date()
    position = fields.Integer()
    status = Str()
    status_label = Str()


class TopicDetailSchema(TopicSummarySchema):
    description = Str()
    recipient_authority = Str(allow_none=True)
    state_reference = Str(allow_none=True)
    forwarded_on = fields.Date(allow_none=True)
    answered_on = fields.Date(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    trail = fields.List(fields.Nested(TopicEventSchema))
    agenda = fields.List(fields.Nested(TopicAgendaSchema))


TopicListSchema = Schema.from_dict(
    {
        "items": fields.List(fields.Nested(TopicSummarySchema)),
        "total": fields.Integer(),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
    },
    name="TopicList",
)
OverdueSchema = Schema.from_dict(
    {"items": fields.List(fields.Nested(TopicSummarySchema)), "total": fields.Integer()}, name="OverdueTopics"
)


class PersonalDataReviewSchema(Schema):
    findings = fields.Dict(
        keys=fields.Str(),
        values=fields.List(fields.Str()),
        metadata={
            "description": "per text (title, description, trail.<n>.<field>): pseudonyms of your cases whose "
            "client it names (family or given name, birth date); empty: nothing found"
        },
    )


class DecisionRequestSchema(Schema):
    data = fields.Dict(
        required=True, metadata={"description": "the waiting step's form data (forms/escalation_*.json)"}
    )


class MemberSchema(Schema):
    id = fields.Integer(metadata={"description": "the seat, as the minutes' attendance names it"})
    function = Str()
    organisation = Str(allow_none=True)
    membership = Str(metadata={"description": "permanent | as_needed"})
    membership_label = Str()
    chair = fields.Boolean()


class BodySchema(Schema):
    id = fields.Integer()
    key = Str()
    kind = Str()
    kind_label = Str()
    name = Str()
    municipality = Str(allow_none=True)
    field = Str(allow_none=True)
    field_label = Str(allow_none=True)
    description = Str(allow_none=True)
    active = fields.Boolean()
    members = fields.List(fields.Nested(MemberSchema))


BodyListSchema = Schema.from_dict({"items": fields.List(fields.Nested(BodySchema))}, name="BodyList")


class BodyListArgsSchema(Schema):
    kind = Str(validate=validate.OneOf(["local", "steering", "working_group"]))
    municipality = Str(validate=validate.Length(min=1, max=200))


class BodyCreateSchema(Schema):
    kind = Str(required=True, validate=validate.OneOf(["local", "working_group"]))
    name = Str(required=True, validate=validate.Length(min=3, max=200))
    municipality = Str(allow_none=True, validate=validate.Length(min=1, max=200))
    field = Str(allow_none=True, validate=validate.OneOf(list(FIELDS)))
    description = Str(allow_none=True, validate=validate.Length(max=1000))


class MeetingCreateSchema(Schema):
    body_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    meets_on = fields.Date(required=True)
    location = Str(allow_none=True, validate=validate.Length(max=200))


class MeetingListArgsSchema(Schema):
    body_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    status = Str(validate=validate.OneOf(["planned", "held"]))
    from_date = fields.Date(metadata={"description": "meetings on or after this day"})


class AgendaItemSchema(Schema):
    position = fields.Integer()
    topic_id = fields.Integer()
    number = Str()
    title = Str()
    category = Str()
    category_label = Str()
    municipality = Str()
    step = Str()
    step_name = Str()
    kind = Str(metadata={"description": "decision | information"})
    kind_label = Str()
    status = Str(
        metadata={"description": "open | decided | deferred (waiting: not yet on an assembled agenda)"}
    )
    status_label = Str()


class MeetingSchema(Schema):
    id = fields.Integer()
    body_id = fields.Integer()
    body = Str()
    body_kind = Str()
    body_kind_label = Str()
    meets_on = fields.Date()
    location = Str(allow_none=True)
    status = Str(metadata={"description": "planned | held"})
    status_label = Str()
    agenda_assembled = fields.Boolean()
    minutes_at = fields.DateTime(allow_none=True)
    minutes_note = Str(allow_none=True)
    attendance = fields.Dict(
        allow_none=True,
        metadata={"description": "members: [{function, organisation, present}], guests (with the minutes)"},
    )
    agenda = fields.List(
        fields.Nested(AgendaItemSchema),
        metadata={"description": "assembled agenda; before assembly: the topics waiting for the body"},
    )


MeetingListSchema = Schema.from_dict({"items": fields.List(fields.Nested(MeetingSchema))}, name="MeetingList")


class MinutesItemSchema(Schema):
    topic_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    deferred = fields.Boolean(load_default=False)
    reason = Str(validate=validate.Length(max=2000))
    data = fields.Dict(
        metadata={
            "description": "the decision: form data of the topic's waiting step; the "
            "date field defaults to the meeting day"
        }
    )


class AttendanceSchema(Schema):
    present = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        load_default=list,
        validate=validate.Length(max=200),
        metadata={"description": "ids of the body's seats (members) present"},
    )
    guests = Str(load_default="", validate=validate.Length(max=2000))


class MinutesSchema(Schema):
    note = Str(allow_none=True, validate=validate.Length(max=4000))
    attendance = fields.Nested(
        AttendanceSchema,
        metadata={"description": "who attended: the body's seats present and further attendees"},
    )
    items = fields.List(fields.Nested(MinutesItemSchema), required=True, validate=validate.Length(max=200))
