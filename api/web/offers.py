"""Das Angebotsverzeichnis: search and list, add and edit an offer, retire it, its history, CSV/XLSX
import and export; on the case page picking an offer for a goal or referral or recording „kein
passendes Angebot“; on the dashboard the Ist-/Bedarfsanalyse with its chart, printable page, XLSX and
the action that raises the gaps as a topic. Sections of shared pages come in as template globals."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine.clock import today_berlin
from engine.errors import InvalidInput, KimError, NotFound
from engine.offers import analysis, analysis_export, case_read, casework, read, service, transfer
from engine.offers.fields import FIELDS
from engine.reports.events import school_year_of

from ..context import current_user, db, fail, restart, settings
from . import charts
from .strings import DE
from .strings_offers import OF

bp = Blueprint("offer_pages", __name__)
LISTS = ("life_areas", "target_groups", "languages")


def _refused(exc: KimError):
    fail()
    return render_template("error.html", message=exc.detail), exc.status


def _query(args) -> read.Query:
    def arg(name: str) -> str | None:
        return (args.get(name) or "").strip()[:200] or None

    return read.Query(
        life_area=arg("life_area"),
        language=arg("language"),
        target_group=arg("target_group"),
        municipality=arg("municipality"),
        kind=arg("kind"),
        text=arg("q"),
        review=args.get("review") == "1",
        limit=100,
    )


@bp.get("/offers", endpoint="offers")
def offers_list():
    """Angebote suchen: best matches first; edit, history, import and export for who keeps them."""
    session, user = db(), current_user()
    try:
        found = read.search(session, user=user, query=_query(request.args))
        lists = read.choices(session, user=user)
    except KimError as exc:
        return _refused(exc)
    return render_template(
        "offers.html",
        of=OF,
        found=found,
        lists=lists,
        args=request.args,
        keeper=user.role in ("case_manager", "coordinator"),
    )


def _typed(form) -> dict:
    data = {name: (form.get(name) or "").strip() for name in FIELDS if name not in LISTS}
    data.update({name: form.getlist(name) for name in LISTS})
    data["shared_upkeep"] = form.get("shared_upkeep") == "1"
    return data


def _form_page(offer, typed: dict, errors: dict, status: int):
    lists = read.choices(db(), user=current_user())
    out = render_template(
        "offer_form.html",
        of=OF,
        offer=offer,
        typed=typed,
        errors=errors,
        lists=lists,
        role=current_user().role,
    )
    return out, status


@bp.route("/offers/new", methods=["GET", "POST"])
def new_offer():
    """Neues Angebot."""
    user = current_user()
    if request.method == "GET":
        try:
            read.choices(db(), user=user)
        except KimError as exc:
            return _refused(exc)
        place = ""
        return _form_page(None, {"municipality": place, "checked_on": today_berlin().isoformat()}, {}, 200)
    typed = _typed(request.form)
    try:
        offer = service.create_offer(db(), user=user, data=typed)
    except InvalidInput as exc:
        restart()
        return _form_page(None, typed, {k: v[0] for k, v in exc.errors.items() if v}, 422)
    except KimError as exc:
        return _refused(exc)
    flash(OF["saved"], "ok")
    return redirect(url_for("offer_pages.offer_history", offer_id=offer.id), 303)


def _changeable(offer_id: int):
    """The offer if the user may change it, else the error page to answer with."""
    try:
        offer = read.offer_view(db(), user=current_user(), offer_id=offer_id)
    except NotFound:
        fail()
        return render_template("error.html", message=DE["not_found"]), 404
    except KimError as exc:
        return _refused(exc)
    if not offer.may_change:
        fail()
        return render_template("error.html", message=OF["not_yours"]), 403
    return offer


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
def edit_offer(offer_id):
    """Angebot bearbeiten (every field again; a new version when something changed)."""
    session, user = db(), current_user()
    offer = _changeable(offer_id)
    if not isinstance(offer, read.OfferView):
        return offer
    if request.method == "GET":
        typed = {name: getattr(offer, name) for name in FIELDS}
        typed = {
            k: ("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in typed.items()
        }
        return _form_page(offer, typed, {}, 200)
    typed = _typed(request.form)
    try:
        service.change_offer(session, user=user, offer_id=offer_id, data=typed)
    except InvalidInput as exc:
        restart()
        offer = read.offer_view(db(), user=user, offer_id=offer_id)
        return _form_page(offer, typed, {k: v[0] for k, v in exc.errors.items() if v}, 422)
    except KimError as exc:
        return _refused(exc)
    flash(OF["saved"], "ok")
    return redirect(url_for("offer_pages.offer_history", offer_id=offer_id), 303)


@bp.post("/offers/<int:offer_id>/retire")
def retire_offer(offer_id):
    """Angebot austragen."""
    try:
        service.retire_offer(db(), user=current_user(), offer_id=offer_id)
    except KimError as exc:
        return _refused(exc)
    flash(OF["retired"], "ok")
    return redirect(url_for("offer_pages.offers"), 303)


@bp.get("/offers/<int:offer_id>/history")
def offer_history(offer_id):
    """Verlauf: every version with author, date and what changed."""
    try:
        offer, versions = read.history(db(), user=current_user(), offer_id=offer_id)
    except NotFound:
        fail()
        return render_template("error.html", message=DE["not_found"]), 404
    except KimError as exc:
        return _refused(exc)
    return render_template("offer_history.html", of=OF, offer=offer, versions=versions)


@bp.get("/offers/export")
def export_offers():
    """The directory as CSV or XLSX (docs/offers.md)."""
    fmt = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    try:
        content = transfer.export(db(), user=current_user(), fmt=fmt)
    except KimError as exc:
        return _refused(exc)
    name = f"angebote-{today_berlin().isoformat()}.{fmt}"
    mimetype = transfer.XLSX_TYPE if fmt == "xlsx" else "text/csv"
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.post("/offers/import")
def import_offers():
    """Import a file: all of it, or with a bad row nothing (each bad line shown)."""
    upload = request.files.get("file")
    name = (upload.filename or "").lower() if upload else ""
    fmt = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith(".csv") else ""
    try:
        done = transfer.import_file(
            db(), user=current_user(), content=upload.read(transfer.MAX_BYTES + 1) if upload else b"", fmt=fmt
        )
    except InvalidInput as exc:
        restart()
        found = read.search(db(), user=current_user(), query=read.Query(limit=100))
        lists = read.choices(db(), user=current_user())
        problems = [(where, messages) for where, messages in exc.errors.items()]
        out = render_template(
            "offers.html",
            of=OF,
            found=found,
            lists=lists,
            args={},
            keeper=True,
            import_errors=problems,
            import_detail=exc.detail,
        )
        return out, 422
    except KimError as exc:
        return _refused(exc)
    flash(
        OF["import_done"].format(created=done.created, changed=done.changed, unchanged=done.unchanged), "ok"
    )
    return redirect(url_for("offer_pages.offers"), 303)


# --- the case page ----------------------------------------------------------------------------------
def _target_ids(key: str) -> tuple[int | None, int | None]:
    kind, _, ident = (key or "").partition(":")
    if not ident.isdigit():
        return None, None
    return (
        (int(ident), None) if kind == "goal" else (None, int(ident)) if kind == "referral" else (None, None)
    )


def case_section(case_id: int):
    """The case page's offers section (template global; None for roles that see no personal data)."""
    args = request.args
    target = args.get("offer_target")
    query = None
    if target is not None or args.get("offer_search"):
        query = read.Query(
            life_area=(args.get("life_area") or "").strip() or None,
            language=(args.get("language") or "").strip() or None,
            target_group=(args.get("target_group") or "").strip() or None,
        )
    return case_read.case_offers(db(), user=current_user(), case_id=case_id, target=target, query=query)


def _back(case_id: int):
    return redirect(url_for("casepages.case", case_id=case_id) + "#offers", 303)


@bp.post("/cases/<int:case_id>/offers/link")
def link_offer(case_id):
    """Pick an offer for a goal or a referral."""
    goal_id, referral_id = _target_ids(request.form.get("target", ""))
    offer_id = request.form.get("offer_id", "")
    try:
        casework.link_offer(
            db(),
            user=current_user(),
            case_id=case_id,
            offer_id=int(offer_id) if offer_id.isdigit() else 0,
            goal_id=goal_id,
            referral_id=referral_id,
        )
    except KimError as exc:
        return _refused(exc)
    flash(OF["picked"], "ok")
    return _back(case_id)


@bp.post("/cases/<int:case_id>/offers/gap")
def record_gap(case_id):
    """„Kein passendes Angebot“ with the need and the reason."""
    goal_id, referral_id = _target_ids(request.form.get("target", ""))
    try:
        casework.record_gap(
            db(),
            user=current_user(),
            case_id=case_id,
            life_area=(request.form.get("life_area") or "").strip() or None,
            reason=(request.form.get("reason") or "").strip(),
            goal_id=goal_id,
            referral_id=referral_id,
        )
    except InvalidInput as exc:
        fail()
        flash(" ".join(m for v in exc.errors.values() for m in v) or exc.detail, "error")
        return _back(case_id)
    except KimError as exc:
        return _refused(exc)
    flash(OF["gap_saved"], "ok")
    return _back(case_id)


# --- the dashboard and the analysis -----------------------------------------------------------------
def _year(value: str | None) -> str:
    return value if value and len(value) == 7 else school_year_of(today_berlin())


def dashboard_panel(year: str):
    """The dashboard's gap panel: totals per life area as a chart, per municipality as a table."""
    m = settings().report_min_count
    data = analysis.analysis(db(), user=current_user(), school_year=year, min_count=m)
    rows = [(r["life_area_label"], r["gaps"]) for r in data["county"]]
    chart = charts.hbars(rows, title=OF["dash_chart"].format(year=year), hidden=f"<{m}", css="bar cm")
    can_raise = current_user().role == "coordinator"
    return {"data": data, "chart": chart, "hidden": f"<{m}", "min_count": m, "can_raise": can_raise}


@bp.get("/offers/analysis")
def analysis_page():
    """Ist-/Bedarfsanalyse per municipality (coordinators, Lenkungsgruppe)."""
    return _analysis("offer_analysis.html")


@bp.get("/offers/analysis/print")
def analysis_print():
    """The printable Ist-/Bedarfsanalyse (for the Lenkungsgruppe)."""
    return _analysis("offer_analysis_print.html")


def _analysis(template: str):
    year = _year(request.args.get("school_year"))
    place = (request.args.get("municipality") or "").strip()[:200] or None
    m = settings().report_min_count
    try:
        data = analysis.analysis(db(), user=current_user(), school_year=year, municipality=place, min_count=m)
    except KimError as exc:
        return _refused(exc)
    if request.args.get("format") == "xlsx":
        name = f"ist-bedarf-{year.replace('/', '-')}.xlsx"
        return Response(
            analysis_export.to_xlsx(data),
            mimetype=transfer.XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return render_template(template, of=OF, data=data, year=year, place=place, hidden=f"<{m}", min_count=m)


@bp.post("/offers/analysis/topic")
def raise_topic():
    """Raise the gaps of a municipality (and life area) as a structural topic; off to the topic."""
    form = request.form
    try:
        topic, _path = analysis.raise_gap_topic(
            db(),
            user=current_user(),
            school_year=_year(form.get("school_year")),
            municipality=(form.get("municipality") or "").strip(),
            life_area=(form.get("life_area") or "").strip() or None,
            min_count=settings().report_min_count,
        )
    except KimError as exc:
        return _refused(exc)
    flash(OF["raised"], "ok")
    return redirect(url_for("topic_pages.topic", topic_id=topic.id), 303)


def init_app(app) -> None:
    """The blueprint and the sections other pages include (case page, dashboard)."""
    app.register_blueprint(bp)
    app.add_template_global(case_section, "offers_case_section")
    app.add_template_global(dashboard_panel, "offers_dashboard_panel")
    app.add_template_global(OF, "of")
