"""Administration: the tenant's accounts (create, role and scope, disable, unlock, new password) and the
organisation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.access import admin
from engine.access.models import ASSIGNABLE_ROLES
from engine.agencies.read import agency_choices
from engine.clock import utcnow
from engine.errors import InvalidInput, KimError, NotFound
from engine.vocabulary import labels

from ..context import current_user, db, fail, restart
from .strings import DE

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only():
    # The login gate (api/app.py) ran first: every request here has a user.
    if current_user().role != "admin":
        return render_template("error.html", message=DE["admin_only"]), 403
    return None


def _form_input() -> admin.AccountInput:
    form = request.form
    return admin.AccountInput(
        role=form.get("role", ""),
        unit=form.get("unit", ""),
        agency=form.get("agency", ""),
        display_name=form.get("display_name", "")[:1000],
        email=form.get("email", "")[:1000],
    )


def _choices() -> dict:
    places, teams = admin.units(db(), current_user().tenant_id)
    units = [(f"m:{p.key}", p.name) for p in places] + [
        (f"t:{t.key}", DE["unit_team"].format(name=t.name)) for t in teams
    ]
    agencies = {a.code: a.name for a in agency_choices(db(), current_user().tenant_id)}
    roles = {code: name for code, name in labels("user.role").items() if code in ASSIGNABLE_ROLES}
    return {"roles": roles, "units": units, "agencies": agencies}


def _errors(exc: InvalidInput) -> dict[str, str]:
    return {field: " ".join(msgs) for field, msgs in exc.errors.items()}


def _unit_of(user) -> str:
    if user.team is not None:
        return f"t:{user.team.key}"
    return f"m:{user.municipality.key}" if user.municipality is not None else ""


@bp.get("/users")
def users():
    """Benutzerkonten: every account of the tenant with role, scope, lock and state."""
    rows = admin.list_users(db(), user=current_user())
    agencies = {a.code: a.name for a in agency_choices(db(), current_user().tenant_id)}
    return render_template("admin_users.html", users=rows, now=utcnow(), agencies=agencies)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Neues Konto anlegen; errors next to their fields, nothing saved until all is right."""
    form, errors = request.form, {}
    if request.method == "POST":
        try:
            created = admin.create_user(
                db(),
                user=current_user(),
                username=form.get("username", "")[:200],
                password=form.get("password", ""),
                data=_form_input(),
            )
        except InvalidInput as exc:
            restart()  # undo the attempt; the form's choices are read afresh
            errors = _errors(exc)
        else:
            flash(DE["admin_created"].format(username=created.username), "info")
            return redirect(url_for("admin.user", user_id=created.id), 303)
    values = {k: form.get(k, "") for k in ("username", "display_name", "role", "unit", "agency", "email")}
    return render_template(
        "admin_user_new.html", values=values, errors=errors, **_choices()
    ), 422 if errors else 200


def _user_page(user_id: int, errors: dict | None = None, values: dict | None = None, status: int = 200):
    try:
        target = admin.get_user(db(), user=current_user(), user_id=user_id)
    except NotFound:
        return render_template("error.html", message=DE["admin_user_missing"]), 404
    values = values or {
        "display_name": target.display_name,
        "role": target.role,
        "unit": _unit_of(target),
        "agency": target.agency or "",
        "email": target.email or "",
    }
    return render_template(
        "admin_user.html",
        target=target,
        values=values,
        errors=errors or {},
        self_page=target.id == current_user().id,
        now=utcnow(),
        **_choices(),
    ), status


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    """One account: name, role and scope; disable or enable, unlock, new password."""
    return _user_page(user_id)


def _change(user_id: int, action, message):
    """Run one change; on success flash and back to the account page; field errors shown there."""
    try:
        result = action()
    except InvalidInput as exc:
        restart()  # undo the attempt; the account page reads it afresh
        values = None
        if request.form.get("role") is not None:
            values = {k: request.form.get(k, "") for k in ("display_name", "role", "unit", "agency", "email")}
        return _user_page(user_id, _errors(exc) or {"_form": exc.detail}, values, 422)
    except NotFound:
        fail()
        return render_template("error.html", message=DE["admin_user_missing"]), 404
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    flash(message(result), "info")
    return redirect(url_for("admin.user", user_id=user_id), 303)


@bp.post("/users/<int:user_id>")
def update(user_id: int):
    """Name, role and scope."""
    return _change(
        user_id,
        lambda: admin.update_user(db(), user=current_user(), user_id=user_id, data=_form_input()),
        lambda _r: DE["admin_saved"],
    )


@bp.post("/users/<int:user_id>/disable")
def disable(user_id: int):
    """Deactivate the account; every session and token ends at once."""
    return _change(
        user_id,
        lambda: admin.set_active(db(), user=current_user(), user_id=user_id, active=False),
        lambda n: DE["admin_disabled"].format(n=n),
    )


@bp.post("/users/<int:user_id>/enable")
def enable(user_id: int):
    """Activate the account again."""
    return _change(
        user_id,
        lambda: admin.set_active(db(), user=current_user(), user_id=user_id, active=True),
        lambda _n: DE["admin_enabled"],
    )


@bp.post("/users/<int:user_id>/unlock")
def unlock(user_id: int):
    """Lift the lockout after failed logins."""
    return _change(
        user_id,
        lambda: admin.unlock(db(), user=current_user(), user_id=user_id),
        lambda _r: DE["admin_unlocked"],
    )


@bp.post("/users/<int:user_id>/password")
def password(user_id: int):
    """Set a new password (the person changes nothing else here)."""
    return _change(
        user_id,
        lambda: admin.reset_password(
            db(), user=current_user(), user_id=user_id, password=request.form.get("password", "")
        ),
        lambda n: DE["admin_password_set"].format(n=n),
    )


@bp.get("/organisation")
def organisation():
    """Der Kreis: Regionen, Gemeinden und Teams mit der Zahl aktiver Konten (nur lesen)."""
    org = admin.organisation(db(), user=current_user())
    return render_template("admin_org.html", org=org)
