"""`stafftext.Texts` and the staff-text catalogues of the command-line tools."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from stafftext import Texts

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(REPO.glob("*/texts.yml"))
# A catalogue key is always the first argument of TEXTS(...), as a literal.
USE = re.compile(r"""\bTEXTS\(\s*["']([a-z0-9_]+)["']""")


def _catalogue(tmp_path: Path, body: str) -> Texts:
    path = tmp_path / "texts.yml"
    path.write_text(body, encoding="utf-8")
    return Texts(path)


def test_a_template_is_filled_with_its_values(tmp_path: Path) -> None:
    texts = _catalogue(tmp_path, 'imported: "已导入 {count} 条问法。"\n')
    assert texts("imported", count=3) == "已导入 3 条问法。"


def test_an_unknown_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    texts = _catalogue(tmp_path, 'imported: "已导入。"\n')
    with pytest.raises(KeyError, match="texts.yml: no text 'importd'"):
        texts("importd")


def test_a_missing_value_names_the_key_and_the_placeholder(tmp_path: Path) -> None:
    texts = _catalogue(tmp_path, 'imported: "已导入 {count} 条。"\n')
    with pytest.raises(KeyError, match="text 'imported' needs a value for 'count'"):
        texts("imported")


@pytest.mark.parametrize("body", ['imported: "已导入 {count 条"\n', 'imported: "已导入 {0} 条"\n'])
def test_a_malformed_template_names_the_file_and_the_key(tmp_path: Path, body: str) -> None:
    with pytest.raises(ValueError, match="texts.yml: text 'imported' is not a valid template"):
        _catalogue(tmp_path, body)("imported", count=3)


@pytest.mark.parametrize("body", ["- a\n- b\n", "imported: 3\n", "imported: [a]\n"])
def test_a_catalogue_that_is_not_a_mapping_of_texts_is_refused(tmp_path: Path, body: str) -> None:
    with pytest.raises(ValueError, match="expected a mapping of text keys to text templates"):
        _catalogue(tmp_path, body)("imported")


def test_the_file_is_read_on_first_use_only(tmp_path: Path) -> None:
    texts = Texts(tmp_path / "missing.yml")
    with pytest.raises(FileNotFoundError):
        texts("anything")


def test_every_tool_with_staff_commands_has_a_catalogue() -> None:
    assert {path.parent.name for path in CATALOGUES} >= {"faqtool", "review", "security", "tickets"}


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parent.name)
def test_every_key_used_exists_and_every_key_is_used(catalogue: Path) -> None:
    used = {key for source in catalogue.parent.glob("*.py") for key in USE.findall(source.read_text("utf-8"))}
    defined = set(Texts(catalogue).templates)
    assert sorted(used - defined) == [], "used but not in the catalogue"
    assert sorted(defined - used) == [], "in the catalogue but never used"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parent.name)
def test_every_text_is_written_in_chinese(catalogue: Path) -> None:
    # A template may hold placeholders, option names and file names, but what
    # staff read is Chinese: each text has a Chinese character, or is a layout
    # of placeholders joined by Chinese punctuation ("{label}：{value}", "、").
    chinese = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
    english = [key for key, text in Texts(catalogue).templates.items() if not chinese.search(text)]
    assert english == []


def test_a_placeholder_may_be_called_key(tmp_path: Path) -> None:
    texts = _catalogue(tmp_path, 'unknown_key: "没有“{key}”这个键。"\n')
    assert texts("unknown_key", key="hotline") == "没有“hotline”这个键。"


def _commands() -> list[tuple[str, click.Group, click.Command]]:
    from faqtool.cli import cli as faqtool_cli
    from review.cli import cli as review_cli
    from security.cli import cli as security_cli
    from tickets.cli import cli as tickets_cli

    found = []
    for tool, group in [
        ("faqtool", faqtool_cli),
        ("review", review_cli),
        ("security", security_cli),
        ("tickets", tickets_cli),
    ]:
        assert isinstance(group, click.Group)
        found.append((tool, group, group))
        found.extend((f"{tool} {name}", group, command) for name, command in sorted(group.commands.items()))
    return found


@pytest.mark.parametrize(("path", "group", "command"), _commands(), ids=[path for path, _, _ in _commands()])
def test_every_staff_command_and_option_is_explained_in_chinese(
    path: str, group: click.Group, command: click.Command
) -> None:
    chinese = re.compile(r"[\u4e00-\u9fff]")
    # The context the command runs in: under its tool's group, with its settings.
    context = click.Context(group, info_name=path.split()[0], **group.context_settings)
    if command is not group:
        context = click.Context(command, info_name=path, parent=context)
    assert chinese.search(command.help or ""), "the command's help"
    options = [param for param in command.get_params(context) if isinstance(param, click.Option)]
    assert "-h" in options[-1].opts and "--help" in options[-1].opts, "the help option answers -h and --help"
    unexplained = [option.opts[0] for option in options if not chinese.search(option.help or "")]
    assert unexplained == []
    if isinstance(command, click.Group):
        assert all(chinese.search(sub.get_short_help_str(200)) for sub in command.commands.values())


# Half-width punctuation touching a Chinese character: "文件是空的." or "键(x)".
# File names, YAML snippets and "file:line" keep theirs.
HALF_WIDTH_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff][,.;:!?()\"]|[,;!?()\"][\u4e00-\u9fff]")


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parent.name)
def test_punctuation_beside_chinese_is_full_width(catalogue: Path) -> None:
    templates = Texts(catalogue).templates
    assert [key for key, template in templates.items() if HALF_WIDTH_BESIDE_CHINESE.search(template)] == []
