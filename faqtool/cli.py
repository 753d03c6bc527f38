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
from faqtool.texts import TEXTS
from stafftext import CONTEXT_SETTINGS, StaffGroup

logger = logging.getLogger(__name__)

EXIT_INVALID = 1
DEFAULT_DATA_DIR = Path("data")

_ENCODING_NAMES = {"UTF-8": "UTF-8", "GB18030": "GBK/GB18030"}


def _existing_files(ctx: click.Context, param: click.Parameter, files: tuple[Path, ...]) -> tuple[Path, ...]:
    """Refuse (as a usage error) a FILES entry that is missing or a directory."""
    for path in files:
        if not path.exists():
            raise click.BadParameter(TEXTS("file_not_found", path=path), ctx=ctx, param=param)
        if path.is_dir():
            raise click.BadParameter(TEXTS("file_is_directory", path=path), ctx=ctx, param=param)
    return files


def _existing_directory(ctx: click.Context, param: click.Parameter, path: Path) -> Path:
    """Refuse (as a usage error) a --data-dir that is missing or not a directory."""
    if not path.exists():
        raise click.BadParameter(TEXTS("data_dir_not_found", path=path), ctx=ctx, param=param)
    if not path.is_dir():
        raise click.BadParameter(TEXTS("data_dir_not_directory", path=path), ctx=ctx, param=param)
    return path


_FILES = click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
    callback=_existing_files,
)
_DATA_DIR = click.option(
    "--data-dir",
    default=DEFAULT_DATA_DIR,
    type=click.Path(path_type=Path),
    metavar="DATA_DIR",
    callback=_existing_directory,
    help=TEXTS("data_dir_help", default=DEFAULT_DATA_DIR),
)


def _report(plan: Plan) -> None:
    for item in plan.inputs:
        if item.encoding is not None:
            click.echo(
                TEXTS("file_read", file=item.display, encoding=_ENCODING_NAMES[item.encoding], records=item.records)
            )
    for issue in plan.issues:
        click.echo(str(issue), err=True)


@click.group(cls=StaffGroup, context_settings=CONTEXT_SETTINGS, help=TEXTS("cli_help"))
def cli() -> None:
    """Check and import FAQ questions for 借呗助手 without editing YAML.

    Prepare a spreadsheet with the columns key, question, answer and
    (optionally) buttons -- or 键, 问题, 答案, 按钮 -- save it as CSV, then run
    `check` and `import`. See docs/faq.md. (Staff read the Chinese help of
    texts.yml; this docstring is the developer's.)
    """


@cli.command(help=TEXTS("check_help"), short_help=TEXTS("check_short_help"))
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
        click.echo(TEXTS("check_failed", errors=len(plan.errors), warnings=len(plan.warnings)), err=True)
        raise SystemExit(EXIT_INVALID)
    keys = len(plan.changes) + len(plan.unchanged_keys)
    click.echo(TEXTS("check_passed", keys=keys, warnings=len(plan.warnings)))


@cli.command("import", help=TEXTS("import_help"), short_help=TEXTS("import_short_help"))
@_FILES
@_DATA_DIR
@click.option("--dry-run", is_flag=True, help=TEXTS("dry_run_help"))
def import_(files: tuple[Path, ...], data_dir: Path, dry_run: bool) -> None:
    """Validate FILES and write their FAQ keys to DATA_DIR/faq/<key>.yml.

    A new key gets a new file. For a key that exists, new questions are added
    after the existing ones and the answer (and buttons) are replaced when
    the input gives them. If there is any error, nothing is written.
    """
    plan = build_plan(files, data_dir)
    _report(plan)
    if plan.errors:
        click.echo(TEXTS("import_failed", errors=len(plan.errors), warnings=len(plan.warnings)), err=True)
        raise SystemExit(EXIT_INVALID)

    if dry_run:
        click.echo(render_diff(plan), nl=False)
    else:
        try:
            apply_plan(plan)
        except ApplyError as exc:
            click.echo(TEXTS("apply_failed", error=exc), err=True)
            raise SystemExit(EXIT_INVALID) from exc

    for change in plan.changes:
        if change.is_new:
            click.echo(TEXTS("key_added", faq_key=change.key, path=change.path, examples=change.examples_added))
        elif change.answer_replaced:
            click.echo(
                TEXTS(
                    "key_updated_answer_replaced", faq_key=change.key, path=change.path, examples=change.examples_added
                )
            )
        else:
            click.echo(TEXTS("key_updated", faq_key=change.key, path=change.path, examples=change.examples_added))
    for key in plan.unchanged_keys:
        click.echo(TEXTS("key_unchanged", faq_key=key))
    added = sum(1 for change in plan.changes if change.is_new)
    updated = len(plan.changes) - added
    examples = sum(change.examples_added for change in plan.changes)
    if dry_run:
        click.echo(TEXTS("summary_dry_run", added=added, updated=updated, examples=examples))
        click.echo(TEXTS("dry_run_done"))
    else:
        click.echo(TEXTS("summary", added=added, updated=updated, examples=examples))
        if plan.changes:
            click.echo(TEXTS("next_steps"))


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
