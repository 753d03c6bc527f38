"""``python -m review``: see review/cli.py."""

from review.cli import cli

cli(prog_name="python -m review")
