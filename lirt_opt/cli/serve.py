"""The ``serve`` command: the explorer, a local web app for the regional table."""

from __future__ import annotations

import errno
import webbrowser
from pathlib import Path

import click

from .. import api
from ..base.i18n import DEFAULT_LANGUAGE, LANGUAGES
from .common import EXIT_INVALID, EXIT_OK, guarded, instance_argument, main, scenario_option, solver_option


@main.command()
@instance_argument
@scenario_option
@click.option("--port", type=click.IntRange(0, 65535), default=8050, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to listen on; another than 127.0.0.1 (e.g. 0.0.0.0) shares the "
                   "explorer with everyone on the network, without any login.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, show_default=True,
              help="Language of the page.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option("--verbose", is_flag=True, help="Log every request on stderr.")
@solver_option
@guarded
def serve(instance: Path, scenario: Path | None, port: int, host: str, lang: str,
          no_browser: bool, verbose: bool, solver: str) -> int:
    """Start the explorer on INSTANCE: try what-ifs in the browser, see what moves,
    save them as a scenario file (Ctrl-C stops it)."""
    from ..explore.server import ExplorerServer, main_loop
    from ..explore.session import Explorer

    api.load_instance(instance, scenario=scenario)  # bad input: exit 2 before anything starts
    explorer = Explorer(instance, scenario, lang=lang, solver=solver)
    try:
        server = ExplorerServer(explorer, host, port, verbose)
    except OSError as exc:
        explorer.close()
        key = "explore.cli.port_in_use" if exc.errno == errno.EADDRINUSE else "explore.cli.no_listen"
        click.echo(api.text(key, lang, port=port, host=host, why=exc.strerror or str(exc)), err=True)
        return EXIT_INVALID
    explorer.warm()
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(api.text("explore.cli.shared", lang, host=host), err=True)
    click.echo(api.text("explore.cli.serving", lang, url=server.url))
    if not no_browser:
        webbrowser.open(server.url)
    main_loop(server)
    return EXIT_OK
