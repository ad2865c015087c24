"""Process owners: the forms (JSON Schema) user tasks show, with a check, new versions of the county's
own and a reset to the shared base."""

from flask_smorest import Blueprint

from engine.processes import form_editing as service

from ..context import current_user, db
from ..schemas_processes import (
    FormCheckRequestSchema,
    FormCheckSchema,
    FormListSchema,
    FormSavedSchema,
    FormSaveSchema,
    FormSchema,
)

blp = Blueprint("forms", __name__, url_prefix="/api/v1/forms", description="Formulare")


def _saved(row, changed: bool) -> dict:
    return {
        "form_key": row.form_key,
        "version": row.version,
        "schema": row.schema,
        "changed": changed,
        "title": row.schema.get("title"),
        "deployed_at": row.deployed_at,
        "deployed_by": row.deployed_by,
        "tenant_id": row.tenant_id,
    }


@blp.route("", methods=["GET"])
@blp.response(200, FormListSchema)
def list_forms():
    """Every form's deployed version."""
    return {"items": service.list_forms(db(), user=current_user())}


@blp.route("/validate", methods=["POST"])
@blp.arguments(FormCheckRequestSchema)
@blp.response(200, FormCheckSchema)
def validate(args):
    """Check a form schema without saving it (the editor's live check; with ``form_key`` also the
    fields the engine reads from that form)."""
    service.require_process_owner(current_user())
    problems = service.check(args["schema"], args.get("form_key"))
    return {"valid": not problems, "problems": problems}


@blp.route("/<form_key:form_key>", methods=["GET"])
@blp.response(200, FormSchema)
def get_form(form_key):
    """A form's deployed version with its JSON Schema."""
    return service.get_form(db(), user=current_user(), form_key=form_key)


@blp.route("/<form_key:form_key>", methods=["PUT"])
@blp.arguments(FormSaveSchema)
@blp.response(200, FormSavedSchema)
def save_form(args, form_key):
    """Save a form as its new version; open and future tasks use it (unchanged content: no-op)."""
    row, changed = service.save_form(db(), user=current_user(), form_key=form_key, schema=args["schema"])
    return _saved(row, changed)


@blp.route("/<form_key:form_key>/reset", methods=["POST"])
@blp.response(200, FormSavedSchema)
def reset_form(form_key):
    """Back to the base: the county's own version of the form stops being used; open and future tasks
    use the base's current version (returned)."""
    row, changed = service.reset_form(db(), user=current_user(), form_key=form_key)
    return _saved(row, changed)
