"""Validate FAQ input files and turn them into changes of ``data/faq/``.

The CLI in :mod:`faqtool.cli` is a thin wrapper around :func:`build_plan`,
:func:`render_diff` and :func:`apply_plan`.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from faqtool.datadir import ExampleIndex, scan_data_dir
from faqtool.model import (
    Button,
    FaqDocument,
    FaqEntry,
    InputRecord,
    Issue,
    Location,
    Question,
    ResponseVariant,
    Severity,
    error,
    warning,
)
from faqtool.normalize import comparison_form
from faqtool.readers import read_input
from faqtool.texts import TEXTS
from faqtool.yamlio import FaqFileError, emit_document, parse_document
from stafftext import LIST_SEPARATOR

logger = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
MIN_VARIANTS = 5
FAQ_SUBDIR = "faq"


@dataclass(frozen=True)
class InputFile:
    """An input file that was read.

    Attributes:
        display: Its name in messages.
        encoding: The encoding that decoded it, or ``None`` if it was not read.
        records: How many rows or items named a key.
    """

    display: str
    encoding: str | None
    records: int


@dataclass(frozen=True)
class FileChange:
    """One ``data/faq/<key>.yml`` file that an import writes.

    Attributes:
        key: The FAQ key.
        path: The file.
        old_text: Its current content, or ``None`` for a new key.
        new_text: The content after the import.
        examples_added: How many examples the import adds.
        answer_replaced: Whether an existing answer (or its buttons) changes.
    """

    key: str
    path: Path
    old_text: str | None
    new_text: str
    examples_added: int
    answer_replaced: bool

    @property
    def is_new(self) -> bool:
        """Whether the import creates this key."""
        return self.old_text is None


@dataclass(frozen=True)
class Plan:
    """The outcome of validating input files against the data directory.

    Attributes:
        inputs: The input files read.
        issues: Errors and warnings, in a stable order.
        changes: Files to write (empty when there are errors).
        unchanged_keys: Keys whose file already holds everything given.
    """

    inputs: tuple[InputFile, ...]
    issues: tuple[Issue, ...]
    changes: tuple[FileChange, ...] = field(default=())
    unchanged_keys: tuple[str, ...] = field(default=())

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The findings that block an import."""
        return tuple(issue for issue in self.issues if issue.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The findings that do not block an import."""
        return tuple(issue for issue in self.issues if issue.severity is Severity.WARNING)


class ApplyError(RuntimeError):
    """Writing the planned files failed; the data directory was left as it was."""


def faq_path(data_dir: Path, key: str) -> Path:
    """Return the file that holds FAQ ``key``."""
    return data_dir / FAQ_SUBDIR / f"{key}.yml"


def _key_problem(key: str) -> str | None:
    if KEY_PATTERN.match(key):
        return None
    if key.startswith("faq/"):
        return TEXTS("invalid_key_faq_prefix", faq_key=key)
    return TEXTS("invalid_key", faq_key=key)


def _combine(records: Sequence[InputRecord]) -> tuple[list[FaqEntry], list[Issue]]:
    """Combine the records of each key, checking keys, answers and duplicates."""
    issues: list[Issue] = []
    by_key: dict[str, list[InputRecord]] = {}
    for record in records:
        problem = _key_problem(record.key)
        if problem is not None:
            issues.append(error(record.location, problem))
            continue
        by_key.setdefault(record.key, []).append(record)

    entries: list[FaqEntry] = []
    owner: dict[str, tuple[str, Question]] = {}
    for key, key_records in by_key.items():
        questions: list[Question] = []
        answer: tuple[str, Location] | None = None
        buttons: tuple[tuple[Button, ...], Location] | None = None
        for record in key_records:
            for question in record.questions:
                form = comparison_form(question.text)
                previous = owner.get(form)
                if previous is None:
                    owner[form] = (key, question)
                    questions.append(question)
                elif previous[0] == key:
                    issues.append(
                        warning(
                            question.location,
                            TEXTS(
                                "question_repeated",
                                question=question.text,
                                faq_key=key,
                                other=previous[1].location.where,
                            ),
                        )
                    )
                else:
                    issues.append(
                        error(
                            question.location,
                            TEXTS(
                                "question_in_two_keys",
                                question=question.text,
                                faq_key=key,
                                other_key=previous[0],
                                other=previous[1].location.where,
                            ),
                        )
                    )
                    # Kept so that later checks do not also report the key as
                    # having no questions; the error already blocks writing.
                    questions.append(question)
            if record.answer is not None:
                if answer is None:
                    answer = (record.answer, record.location)
                elif answer[0] != record.answer:
                    issues.append(
                        error(record.location, TEXTS("conflicting_answers", faq_key=key, other=answer[1].where))
                    )
            if record.buttons is not None:
                if buttons is None:
                    buttons = (record.buttons, record.location)
                elif buttons[0] != record.buttons:
                    issues.append(
                        error(record.location, TEXTS("conflicting_buttons", faq_key=key, other=buttons[1].where))
                    )
        entries.append(
            FaqEntry(
                key=key,
                questions=tuple(questions),
                answer=answer[0] if answer else None,
                buttons=buttons[0] if buttons else None,
                location=key_records[0].location,
            )
        )
    return entries, issues


def _check_against_data(entry: FaqEntry, index: ExampleIndex, own_file: Path) -> tuple[list[Question], list[Issue]]:
    """Find the entry's questions that are new, and clashes with other intents."""
    intent = f"faq/{entry.key}"
    issues: list[Issue] = []
    elsewhere = [path for path in index.intent_files.get(intent, ()) if Path(path) != own_file]
    if elsewhere:
        issues.append(
            error(
                entry.location,
                TEXTS(
                    "key_defined_elsewhere",
                    faq_key=entry.key,
                    files=LIST_SEPARATOR.join(elsewhere),
                    own_file=own_file,
                ),
            )
        )
    new_questions: list[Question] = []
    for question in entry.questions:
        matches = index.matches(question.text)
        others = [known for known in matches if known.intent != intent]
        if others:
            known = others[0]
            issues.append(
                error(
                    question.location,
                    TEXTS("question_known", question=question.text, intent=known.intent, other=known.location.where),
                )
            )
        elif not matches:
            new_questions.append(question)
    return new_questions, issues


def _document_for(entry: FaqEntry, new_questions: list[Question], existing: FaqDocument | None) -> FaqDocument:
    examples = (existing.examples if existing else ()) + tuple(q.text for q in new_questions)
    if existing is not None and entry.answer is None:
        responses = existing.responses
        if entry.buttons is not None:
            responses = tuple(ResponseVariant(v.text, entry.buttons) for v in responses)
    else:
        kept_buttons = existing.responses[0].buttons if existing and existing.responses else ()
        buttons = entry.buttons if entry.buttons is not None else kept_buttons
        responses = (ResponseVariant(entry.answer or "", buttons),)
    return FaqDocument(key=entry.key, examples=examples, responses=responses)


def build_plan(files: Sequence[Path], data_dir: Path) -> Plan:
    """Read and validate input files, and work out what an import changes.

    Args:
        files: CSV or YAML input files.
        data_dir: The project's data directory.

    Returns:
        The plan. When it has errors it has no changes.
    """
    inputs: list[InputFile] = []
    records: list[InputRecord] = []
    read_issues: list[Issue] = []
    for path in files:
        result = read_input(path, str(path))
        inputs.append(InputFile(str(path), result.encoding, len(result.records)))
        records += result.records
        read_issues += result.issues

    entries, issues = _combine(records)
    issues = read_issues + issues
    index = scan_data_dir(data_dir)
    issues += index.issues

    changes: list[FileChange] = []
    unchanged: list[str] = []
    for entry in entries:
        path = faq_path(data_dir, entry.key)
        new_questions, clash_issues = _check_against_data(entry, index, path)
        issues += clash_issues
        old_text: str | None = None
        existing: FaqDocument | None = None
        if path.exists():
            try:
                old_text = path.read_bytes().decode("utf-8")
                existing = parse_document(old_text, entry.key)
            except (OSError, UnicodeDecodeError, FaqFileError) as exc:
                issues.append(error(Location(str(path)), TEXTS("cannot_merge", reason=exc)))
                continue
        elif not entry.questions:
            issues.append(error(entry.location, TEXTS("no_questions", faq_key=entry.key)))
        if existing is None and entry.answer is None:
            issues.append(error(entry.location, TEXTS("empty_answer", faq_key=entry.key)))
            continue
        document = _document_for(entry, new_questions, existing)
        if len(document.examples) < MIN_VARIANTS:
            issues.append(
                warning(
                    entry.location,
                    TEXTS("few_variants", faq_key=entry.key, count=len(document.examples), minimum=MIN_VARIANTS),
                )
            )
        if document == existing:
            unchanged.append(entry.key)
            continue
        try:
            new_text = emit_document(document)
        except FaqFileError as exc:
            issues.append(error(entry.location, str(exc)))
            continue
        changes.append(
            FileChange(
                key=entry.key,
                path=path,
                old_text=old_text,
                new_text=new_text,
                examples_added=len(document.examples) - (len(existing.examples) if existing else 0),
                answer_replaced=existing is not None and document.responses != existing.responses,
            )
        )

    plan = Plan(tuple(inputs), tuple(issues))
    if plan.errors:
        return plan
    return Plan(plan.inputs, plan.issues, tuple(changes), tuple(unchanged))


def render_diff(plan: Plan) -> str:
    """Return a unified diff of every file the plan would write."""
    chunks = []
    for change in plan.changes:
        old_lines = (change.old_text or "").splitlines(keepends=True)
        new_lines = change.new_text.splitlines(keepends=True)
        chunks.append(
            "".join(
                difflib.unified_diff(
                    old_lines,
                    new_lines,
                    fromfile="/dev/null" if change.is_new else f"a/{change.path}",
                    tofile=f"b/{change.path}",
                )
            )
        )
    return "".join(chunks)


def apply_plan(plan: Plan) -> None:
    """Write the plan's files: all of them, or none.

    Every file is first written to a temporary file next to its target, then
    the temporary files are renamed over the targets. If anything fails, the
    temporary files are removed and targets already replaced are restored.

    Args:
        plan: A plan without errors.

    Raises:
        ApplyError: The plan has errors, a target changed since the plan was
            made, or writing failed.
    """
    if plan.errors:
        raise ApplyError(TEXTS("plan_has_errors"))
    staged: list[tuple[FileChange, Path]] = []
    created_dirs: list[Path] = []
    try:
        for change in plan.changes:
            current = change.path.read_bytes().decode("utf-8") if change.path.exists() else None
            if current != change.old_text:
                raise ApplyError(TEXTS("file_changed_meanwhile", path=change.path))
            parent = change.path.parent
            if not parent.exists():
                parent.mkdir(parents=True)
                created_dirs.append(parent)
            handle, name = tempfile.mkstemp(dir=parent, prefix=f".{change.path.name}.", suffix=".tmp")
            temp = Path(name)
            staged.append((change, temp))
            with os.fdopen(handle, "wb") as stream:
                stream.write(change.new_text.encode("utf-8"))
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o644)
    except (OSError, ApplyError) as exc:
        _discard(staged, created_dirs)
        if isinstance(exc, ApplyError):
            raise
        if exc.filename:
            raise ApplyError(TEXTS("cannot_write", file=exc.filename, reason=exc.strerror)) from exc
        raise ApplyError(TEXTS("cannot_write_unnamed", reason=exc.strerror)) from exc

    replaced: list[FileChange] = []
    try:
        for change, temp in staged:
            os.replace(temp, change.path)
            replaced.append(change)
    except OSError as exc:
        # ``change`` is the file that failed: name it, not the last one restored.
        for done in replaced:
            _restore(done)
        _discard(staged, [])
        raise ApplyError(TEXTS("cannot_replace", path=change.path, reason=exc.strerror)) from exc
    logger.info("wrote %d FAQ file(s)", len(replaced))


def _discard(staged: list[tuple[FileChange, Path]], created_dirs: list[Path]) -> None:
    for _, temp in staged:
        temp.unlink(missing_ok=True)
    for directory in reversed(created_dirs):
        try:
            directory.rmdir()
        except OSError:
            logger.warning("could not remove directory %s", directory)


def _restore(change: FileChange) -> None:
    try:
        if change.old_text is None:
            change.path.unlink(missing_ok=True)
        else:
            change.path.write_bytes(change.old_text.encode("utf-8"))
    except OSError:
        logger.error("could not restore %s after a failed import", change.path)
