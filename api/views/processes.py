"""Process owners: upload diagrams as drafts, see verdicts, deploy, roll back, reset to the base, read
versions (the shared base's and the county's own)."""

from flask import Response, request
from flask_smorest import Blueprint

from engine.errors import InvalidInput
from engine.processes import incidents
from engine.processes import versions as service

from ..context import current_user, db
from ..schemas_processes import (
    DeployRequestSchema,
    DeployResultSchema,
    ProcessIncidentSchema,
    ProcessListSchema,
    RollbackRequestSchema,
    VerdictSchema,
    VersionListSchema,
    VersionSchema,
)

blp = Blueprint("processes", __name__, url_prefix="/api/v1/processes", description="Prozessmodelle")

_XML_BODY = {
    "required": True,
    "content": {
        "application/xml": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}


def _diagram() -> bytes:
    """The uploaded diagram: an XML body or a multipart field ``file``."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput(
                "Bitte die BPMN-Datei im Feld 'file' senden.", errors={"file": ["Pflichtfeld."]}
            )
        data = upload.read()
    elif request.mimetype in ("application/xml", "text/xml", "application/bpmn+xml"):
        data = request.get_data()
    else:
        raise InvalidInput(
            "Bitte BPMN-XML senden (Content-Type application/xml) oder eine Datei im "
            "Feld 'file' (multipart/form-data)."
        )
    if not data.strip():
        raise InvalidInput("Die Datei ist leer.")
    return data


def _out(row, changed=None) -> dict:
    out = service.view(row, service.current_for(db(), current_user(), row.process_id))
    if changed is not None:
        out["changed"] = changed
    return out


@blp.route("", methods=["POST"])
@blp.doc(requestBody=_XML_BODY)
@blp.response(201, DeployResultSchema)
@blp.alt_response(200, schema=DeployResultSchema, description="the same content was stored before")
def upload():
    """Store a BPMN diagram as a draft version, with its verdict (deployable or the problems)."""
    service.require_process_owner(current_user())  # before reading the body: 403 comes first
    row, created = service.store(db(), user=current_user(), xml=_diagram())
    return _out(row, created), 201 if created else 200


@blp.route("", methods=["GET"])
@blp.response(200, ProcessListSchema)
def list_processes():
    """Every process with its current (deployed) and newest version."""
    return {"items": service.list_processes(db(), user=current_user())}


@blp.route("/incidents", methods=["GET"])
@blp.response(200, ProcessIncidentSchema(many=True))
def list_incidents():
    """Run-time failures of the process models (an evaluation over its budget, a computed value out of
    bounds, an error in an expression), latest first: the tenant's, for process owners."""
    return incidents.for_owner(db(), user=current_user())


@blp.route("/validate", methods=["POST"])
@blp.doc(requestBody=_XML_BODY)
@blp.response(200, VerdictSchema)
def validate():
    """The verdict on a diagram without storing it."""
    service.require_process_owner(current_user())
    return service.validate(db(), user=current_user(), xml=_diagram())


@blp.route("/<process_id>/versions", methods=["GET"])
@blp.response(200, VersionListSchema)
def list_versions(process_id):
    """Every version of a process, newest first."""
    return {"items": service.list_versions(db(), user=current_user(), process_id=process_id)}


@blp.route("/<process_id>/versions/<int:version>", methods=["GET"])
@blp.response(200, VersionSchema)
def get_version(process_id, version):
    """One version with its verdict."""
    service.require_process_owner(current_user())
    return _out(service.get_version(db(), process_id, version, tenant_id=current_user().tenant_id))


@blp.route("/<process_id>/versions/<int:version>/xml", methods=["GET"])
@blp.response(200, {"type": "string"}, content_type="application/xml")
def get_xml(process_id, version):
    """The BPMN XML of a version."""
    service.require_process_owner(current_user())
    row = service.get_version(db(), process_id, version, tenant_id=current_user().tenant_id)
    return Response(row.xml, mimetype="application/xml")


@blp.route("/<process_id>/deploy", methods=["POST"])
@blp.arguments(DeployRequestSchema, required=False)  # every field has a default: no body is fine
@blp.response(200, DeployResultSchema)
def deploy(args, process_id):
    """Make a version (default: the newest) the one new cases start on; running cases stay."""
    row, changed = service.deploy(db(), user=current_user(), process_id=process_id, version=args["version"])
    return _out(row, changed)


@blp.route("/<process_id>/rollback", methods=["POST"])
@blp.arguments(RollbackRequestSchema)
@blp.response(200, DeployResultSchema)
def rollback(args, process_id):
    """Deploy an earlier version again."""
    row, changed = service.rollback(db(), user=current_user(), process_id=process_id, version=args["version"])
    return _out(row, changed)


@blp.route("/<process_id>/reset", methods=["POST"])
@blp.response(200, DeployResultSchema)
def reset(process_id):
    """Back to the base: the county's own version stops being current, new cases start on the base's
    current version (returned); running cases stay on their version."""
    row, changed = service.reset(db(), user=current_user(), process_id=process_id)
    return _out(row, changed)
