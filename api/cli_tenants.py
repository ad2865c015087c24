"""``kim tenant add SEED.json`` and ``kim tenant list``: counties of the installation from their seed files.

``add`` checks the whole seed first (engine/org/seed_check.py) and prints every error with its JSON
path; with any error nothing is written. Otherwise the tenant, its regions, municipalities, teams,
agencies, bodies and words are created or updated in one unit of work: running it again with the
same file changes nothing, a changed name is updated. Demo accounts only when KIM_DEMO=1.
"""

from __future__ import annotations

from pathlib import Path

import click

from engine.errors import KimError
from engine.escalations.bodies import seed_bodies
from engine.org.read import tenants
from engine.org.service import read_seed, seed_organisation
from engine.uow import unit_of_work

from .cli_common import fail
from .cli_common import sessions as open_sessions
from .cli_common import settings as load_settings


@click.group()
def tenant() -> None:
    """Counties (tenants) of this installation: add or update one from its seed file, list them."""


@tenant.command("add")
@click.argument("seed_file", type=click.Path(path_type=Path, dir_okay=False))
def tenant_add(seed_file: Path) -> None:
    """Create or update the county of SEED_FILE (docs/tenants.md); every error at once, nothing half-done."""
    settings = load_settings()
    engine, sessions = open_sessions(settings)
    try:
        seed = read_seed(seed_file)
        with unit_of_work(sessions) as session:
            counts = seed_organisation(session, seed, settings.demo)
            counts["new_bodies"] = seed_bodies(session, seed)
    except KimError as exc:
        fail(exc)
    finally:
        engine.dispose()
    key, name = seed["tenant"]["key"], seed["tenant"]["name"]
    click.echo(
        f"Kreis {key} ({name}) geladen: {counts['municipalities']} Gemeinden, {counts['regions']} Regionen, "
        f"{counts['teams']} Teams, {counts['new_bodies']} neue Gremien, {counts['new_accounts']} neue Konten."
    )


@tenant.command("list")
def tenant_list() -> None:
    """The counties: key, name, case-number prefix, municipalities and regions."""
    settings = load_settings()
    engine, sessions = open_sessions(settings)
    try:
        with unit_of_work(sessions, write=False) as session:
            rows = tenants(session)
    finally:
        engine.dispose()
    if not rows:
        click.echo("Noch kein Kreis angelegt.")
    for r in rows:
        click.echo(f"{r.key}\t{r.name}\t{r.case_prefix}\t{r.municipalities} Gemeinden\t{r.regions} Regionen")
