"""``kim state``: the state level's tenant (kind "state") and its accounts (engine/state/setup.py)."""

from __future__ import annotations

import click

from engine.errors import InvalidInput
from engine.state.setup import add_state_user, ensure_state_tenant
from engine.uow import unit_of_work

from .cli_common import sessions as open_sessions
from .cli_common import settings as load_settings


def _refused(exc: InvalidInput) -> click.ClickException:
    fields = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.errors.items())
    return click.ClickException(f"{exc.detail} {fields}".strip())


@click.group()
def state() -> None:
    """The state level: its tenant and its accounts (they see every county's figures, nothing else)."""


@state.command("add")
@click.argument("key")
@click.argument("name")
def add(key: str, name: str) -> None:
    """Create (or rename) the state's tenant KEY, e.g. `kim state add nrw "Land NRW"`."""
    engine, sessions = open_sessions(load_settings())
    try:
        with unit_of_work(sessions) as session:
            tenant, created = ensure_state_tenant(session, key=key, name=name)
            done = "angelegt." if created else "aktualisiert."
            message = f"Landesebene {tenant.key} ({tenant.name}) {done}"
    except InvalidInput as exc:
        raise _refused(exc) from None
    finally:
        engine.dispose()
    click.echo(message)


@state.command("user")
@click.argument("tenant_key")
@click.argument("username")
@click.option("--display-name", required=True, help="der Name, den die Seiten zeigen")
@click.option(
    "--password",
    prompt="Passwort",
    hide_input=True,
    confirmation_prompt="Passwort wiederholen",
    envvar="KIM_STATE_PASSWORD",
    help="the initial password (asked for when not given; or KIM_STATE_PASSWORD)",
)
def user(tenant_key: str, username: str, display_name: str, password: str) -> None:
    """Create (or reset) an account of the state-level role in the state's tenant TENANT_KEY."""
    engine, sessions = open_sessions(load_settings())
    try:
        with unit_of_work(sessions) as session:
            _account, created = add_state_user(
                session,
                tenant_key=tenant_key,
                username=username,
                display_name=display_name,
                password=password,
            )
    except InvalidInput as exc:
        raise _refused(exc) from None
    finally:
        engine.dispose()
    click.echo(f"Landeskonto {username} " + ("angelegt." if created else "aktualisiert."))
