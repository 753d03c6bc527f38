"""``python -m faqtool``: check and import FAQ spreadsheets into data/faq/.

Each command is a thin wrapper around :mod:`faqtool.importer`. Findings go to
stderr, summaries to stdout. Exit codes: 0 ok, 1 validation errors, 2 usage
errors.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click

from faqtool.importer import ApplyError, Plan, apply_plan, build_plan, render_diff

logger = logging.getLogger(__name__)

EXIT_INVALID = 1

_FILES = click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
_DATA_DIR = click.option(
    "--data-dir",
    default=Path("data"),
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The project's training data directory; FAQ files go to DATA_DIR/faq/.",
)

_ENCODING_NAMES = {"UTF-8": "UTF-8", "GB18030": "GBK/GB18030"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _report(plan: Plan) -> None:
    for item in plan.inputs:
        if item.encoding is not None:
            click.echo(f"{item.display}: read as {_ENCODING_NAMES[item.encoding]}, {_plural(item.records, 'record')}")
    for issue in plan.issues:
        click.echo(str(issue), err=True)


def _counts(plan: Plan) -> str:
    return f"{_plural(len(plan.errors), 'error')}, {_plural(len(plan.warnings), 'warning')}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Check and import FAQ questions for 借呗助手 without editing YAML.

    Prepare a spreadsheet with the columns key, question, answer and
    (optionally) buttons -- or 键, 问题, 答案, 按钮 -- save it as CSV, then run
    `check` and `import`. See docs/faq.md.
    """


@cli.command()
@_FILES
@_DATA_DIR
def check(files: tuple[Path, ...], data_dir: Path) -> None:
    """Validate FAQ input FILES (CSV or YAML) without writing anything.

    Exits with 0 when the files can be imported (warnings allowed) and with 1
    when there are errors.
    """
    plan = build_plan(files, data_dir)
    _report(plan)
    if plan.errors:
        click.echo(f"{_counts(plan)}: fix the errors above, then run check again.", err=True)
        raise SystemExit(EXIT_INVALID)
    keys = len(plan.changes) + len(plan.unchanged_keys)
    click.echo(f"OK: {_plural(keys, 'key')} can be imported ({_plural(len(plan.warnings), 'warning')}).")


@cli.command("import")
@_FILES
@_DATA_DIR
@click.option("--dry-run", is_flag=True, help="Print a diff of what would change and write nothing.")
def import_(files: tuple[Path, ...], data_dir: Path, dry_run: bool) -> None:
    """Validate FILES and write their FAQ keys to DATA_DIR/faq/<key>.yml.

    A new key gets a new file. For a key that exists, new questions are added
    after the existing ones and the answer (and buttons) are replaced when
    the input gives them. If there is any error, nothing is written.
    """
    plan = build_plan(files, data_dir)
    _report(plan)
    if plan.errors:
        click.echo(f"{_counts(plan)}: nothing was written. Fix the errors above and run again.", err=True)
        raise SystemExit(EXIT_INVALID)

    if dry_run:
        click.echo(render_diff(plan), nl=False)
    else:
        try:
            apply_plan(plan)
        except ApplyError as exc:
            click.echo(f"{exc}; nothing was written.", err=True)
            raise SystemExit(EXIT_INVALID) from exc

    verb = "would be " if dry_run else ""
    for change in plan.changes:
        if change.is_new:
            click.echo(f"added key {change.key} ({change.path}): {_plural(change.examples_added, 'example')}")
        else:
            replaced = ", answer replaced" if change.answer_replaced else ""
            click.echo(
                f"updated key {change.key} ({change.path}): "
                f"{_plural(change.examples_added, 'example')} added{replaced}"
            )
    for key in plan.unchanged_keys:
        click.echo(f"unchanged key {key}: nothing new")
    added = sum(1 for change in plan.changes if change.is_new)
    updated = len(plan.changes) - added
    examples = sum(change.examples_added for change in plan.changes)
    click.echo(
        f"Summary: {_plural(added, 'key')} {verb}added, {_plural(updated, 'key')} {verb}updated, "
        f"{_plural(examples, 'example')} {verb}added."
    )
    if dry_run:
        click.echo("Dry run: nothing was written.")
    elif plan.changes:
        click.echo("Next: run `make train`, then try the new questions with `make shell`.")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting.

    Args:
        argv: Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit code (0, 1 or 2).
    """
    try:
        cli.main(args=argv, prog_name="python -m faqtool", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0
