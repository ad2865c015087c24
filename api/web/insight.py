"""Diagrams for people: a case's and a topic's progress (JSON for the viewer on their pages) and the
process insight pages (heat maps per version, side by side, with the figures as tables)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from engine.errors import InvalidInput, KimError
from engine.insight import case_diagram, eventlog, heatmap, instances, read
from engine.insight.access import INSIGHT_ROLES

from ..context import current_user, db, fail, settings
from .strings import DE
from .strings_insight import PI

bp = Blueprint("insight_pages", __name__)


@bp.app_context_processor
def _texts() -> dict:
    return {"pi": PI}


def _problem(exc: KimError):
    fail()
    return jsonify({"title": exc.title, "detail": exc.detail, "status": exc.status}), exc.status


def _refuse(exc: KimError):
    fail()
    return render_template("error.html", message=exc.detail), exc.status


@bp.get("/cases/<int:case_id>/ablauf.json")
def case_progress(case_id):
    """Die Instanzen des Falls mit erledigten, offenen und wartenden Schritten (für das Diagramm)."""
    try:
        return jsonify(case_diagram.case_diagrams(db(), user=current_user(), case_id=case_id))
    except KimError as exc:
        return _problem(exc)


@bp.get("/topics/<int:topic_id>/ablauf.json")
def topic_progress(topic_id):
    """Die Instanz des Themas auf ihrem Diagramm."""
    try:
        return jsonify(case_diagram.topic_diagram(db(), user=current_user(), topic_id=topic_id))
    except KimError as exc:
        return _problem(exc)


def _allowed():
    user = current_user()
    if user.role not in INSIGHT_ROLES:
        return render_template("error.html", message=DE.get("forbidden", "Keine Berechtigung.")), 403
    return None


@bp.get("/prozessauswertung")
def processes():
    """Prozessauswertung: die Prozesse mit ihren Versionen."""
    refused = _allowed()
    if refused:
        return refused
    return render_template(
        "insight_list.html",
        processes=read.processes(db(), user=current_user()),
        min_count=settings().report_min_count,
    )


def _date(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Bitte ein Datum angeben.", errors={name: ["Bitte ein Datum angeben."]}) from None


def _int(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    return int(raw) if raw.isdigit() else None


@bp.get("/prozessauswertung/<string:process_id>")
def process(process_id):
    """Die Heatmap einer Version, auf Wunsch neben einer zweiten; die Zahlen auch als Tabelle."""
    refused = _allowed()
    if refused:
        return refused
    session, user = db(), current_user()
    min_count = settings().report_min_count
    place = request.args.get("kommune") or None
    try:
        filters: dict[str, Any] = {"municipality": place, "date_from": _date("von"), "date_to": _date("bis")}
        first = heatmap.insight(
            session, user=user, process_id=process_id, version=_int("version"), min_count=min_count, **filters
        )
        other = _int("vergleich")
        second = (
            heatmap.insight(
                session, user=user, process_id=process_id, version=other, min_count=min_count, **filters
            )
            if other and other != first["version"]
            else None
        )
    except KimError as exc:
        return _refuse(exc)
    return render_template(
        "insight.html",
        maps=[m for m in (first, second) if m],
        places=read.places(session, user=user),
        args=request.args,
        min_count=min_count,
        process_id=process_id,
    )


@bp.get("/prozessauswertung/<string:process_id>/wartend/<string:bpmn_id>")
def waiting(process_id, bpmn_id):
    """Die Instanzen, die jetzt bei einem Schritt warten (von der Heatmap aus), mit Link zum Ablauf."""
    refused = _allowed()
    if refused:
        return refused
    try:
        listed = instances.waiting_at(
            db(),
            user=current_user(),
            process_id=process_id,
            bpmn_id=bpmn_id,
            version=_int("version"),
            municipality=request.args.get("kommune") or None,
        )
    except KimError as exc:
        return _refuse(exc)
    return render_template("insight_waiting.html", listed=listed, step=listed["step"], args=request.args)


@bp.get("/prozessauswertung/instanz/<int:instance_id>")
def instance(instance_id):
    """Eine Instanz (Fall, Nachsorge, Vermittlung oder Thema) als Diagramm, pseudonymisiert."""
    refused = _allowed()
    if refused:
        return refused
    try:
        view = instances.instance_diagram(db(), user=current_user(), instance_id=instance_id)
    except KimError as exc:
        return _refuse(exc)
    return render_template(
        "insight_instance.html",
        view=view,
        diagram_url=url_for("insight_pages.instance_progress", instance_id=instance_id),
    )


@bp.get("/prozessauswertung/instanz/<int:instance_id>/ablauf.json")
def instance_progress(instance_id):
    """Die Instanz mit erledigten, offenen und wartenden Schritten (für das Diagramm)."""
    try:
        return jsonify(instances.instance_diagram(db(), user=current_user(), instance_id=instance_id))
    except KimError as exc:
        return _problem(exc)


@bp.get("/prozessauswertung/faelle")
def find_case():
    """Einen Fall per Pseudonym oder Aktenzeichen finden und zu seinen Abläufen gehen."""
    refused = _allowed()
    if refused:
        return refused
    query = (request.args.get("q") or "").strip()
    if not query:
        return render_template("insight_search.html", query="", message=None)
    try:
        case_id = instances.find_case(db(), user=current_user(), query=query)
    except KimError as exc:
        fail()
        return render_template("insight_search.html", query=query, message=PI["search_none"]), exc.status
    return redirect(url_for("insight_pages.case", case_id=case_id), 303)


@bp.get("/prozessauswertung/faelle/<int:case_id>")
def case(case_id):
    """Die Abläufe eines Falls als Diagramme (Lebenslauf, Nachsorge, Vermittlungen), pseudonymisiert."""
    refused = _allowed()
    if refused:
        return refused
    try:
        found = instances.case_for_insight(db(), user=current_user(), case_id=case_id)
    except KimError as exc:
        return _refuse(exc)
    return render_template(
        "insight_case.html",
        found=found,
        diagram_url=url_for("insight_pages.case_progress", case_id=case_id),
    )


@bp.get("/prozessauswertung/export.<string:fmt>")
def export(fmt):
    """Das Ereignisprotokoll als Datei (XES oder OCEL 2.0)."""
    refused = _allowed()
    if refused:
        return refused
    process_id = request.args.get("process") or None
    session, user = db(), current_user()
    name = f"kim-{process_id or 'alle'}"
    if fmt == "xes":
        body = eventlog.xes(session, user=user, process_id=process_id)
        return Response(
            body,
            mimetype="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{name}.xes"'},
        )
    if fmt == "jsonocel":
        response = jsonify(eventlog.ocel(session, user=user, process_id=process_id))
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.jsonocel"'
        return response
    return render_template("error.html", message=DE["not_found"]), 404
