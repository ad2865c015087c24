"""marshmallow schemas of the case file: notes, documents, completed forms."""

from __future__ import annotations

from marshmallow import fields, validate

from engine.casefile.notes import MAX_TEXT
from engine.vocabulary import ENGINE

from .schema_base import Schema
from .schemas import MAX_ID

Str = fields.String
NOTE_KINDS = list(ENGINE["note.kind"])
PERSONAL = "None for pseudonymised roles"


class NoteCreateSchema(Schema):
    noted_on = fields.Date(
        required=True, metadata={"description": "day of the call, visit, ...; not in the future"}
    )
    kind = Str(
        required=True, validate=validate.OneOf(NOTE_KINDS), metadata={"description": ", ".join(NOTE_KINDS)}
    )
    text = Str(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    member_id = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "the household member the note is about (optional)"},
    )


class NoteSchema(Schema):
    id = fields.Integer()
    noted_on = fields.Date()
    kind = Str()
    kind_label = Str()
    author = Str()
    created_at = fields.DateTime()
    member_id = fields.Integer(allow_none=True, metadata={"description": PERSONAL})
    member = Str(allow_none=True, metadata={"description": PERSONAL})
    text = Str(allow_none=True, metadata={"description": PERSONAL})


class NoteListSchema(Schema):
    items = fields.List(fields.Nested(NoteSchema))


class DocumentSchema(Schema):
    id = fields.Integer()
    media_type = Str(metadata={"description": "as found in the content"})
    size = fields.Integer()
    uploaded_by = Str()
    uploaded_at = fields.DateTime()
    member_id = fields.Integer(allow_none=True, metadata={"description": PERSONAL})
    member = Str(allow_none=True, metadata={"description": PERSONAL})
    title = Str(allow_none=True, metadata={"description": PERSONAL})
    file_name = Str(allow_none=True, metadata={"description": PERSONAL})


class DocumentListSchema(Schema):
    items = fields.List(fields.Nested(DocumentSchema))


class FieldValueSchema(Schema):
    key = Str()
    title = Str()
    text = Str(allow_none=True, metadata={"description": "the value as read (labels, dd.mm.yyyy, ja/nein)"})
    columns = fields.List(Str(), metadata={"description": "an array of objects: the table's column titles"})
    rows = fields.List(fields.List(Str()))


class CompletedFormSchema(Schema):
    task_id = Str()
    form_key = Str()
    title = Str()
    completed_at = fields.DateTime()
    who = Str()
    fields_ = fields.List(
        fields.Nested(FieldValueSchema),
        data_key="fields",
        attribute="fields",
        allow_none=True,
        metadata={"description": PERSONAL},
    )


class CompletedFormListSchema(Schema):
    items = fields.List(fields.Nested(CompletedFormSchema))


# The upload is multipart/form-data, read by the view itself after the engine checked role and scope
# (a coordinator gets 403, another scope's case 404, before any field is looked at).
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "title"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS, at most 10 MiB; the type is "
                        "read from the content and must match the name's extension",
                    },
                    "title": {"type": "string", "minLength": 1, "maxLength": 200},
                    "member_id": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "household member (optional)",
                    },
                },
            }
        }
    },
}
