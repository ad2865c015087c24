"""marshmallow schemas: the single source of the REST API's shapes and its OpenAPI document."""

from __future__ import annotations

from marshmallow import fields, validate

from engine.clock import utcnow

from .schema_base import Schema

Str = fields.String
# Ids are INTEGER columns (32 bits on PostgreSQL); larger numbers would overflow the driver.
MAX_ID = 2**31 - 1


class ProblemItemSchema(Schema):
    """One reason a diagram cannot be deployed (the verdict's problems)."""

    element_id = Str(allow_none=True)
    element_name = Str(allow_none=True)
    line = fields.Int(allow_none=True)
    column = fields.Int(allow_none=True)
    severity = Str(
        validate=validate.OneOf(["error", "warning"]),
        metadata={"description": "error: blocks deploy; warning: a hint (e.g. a field no form provides)"},
    )
    message = Str()
    message_de = Str()


class ProblemSchema(Schema):
    type = Str()
    title = Str()
    status = fields.Integer()
    detail = Str()
    errors = fields.Dict(
        keys=Str(),
        values=fields.List(Str()),
        metadata={"description": "422: messages per field (dotted path; _form, _body)"},
    )
    element_id = Str(metadata={"description": "422 Prozessfehler: the BPMN element that stopped"})
    locked_until = Str(metadata={"description": "401: the account is locked until then (ISO 8601)"})
    reason = Str(metadata={"description": "503 from /ready: the reason in English, for operators"})
    holder = Str(metadata={"description": "409 task-claimed-by-other: user name of who holds the task"})
    holder_name = Str(metadata={"description": "409 task-claimed-by-other: that person's name"})
    problems = fields.List(
        fields.Nested(ProblemItemSchema),
        metadata={
            "description": "422 diagram-invalid: every reason the diagram cannot be deployed (the verdict)"
        },
    )
    line = fields.Int(
        allow_none=True, metadata={"description": "422 diagram-invalid: line of the first problem"}
    )
    column = fields.Int(allow_none=True, metadata={"description": "422 diagram-invalid: its column"})


class HealthSchema(Schema):
    status = Str(metadata={"description": "ok: the process answers (liveness; the database is not asked)"})


class ReadySchema(Schema):
    status = Str(metadata={"description": "ready"})
    database = Str(metadata={"description": "ok: the database answered"})
    revision = Str(metadata={"description": "the database schema's migration, the newest one"})


class TokenRequestSchema(Schema):
    username = Str(required=True, validate=validate.Length(min=1, max=80))
    password = Str(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    tenant = Str(
        validate=validate.Length(min=1, max=40),
        metadata={
            "description": "the key of the county (tenant) the account belongs to, e.g. 'paderborn'; "
            "required when the installation has more than one tenant"
        },
    )


class RevocationSchema(Schema):
    username = Str(required=True, validate=validate.Length(min=1, max=80))


class RevokedSchema(Schema):
    username = Str()
    revoked = fields.Int()


class UserSchema(Schema):
    username = Str()
    tenant = Str(attribute="tenant.key", metadata={"description": "the key of the user's county"})
    display_name = Str()
    role = Str()
    municipality = Str(attribute="municipality.name", allow_none=True)
    team = Str(attribute="team.name", allow_none=True)


class TokenSchema(Schema):
    access_token = Str()
    token_type = Str()
    expires_in = fields.Integer(metadata={"description": "seconds"})
    user = fields.Nested(UserSchema)


class ClientSchema(Schema):
    """The client's personal data; kept only in the case record."""

    given_name = Str(required=True, validate=validate.Length(min=1, max=200))
    family_name = Str(required=True, validate=validate.Length(min=1, max=200))
    birth_date = fields.Date(allow_none=True)
    gender = Str(validate=validate.OneOf(["female", "male", "diverse", "unknown"]), allow_none=True)
    nationality = Str(validate=validate.Length(max=100), allow_none=True)
    languages = fields.List(Str(validate=validate.Length(max=60)), validate=validate.Length(max=10))
    phone = Str(validate=validate.Length(max=50), allow_none=True)
    email = fields.Email(validate=validate.Length(max=200), allow_none=True)
    address = Str(validate=validate.Length(max=500), allow_none=True)


class ClientOutSchema(ClientSchema):
    birth_date = Str(allow_none=True, metadata={"description": "ISO date"})  # type: ignore[assignment]  # a subclass may redeclare a field


class CaseCreateSchema(Schema):
    municipality = Str(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "key or name, e.g. 'borchen' or 'Borchen'"},
    )
    client = fields.Nested(ClientSchema, required=True)


class TaskSchema(Schema):
    id = Str()
    name = Str()
    bpmn_id = Str()
    form_key = Str(allow_none=True)
    case_id = fields.Integer(allow_none=True)
    lane = Str(allow_none=True)
    role = Str()
    status = Str()
    created_at = fields.DateTime()
    due = fields.DateTime(attribute="due_at", allow_none=True)
    overdue = fields.Method("_overdue", metadata={"description": "open and past its due time"})
    completed_at = fields.DateTime(allow_none=True)
    manual = fields.Method(
        "_manual",
        metadata={
            "type": "boolean",
            "description": (
                "a task to confirm without a form (manualTask or plain task): complete it with data {}"
            ),
        },
    )
    run_id = fields.Method(
        "_run_id",
        allow_none=True,
        metadata={
            "type": "integer",
            "description": "the test run (process instance) of a task outside any case",
        },
    )

    @staticmethod
    def _get(obj, key):
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)

    def _manual(self, obj) -> bool:
        return self._get(obj, "form_key") is None

    def _run_id(self, obj) -> int | None:
        return self._get(obj, "instance_id") if self._get(obj, "case_id") is None else None

    def _overdue(self, obj) -> bool:
        get = obj.get if isinstance(obj, dict) else lambda k: getattr(obj, k, None)
        due = get("due_at")
        return bool(due is not None and get("status") == "ready" and due < utcnow())


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(allow_none=True, metadata={"description": "the form's JSON Schema"})
    data = fields.Dict(metadata={"description": "process data the task sees"})
    assignee = Str(
        allow_none=True,
        metadata={"description": "user name of who holds the task (only they complete it, until taken over)"},
    )


class HistorySchema(Schema):
    id = fields.Integer()
    task_id = Str(allow_none=True)
    bpmn_id = Str(allow_none=True)
    name = Str(allow_none=True)
    kind = Str()
    state = Str()
    title = Str(metadata={"description": "the entry's human name (never an element id)"})
    state_label = Str()
    readable = fields.Boolean(
        metadata={"description": "false: gateways and unnamed events, left out of the history people read"}
    )
    lane = Str(allow_none=True)
    at = fields.DateTime()
    user_id = fields.Integer(allow_none=True)
    data = fields.Dict(allow_none=True)


class CaseSummarySchema(Schema):
    id = fields.Integer()
    case_number = Str()
    pseudonym = Str()
    status = Str()
    status_label = Str()
    closure_reason = Str(allow_none=True)
    closure_reason_label = Str(allow_none=True)
    route = Str(allow_none=True)
    route_label = Str(allow_none=True)
    municipality = Str()
    team = Str(allow_none=True)
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    case_manager = Str(allow_none=True)
    client = fields.Nested(
        ClientOutSchema, metadata={"description": "only for the responsible case managers"}
    )


class CaseDetailSchema(CaseSummarySchema):
    open_tasks = fields.List(fields.Nested(TaskSchema))
    history = fields.List(fields.Nested(HistorySchema))
    history_total = fields.Integer()


class ReopenRequestSchema(Schema):
    reason = Str(
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "why the case is reopened (recorded in the audit trail)"},
    )


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class CaseListArgsSchema(PageArgsSchema):
    status = Str(validate=validate.OneOf(["open", "closed"]))
    municipality = Str(validate=validate.Length(max=200))
    q = Str(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "family name prefix, case number or pseudonym"},
    )


class TaskListArgsSchema(PageArgsSchema):
    case_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    run_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "process owners: only the tasks of this test run"},
    )
    overdue = fields.Boolean(metadata={"description": "only tasks past their due time"})


def _page_of(item: type[Schema], name: str) -> type[Schema]:
    """A paginated listing of ``item`` (``from_dict`` makes a subclass of our Schema)."""
    return Schema.from_dict(  # type: ignore[return-value]
        {
            "items": fields.List(fields.Nested(item)),
            "total": fields.Integer(),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        },
        name=name,
    )


CaseListSchema = _page_of(CaseSummarySchema, "CaseList")
HistoryPageSchema = _page_of(HistorySchema, "HistoryPage")
TaskListSchema = _page_of(TaskSchema, "TaskList")


class CompleteRequestSchema(Schema):
    data = fields.Dict(
        required=True, metadata={"description": "form data, validated against the form's JSON Schema"}
    )


class CaseStateSchema(Schema):
    id = fields.Integer()
    case_number = Str()
    status = Str()
    closure_reason = Str(allow_none=True)
    route = Str(allow_none=True)


class CompleteResponseSchema(Schema):
    task = fields.Nested(TaskSchema)
    case = fields.Nested(CaseStateSchema, allow_none=True)
    next_tasks = fields.List(fields.Nested(TaskSchema))


class FollowUpArgsSchema(Schema):
    within_days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=0, max=366),
        metadata={"description": "due within the next N days (overdue always included)"},
    )
    include = Str(load_default="open", validate=validate.OneOf(["open", "done"]))
    team = Str(validate=validate.Length(min=1, max=200), metadata={"description": "team key or name"})
    municipality = Str(validate=validate.Length(min=1, max=200), metadata={"description": "key or name"})


class FollowUpSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    pseudonym = Str()
    client_name = Str(allow_none=True, metadata={"description": "only for case managers in scope"})
    municipality = Str()
    team = Str(allow_none=True)
    state = Str(
        metadata={
            "description": "planning | scheduled | due | overdue | done; due and overdue by the due time "
            "of the follow-up's open tasks, as in the inbox"
        }
    )
    responsible = Str(allow_none=True)
    responsible_person = Str(allow_none=True)
    placement_kind = Str(allow_none=True)
    start_date = fields.Date(allow_none=True)
    due_date = fields.Date(allow_none=True, metadata={"description": "the day the six-month task comes"})
    next_due = fields.DateTime(
        allow_none=True, metadata={"description": "earliest due time of its open tasks"}
    )
    next_task = Str(allow_none=True, metadata={"description": "the title of that task"})
    checkins_done = fields.Integer(metadata={"description": "completed check-in tasks"})
    checkins_fired = fields.Integer(metadata={"description": "check-in tasks created so far"})
    checkins_planned = fields.Integer(metadata={"description": "check-ins the process plans"})
    outcome = Str(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)


class FollowUpCountsSchema(Schema):
    overdue = fields.Integer()
    due = fields.Integer()
    scheduled = fields.Integer()
    done = fields.Integer()
    planning = fields.Integer()
    outcomes = fields.Dict(keys=Str(), values=fields.Integer())


class FollowUpOverviewSchema(Schema):
    today = fields.Date(metadata={"description": "today in Europe/Berlin"})
    counts = fields.Nested(FollowUpCountsSchema)
    items = fields.List(fields.Nested(FollowUpSchema))


class IncidentSchema(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    bpmn_id = Str()
    name = Str(allow_none=True)
    kind = Str()
    scheduled_for = fields.DateTime()
    attempts = fields.Integer()
    last_error = Str(allow_none=True)
    status = Str()
