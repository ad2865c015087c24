"""``kim generate-demo`` and ``kim report``: the demo county and the programme figures."""

from __future__ import annotations

import json
import os
import sys

import click
from sqlalchemy import event

from engine import hooks
from engine.db import make_engine, make_session_factory
from engine.demo.generator import generate
from engine.errors import KimError
from engine.org.read import only_tenant_key
from engine.reports.export import to_csv
from engine.reports.read import county_figures
from engine.uow import unit_of_work

from .cli_common import settings as load_settings


@click.command("generate-demo")
@click.option("--county", default=None, help="tenant key (default: the only county; see `kim tenant list`)")
@click.option(
    "--seed", default=2024, show_default=True, type=int, help="random seed (same seed, same county)"
)
@click.option(
    "--from-year",
    default=2023,
    show_default=True,
    type=int,
    help="first school year (2023 = 2023/24; 2022 is the earliest); cases run up to today",
)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.01, 1.0),
    help="share of the real volume (tests use a small county)",
)
def generate_demo(county: str | None, seed: int, from_year: int, scale: float) -> None:
    """Fill an empty database with a realistic synthetic county, through the services the API uses."""
    settings = load_settings()
    hooks.wire()  # the demo runs the processes through the services
    engine = make_engine(settings.database_url)
    if engine.dialect.name == "sqlite":
        # A bulk load into an empty database: no fsync per commit (a crash means: start again).
        event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA synchronous=OFF"))
    try:
        out = generate(
            make_session_factory(engine),
            county=county,
            seed=seed,
            first_year=from_year,
            demo=settings.demo,
            scale=scale,
        )
    except KimError as exc:
        click.echo(exc.detail, err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(
        f"Demo erzeugt: {out.cases} Fälle, {out.topics} Themen, {out.steps} Schritte, "
        f"{out.timers_fired} Zeitereignisse in {out.seconds:.1f} s."
    )


@click.command("report")
@click.option("--school-year", required=True, help="e.g. 2023/24 (1 Aug 2023 - 31 Jul 2024)")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--county", default=None, help="tenant key (default KIM_TENANT, else the installation's only county)"
)
def report(school_year: str, fmt: str, county: str | None) -> None:
    """Print the programme figures of a school year (small counts suppressed below the county level)."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(make_session_factory(engine), write=False) as session:
            fig = county_figures(
                session,
                county=county or os.environ.get("KIM_TENANT") or only_tenant_key(session),
                school_year=school_year,
                min_count=settings.report_min_count,
            )
    except KimError as exc:
        raise click.ClickException(exc.detail) from None
    finally:
        engine.dispose()
    if fmt == "csv":
        click.echo(to_csv(fig).lstrip("\ufeff"), nl=False)
        return
    click.echo(json.dumps(fig, ensure_ascii=False, indent=2, default=str))
