"""``python -m security``: the data-protection staff commands."""

from security.cli import cli

cli()
