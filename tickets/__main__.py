"""Entry point of ``python -m tickets``."""

from tickets.cli import cli

cli(prog_name="python -m tickets")
