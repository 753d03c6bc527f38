"""CLI tests: exit codes and the exact messages support staff see."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from faqtool_helpers import CREDIT_LIMIT_FAQ, HEADER, annual_fee_rows, snapshot, write_csv

ANSWER = "借呗一般不收年费，只按实际借款和天数计息。\n以支付宝页面和借款合同为准。"


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["import", "--help"]])
def test_every_command_has_help(run, args):
    result = run(*args)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["import"],
        ["check", "no_such_file.csv"],
        ["import", "--no-such-option", "x.csv"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_with_two(project, run, args):
    assert run(*args).exit_code == 2


def test_valid_csv_passes_check(project, run):
    write_csv(project / "my_faq.csv", annual_fee_rows())
    result = run("check", "my_faq.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "OK: 1 key can be imported (0 warnings)." in result.stdout


def test_check_writes_nothing(project, run):
    write_csv(project / "my_faq.csv", annual_fee_rows())
    before = snapshot(project / "data")
    assert run("check", "my_faq.csv").exit_code == 0
    assert snapshot(project / "data") == before


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if not line.startswith(("1 error", "2 error", "3 error"))]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["key", "question"], ["annual_fee", "借呗有年费吗"]],
            ['my_faq.csv:1: missing column "answer" (or "答案")'],
        ),
        (
            [["答案", "问题"], ["x", "借呗有年费吗"]],
            ['my_faq.csv:1: missing column "key" (or "键")'],
        ),
        (
            [HEADER]
            + [
                ["improve_score", q, "多按时还款。以支付宝页面为准。"]
                for q in ["芝麻分怎么涨", "芝麻分如何提高", "怎么让芝麻分变高", "芝麻分低怎么办", "芝麻分提升方法"]
            ]
            + [["annual_fee", "借呗有年费吗", ""], ["annual_fee", "借呗收不收年费", ""]],
            ['my_faq.csv:7: empty answer for key "annual_fee"'],
        ),
        (
            [HEADER, ["Annual-Fee", "借呗有年费吗", ANSWER]],
            [
                'my_faq.csv:2: invalid key "Annual-Fee" (2-41 characters: lowercase letters, digits and _, '
                "starting with a letter)"
            ],
        ),
        (
            [HEADER, ["faq/annual_fee", "借呗有年费吗", ANSWER]],
            ['my_faq.csv:2: invalid key "faq/annual_fee" (write the key without "faq/")'],
        ),
        (
            [HEADER, ["a", "借呗有年费吗", ANSWER]],
            [
                'my_faq.csv:2: invalid key "a" (2-41 characters: lowercase letters, digits and _, '
                "starting with a letter)"
            ],
        ),
        (
            [HEADER, ["", "借呗有年费吗", ANSWER]],
            ["my_faq.csv:2: empty key (fill the key on every row; merged cells keep it only on the first)"],
        ),
        (
            [HEADER, ["annual_fee", "借呗有年费吗", ANSWER], ["fee_rules", "借呗 有年费吗", "另一个答案"]],
            [
                'my_faq.csv:3: question "借呗 有年费吗" is given for key "fee_rules" and '
                'for key "annual_fee" (my_faq.csv:2)'
            ],
        ),
        (
            [HEADER, ["annual_fee", "借呗有年费吗", ANSWER], ["annual_fee", "借呗收不收年费", "不同的答案"]],
            [
                'my_faq.csv:3: conflicting answers for key "annual_fee": '
                "this answer differs from the one at my_faq.csv:2"
            ],
        ),
        (
            [HEADER, ["annual_fee", "在吗", ANSWER]],
            ['my_faq.csv:2: question "在吗" is already an example of intent "greet" in data/nlu/conversation.yml:6'],
        ),
        (
            [HEADER, ["annual_fee", "芝麻分700能开借呗吗", ANSWER]],
            [
                'my_faq.csv:2: question "芝麻分700能开借呗吗" is already an example of intent '
                '"ask_open_requirements" in data/nlu/conversation.yml:10'
            ],
        ),
        (
            [HEADER, ["annual_fee", "借呗额度怎么提高", ANSWER]],
            [
                'my_faq.csv:2: question "借呗额度怎么提高" is already an example of intent '
                '"faq/credit_limit" in data/faq/credit_limit.yml:5'
            ],
        ),
        (
            [HEADER + ["buttons"], ["annual_fee", "借呗有年费吗", ANSWER, "转人工/human_handoff"]],
            ['my_faq.csv:2: button "转人工/human_handoff" is not written as 标题=/payload'],
        ),
    ],
)
def test_csv_errors_name_file_row_and_problem(project, run, rows, expected):
    write_csv(project / "my_faq.csv", rows)
    before = snapshot(project / "data")
    result = run("import", "my_faq.csv")
    assert result.exit_code == 1
    assert [line for line in _errors(result) if "warning:" not in line] == expected
    assert result.stderr.splitlines()[-1].endswith("nothing was written. Fix the errors above and run again.")
    assert snapshot(project / "data") == before


def test_check_reports_errors_with_exit_one(project, run):
    write_csv(project / "my_faq.csv", [HEADER, ["annual_fee", "借呗有年费吗", ""]])
    result = run("check", "my_faq.csv")
    assert result.exit_code == 1
    assert 'my_faq.csv:2: empty answer for key "annual_fee"' in result.stderr.splitlines()


def test_row_numbers_count_spreadsheet_rows_not_text_lines(project, run):
    rows = annual_fee_rows(5)
    rows[1][2] = "第一行\n第二行\n第三行\n以支付宝页面为准"
    rows.append(["BAD", "问题", "答案"])
    write_csv(project / "my_faq.csv", rows)
    result = run("check", "my_faq.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith('my_faq.csv:7: invalid key "BAD"')


def test_fewer_than_five_variants_is_only_a_warning(project, run):
    write_csv(project / "my_faq.csv", annual_fee_rows(3))
    result = run("import", "my_faq.csv")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        'my_faq.csv:2: warning: key "annual_fee" has only 3 question variants; at least 5 are recommended'
    ]
    assert (project / "data" / "faq" / "annual_fee.yml").exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty.csv: file is empty"),
        ("blank.csv", b"\xef\xbb\xbf \r\n\r\n", "blank.csv: file is empty"),
        ("empty.yml", b"", "empty.yml: file is empty"),
        ("header_only.csv", b"key,question,answer\r\n", "header_only.csv:1: no FAQ rows below the header"),
        (
            "binary.csv",
            b"key,question,answer\n\xff\xfa\x80\n",
            "binary.csv: cannot decode file: it is neither UTF-8 nor GBK/GB18030 text",
        ),
        (
            "utf16.csv",
            "key,question,answer\n".encode("utf-16"),
            'utf16.csv: file is UTF-16 (Excel "Unicode text"); '
            'save it as "CSV UTF-8" or "CSV (comma delimited)" instead',
        ),
        (
            "faq.xlsx",
            b"PK\x03\x04",
            "faq.xlsx: unknown file extension .xlsx: expected .csv, .yml or .yaml (save the spreadsheet as CSV)",
        ),
        ("faq.txt", b"key,question,answer\n", "faq.txt: unknown file extension .txt: expected .csv, .yml or .yaml"),
    ],
)
def test_unreadable_files_are_errors(project, run, name, content, expected):
    (project / name).write_bytes(content)
    result = run("check", name)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "- key: annual_fee\n  questions: [借呗有年费吗]\n  answer: 不收\n"
            "- key: fee_rules\n  questions:\n  - 借呗收不收年费\n",
            'faq.yml:4: item 2: empty answer for key "fee_rules"',
        ),
        (
            "- key: annual_fee\n  question: [借呗有年费吗]\n",
            'faq.yml:2: item 1: unknown field "question" (expected key, questions, answer, buttons)',
        ),
        (
            "- key: annual_fee\n  questions: [借呗有年费吗, 95188]\n  answer: x\n",
            "faq.yml:2: item 1: question 95188 is not text; put it in quotes",
        ),
        ("key: annual_fee\n", "faq.yml:1: expected a list of FAQ items (- key: ..., questions: [...], answer: ...)"),
        ("- key: [unclosed\n", "faq.yml:2: invalid YAML: expected ',' or ']', but got '<stream end>'"),
    ],
)
def test_yaml_errors_name_line_and_item(project, run, content, expected):
    (project / "faq.yml").write_text(content, encoding="utf-8")
    result = run("check", "faq.yml")
    assert result.exit_code == 1
    assert expected in result.stderr.splitlines()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_spreadsheet_encodings_import_the_same_file(project, run, encoding):
    write_csv(project / "my_faq.csv", annual_fee_rows(), encoding=encoding)
    result = run("import", "my_faq.csv")
    assert result.exit_code == 0, result.output
    shown = "UTF-8" if encoding.startswith("utf") else "GBK/GB18030"
    assert f"my_faq.csv: read as {shown}, 6 records" in result.stdout.splitlines()
    data = yaml.safe_load((project / "data" / "faq" / "annual_fee.yml").read_text(encoding="utf-8"))
    assert data["nlu"][0]["examples"].splitlines()[0] == "- 借呗有年费吗"
    assert data["responses"]["utter_faq/annual_fee"][0]["text"] == ANSWER


def test_gbk_and_utf8_bom_files_give_identical_output(project, run, tmp_path_factory):
    write_csv(project / "gbk.csv", annual_fee_rows(), encoding="gbk")
    assert run("import", "gbk.csv").exit_code == 0
    from_gbk = (project / "data" / "faq" / "annual_fee.yml").read_bytes()
    (project / "data" / "faq" / "annual_fee.yml").unlink()
    write_csv(project / "bom.csv", annual_fee_rows(), encoding="utf-8-sig")
    assert run("import", "bom.csv").exit_code == 0
    assert (project / "data" / "faq" / "annual_fee.yml").read_bytes() == from_gbk


def test_new_key_file_has_the_project_layout(project, run):
    rows = [HEADER + ["buttons"]] + [row + [""] for row in annual_fee_rows()[1:]]
    rows[1][3] = "转人工=/human_handoff；查看额度=/ask_open_requirements"
    write_csv(project / "my_faq.csv", rows)
    result = run("import", "my_faq.csv")
    assert result.exit_code == 0, result.output
    assert (project / "data" / "faq" / "annual_fee.yml").read_text(encoding="utf-8") == (
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: faq/annual_fee\n"
        "  examples: |\n"
        "    - 借呗有年费吗\n"
        "    - 借呗收不收年费\n"
        "    - 开通借呗要交钱吗\n"
        "    - 借呗每年要交管理费吗\n"
        "    - 借呗有没有服务费\n"
        "    - 不借钱借呗收费吗\n"
        "responses:\n"
        "  utter_faq/annual_fee:\n"
        "  - text: |-\n"
        "      借呗一般不收年费，只按实际借款和天数计息。\n"
        "      以支付宝页面和借款合同为准。\n"
        "    buttons:\n"
        "    - title: 转人工\n"
        "      payload: /human_handoff\n"
        "    - title: 查看额度\n"
        "      payload: /ask_open_requirements\n"
    )
    assert result.stdout.splitlines()[1:] == [
        "added key annual_fee (data/faq/annual_fee.yml): 6 examples",
        "Summary: 1 key added, 0 keys updated, 6 examples added.",
        "Next: run `make train`, then try the new questions with `make shell`.",
    ]


def test_several_variants_in_one_cell_are_split(project, run):
    write_csv(
        project / "my_faq.csv",
        [
            HEADER,
            [
                "annual_fee",
                "借呗有年费吗\n借呗收不收年费|开通借呗要交钱吗 ｜ 借呗每年要交管理费吗\r\n借呗有没有服务费",
                ANSWER,
            ],
        ],
    )
    assert run("import", "my_faq.csv").exit_code == 0
    data = yaml.safe_load((project / "data" / "faq" / "annual_fee.yml").read_text(encoding="utf-8"))
    assert data["nlu"][0]["examples"] == (
        "- 借呗有年费吗\n- 借呗收不收年费\n- 开通借呗要交钱吗\n- 借呗每年要交管理费吗\n- 借呗有没有服务费\n"
    )


def test_chinese_headers_are_accepted(project, run):
    rows = annual_fee_rows()
    rows[0] = ["键", "问题", "答案"]
    write_csv(project / "my_faq.csv", rows)
    assert run("import", "my_faq.csv").exit_code == 0
    assert (project / "data" / "faq" / "annual_fee.yml").exists()


def test_dry_run_prints_diff_and_writes_nothing(project, run):
    write_csv(project / "my_faq.csv", annual_fee_rows() + [["credit_limit", "借呗额度可以自己调吗", ""]])
    before = snapshot(project)
    result = run("import", "--dry-run", "my_faq.csv")
    assert result.exit_code == 0, result.output
    assert snapshot(project) == before
    lines = result.stdout.splitlines()
    assert "--- /dev/null" in lines
    assert "+++ b/data/faq/annual_fee.yml" in lines
    assert "--- a/data/faq/credit_limit.yml" in lines
    assert "+    - 借呗额度可以自己调吗" in lines
    assert "Summary: 1 key would be added, 1 key would be updated, 7 examples would be added." in lines
    assert lines[-1] == "Dry run: nothing was written."


def test_merge_adds_new_examples_after_existing_and_keeps_answer(project, run):
    write_csv(
        project / "my_faq.csv",
        [HEADER, ["credit_limit", "借呗额度可以自己调吗|借呗额度 怎么提高|借呗额度多久涨一次", ""]],
    )
    result = run("import", "my_faq.csv")
    assert result.exit_code == 0, result.output
    text = (project / "data" / "faq" / "credit_limit.yml").read_text(encoding="utf-8")
    assert text == CREDIT_LIMIT_FAQ.replace(
        "    - 为什么借呗额度变少了\n",
        "    - 为什么借呗额度变少了\n    - 借呗额度可以自己调吗\n    - 借呗额度多久涨一次\n",
    )
    assert "updated key credit_limit (data/faq/credit_limit.yml): 2 examples added" in result.stdout.splitlines()


def test_merge_replaces_answer_when_given_and_keeps_buttons(project, run):
    write_csv(
        project / "my_faq.csv", [HEADER, ["credit_limit", "借呗额度可以自己调吗", "新的答案。\n以支付宝页面为准。"]]
    )
    result = run("import", "my_faq.csv")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((project / "data" / "faq" / "credit_limit.yml").read_text(encoding="utf-8"))
    assert data["responses"]["utter_faq/credit_limit"] == [
        {"text": "新的答案。\n以支付宝页面为准。", "buttons": [{"title": "转人工", "payload": "/human_handoff"}]}
    ]
    assert "updated key credit_limit (data/faq/credit_limit.yml): 1 example added, answer replaced" in result.stdout


def test_importing_known_questions_changes_nothing(project, run):
    write_csv(project / "my_faq.csv", [HEADER, ["credit_limit", "借呗额度怎么提高", ""]])
    before = snapshot(project / "data")
    result = run("import", "my_faq.csv")
    assert result.exit_code == 0
    assert "unchanged key credit_limit: nothing new" in result.stdout.splitlines()
    assert snapshot(project / "data") == before


def test_import_is_deterministic(project, run):
    write_csv(project / "my_faq.csv", annual_fee_rows() + [["credit_limit", "借呗额度可以自己调吗", ""]])
    assert run("import", "my_faq.csv").exit_code == 0
    first = snapshot(project / "data")
    for name in ("annual_fee.yml", "credit_limit.yml"):
        (project / "data" / "faq" / name).unlink()
    (project / "data" / "faq" / "credit_limit.yml").write_text(CREDIT_LIMIT_FAQ, encoding="utf-8")
    assert run("import", "my_faq.csv").exit_code == 0
    assert snapshot(project / "data") == first
    # Importing again adds nothing and leaves the bytes alone.
    assert run("import", "my_faq.csv").exit_code == 0
    assert snapshot(project / "data") == first


def test_one_bad_key_blocks_every_file(project, run):
    write_csv(project / "good.csv", annual_fee_rows())
    write_csv(project / "bad.csv", [HEADER, ["fee_rules", "借呗收费标准", ""]])
    before = snapshot(project / "data")
    result = run("import", "good.csv", "bad.csv")
    assert result.exit_code == 1
    assert snapshot(project / "data") == before


def test_same_key_across_files_is_combined(project, run):
    rows = annual_fee_rows()
    write_csv(project / "a.csv", rows[:4])
    write_csv(project / "b.csv", [HEADER] + rows[4:])
    result = run("import", "a.csv", "b.csv")
    assert result.exit_code == 0, result.output
    assert "added key annual_fee (data/faq/annual_fee.yml): 6 examples" in result.stdout.splitlines()


def test_key_defined_outside_its_faq_file_is_an_error(project, run):
    (project / "data" / "nlu" / "extra.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/annual_fee\n  examples: |\n    - 借呗年费多少\n', encoding="utf-8"
    )
    write_csv(project / "my_faq.csv", annual_fee_rows())
    result = run("check", "my_faq.csv")
    assert result.exit_code == 1
    assert (
        'my_faq.csv:2: key "annual_fee" is already defined in data/nlu/extra.yml; '
        "faqtool only manages data/faq/annual_fee.yml"
    ) in result.stderr.splitlines()


def test_example_inputs_pass_check(run, monkeypatch):
    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    for name in ("examples/faq/new_faq_gbk.csv", "examples/faq/new_faq.yml"):
        result = run("check", name)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
