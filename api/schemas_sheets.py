"""marshmallow schemas of the client sheets: the PDF query, the catalogues and the signed scan."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema

Str = fields.String


class SheetQuerySchema(Schema):
    lang = Str(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "the client's language (code such as ar, prs, uk; German name accepted)"},
    )
    agencies = Str(
        validate=validate.Length(max=600),
        metadata={"description": "release only: comma-separated agency codes of a release being prepared"},
    )


class CatalogueSchema(Schema):
    code = Str()
    name = Str()
    source = Str(metadata={"description": "tenant, shipped or none"})
    review_state = Str(allow_none=True, metadata={"description": "draft or reviewed"})
    reviewed_by = Str(allow_none=True)
    reviewed_on = Str(allow_none=True)
    version = Str(allow_none=True)
    uploaded_at = fields.DateTime(allow_none=True)


class CatalogueListSchema(Schema):
    items = fields.List(fields.Nested(CatalogueSchema))


class ScanSchema(Schema):
    consent_id = fields.Integer()
    scan_document_id = fields.Integer()
    sheet_language = Str(allow_none=True)
    sheet_version = Str(allow_none=True)
    interpreter_service = Str(allow_none=True)


UPLOAD_PO = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary", "description": "the .po file"}},
            }
        }
    },
}
UPLOAD_SCAN = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "PDF, PNG or JPEG"}
                },
            }
        }
    },
}
PDF_RESPONSE = {
    200: {
        "description": "the bilingual sheet (German and the client's language)",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}
