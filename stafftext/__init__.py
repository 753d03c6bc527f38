"""Staff-facing Chinese text of the command-line tools, kept in YAML.

Each tool keeps what it prints to support staff (messages, errors, help
texts) in a ``texts.yml`` beside its code, as the chat's replies live in
``domain.yml``: code and identifiers stay English, the words staff read are
data. A tool builds one `Texts` and calls it with a key and the values of the
key's ``{placeholders}``, e.g. ``click.echo(texts("imported", count=3))``
with ``texts = Texts(Path(__file__).with_name("texts.yml"))`` (the tools
call theirs ``TEXTS``).

The file is read on first use; a missing key or placeholder raises
`KeyError` naming the file, so a typo fails in the tests, not in front of
staff.

What every tool shares lives here once: `StaffGroup` (a command group whose
``-h``/``--help`` options, its own and its commands', explain themselves in
Chinese), `LIST_SEPARATOR`, and this package's own ``texts.yml``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import click
import yaml

# Joins names listed inside a text (fields, files, statuses): the Chinese
# enumeration comma.
LIST_SEPARATOR = "、"


class Texts:
    """One tool's catalogue of staff-facing text (a flat YAML mapping of key -> template)."""

    def __init__(self, path: Path) -> None:
        """Remembers the catalogue file; it is read on first use."""
        self.path = path

    @cached_property
    def templates(self) -> dict[str, str]:
        """Every key and its template, as the file has them."""
        with self.path.open(encoding="utf-8") as handle:
            loaded = yaml.safe_load(handle) or {}
        if not isinstance(loaded, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in loaded.items()
        ):
            raise ValueError(f"{self.path}: expected a mapping of text keys to text templates")
        return loaded

    def __call__(self, key: str, /, **values: Any) -> str:
        """The template of ``key`` with its placeholders filled from ``values``.

        Raises:
            KeyError: ``key`` is not in the file, or a placeholder has no value.
            ValueError: the template is malformed (a stray brace, a positional ``{0}``).
        """
        try:
            template = self.templates[key]
        except KeyError:
            raise KeyError(f"{self.path.name}: no text {key!r}") from None
        try:
            return template.format(**values)
        except KeyError as missing:
            raise KeyError(f"{self.path.name}: text {key!r} needs a value for {missing}") from None
        except (ValueError, IndexError) as error:  # a stray brace, a positional {0}
            raise ValueError(f"{self.path.name}: text {key!r} is not a valid template ({error})") from None


TEXTS = Texts(Path(__file__).with_name("texts.yml"))
# Every staff command answers -h as well as --help.
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class StaffCommand(click.Command):
    """A click command whose help option describes itself in Chinese."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's help option, with the help text of stafftext/texts.yml."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = TEXTS("help_option")
        return option


class StaffGroup(StaffCommand, click.Group):
    """A click group like `StaffCommand` whose commands are `StaffCommand`s.

    Use as ``@click.group(cls=StaffGroup, context_settings=CONTEXT_SETTINGS)``.
    """

    command_class = StaffCommand
