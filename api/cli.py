"""The ``kim`` command: which command lives in which module, each loaded only when it runs.

A command imports just what it needs: ``kim serve`` must set PROMETHEUS_MULTIPROC_DIR before
anything imports prometheus_client (api/wsgi_server.py), so no other command's imports may
come first. The command modules never import this one; they share api/cli_common.py.
"""

from __future__ import annotations

import importlib

import click

# command -> "module:object"; `kim --help` lists them in this order.
COMMANDS = {
    "migrate": "api.cli_setup:migrate",
    "deploy": "api.cli_setup:deploy",
    "seed": "api.cli_setup:seed",
    "setup": "api.cli_setup:setup",
    "tenant": "api.cli_tenants:tenant",
    "serve": "api.cli_serve:serve",
    "scheduler": "api.cli_scheduler:scheduler",
    "keys": "api.cli_setup:keys",
    "audit": "api.cli_privacy:audit",
    "retention": "api.cli_privacy:retention",
    "backup": "api.cli_ops:backup",
    "restore": "api.cli_ops:restore",
    "generate-demo": "api.cli_reports:generate_demo",
    "report": "api.cli_reports:report",
    "state": "api.cli_state:state",
}


class _Commands(click.Group):
    """A click group whose commands are loaded from COMMANDS by name."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, name = target.partition(":")
        return getattr(importlib.import_module(module), name)


@click.group(cls=_Commands)
def main() -> None:
    """KIM case process engine."""


if __name__ == "__main__":
    main()
