"""CLI tests: exit codes and the exact messages support staff see."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from faqtool_helpers import CREDIT_LIMIT_FAQ, HEADER, annual_fee_rows, snapshot, write_csv

from faqtool import importer

ANSWER = "借呗一般不收年费，只按实际借款和天数计息。\n以支付宝页面和借款合同为准。"


@pytest.mark.parametrize(
    ("args", "summary"),
    [
        (["--help"], "检查 FAQ 表格并导入借呗助手的训练数据，无需手工编辑 YAML。"),
        (["check", "--help"], "检查 FAQ 输入文件 FILES（CSV 或 YAML），不写入任何内容。"),
        (["import", "-h"], "检查 FILES，并把其中的每个 FAQ 键写入 DATA_DIR/faq/<key>.yml。"),
    ],
)
def test_every_command_has_help_in_chinese(run, args, summary):
    result = run(*args)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert f"  {summary}" in result.stdout.splitlines()
    assert "显示本帮助并退出。" in result.stdout
    assert "Show this message" not in result.stdout


def test_command_list_and_options_are_described_in_chinese(run):
    lines = run("--help").stdout.splitlines()
    assert "  check   检查 FAQ 文件（CSV 或 YAML），不写入任何内容。" in lines
    assert "  import  检查 FILES，并把其中的 FAQ 写入 DATA_DIR/faq/<key>.yml。" in lines
    lines = run("import", "--help").stdout.splitlines()
    assert "  --data-dir DATA_DIR  项目的训练数据目录，FAQ 文件写入 DATA_DIR/faq/（默认：data）。" in lines
    assert "  --dry-run            只显示将要改动的内容（diff），不写入任何文件。" in lines


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


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "no_such_file.csv"], "Error: Invalid value for 'FILES...': 找不到文件“no_such_file.csv”"),
        (["import", "data"], "Error: Invalid value for 'FILES...': “data”是目录，请指定文件"),
        (
            ["check", "--data-dir", "no_such_dir", "my_faq.csv"],
            "Error: Invalid value for '--data-dir': 找不到数据目录“no_such_dir”",
        ),
        (
            ["check", "--data-dir", "my_faq.csv", "my_faq.csv"],
            "Error: Invalid value for '--data-dir': “my_faq.csv”不是目录",
        ),
    ],
)
def test_bad_paths_are_usage_errors_that_say_what_is_wrong(project, run, args, expected):
    write_csv(project / "my_faq.csv", annual_fee_rows())
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == expected


def test_valid_csv_passes_check(project, run):
    write_csv(project / "my_faq.csv", annual_fee_rows())
    result = run("check", "my_faq.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "my_faq.csv: 已按 UTF-8 编码读取，共 6 条记录",
        "检查通过：1 个键可以导入（0 个警告）。",
    ]


def test_check_writes_nothing(project, run):
    write_csv(project / "my_faq.csv", annual_fee_rows())
    before = snapshot(project / "data")
    assert run("check", "my_faq.csv").exit_code == 0
    assert snapshot(project / "data") == before


def _errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if not line.startswith("共 ")]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["key", "question"], ["annual_fee", "借呗有年费吗"]],
            ["my_faq.csv:1: 缺少列“answer”（或“答案”）"],
        ),
        (
            [["答案", "问题"], ["x", "借呗有年费吗"]],
            ["my_faq.csv:1: 缺少列“key”（或“键”）"],
        ),
        (
            [HEADER]
            + [
                ["improve_score", q, "多按时还款。以支付宝页面为准。"]
                for q in ["芝麻分怎么涨", "芝麻分如何提高", "怎么让芝麻分变高", "芝麻分低怎么办", "芝麻分提升方法"]
            ]
            + [["annual_fee", "借呗有年费吗", ""], ["annual_fee", "借呗收不收年费", ""]],
            ["my_faq.csv:7: 键“annual_fee”没有答案"],
        ),
        (
            [HEADER, ["Annual-Fee", "借呗有年费吗", ANSWER]],
            ["my_faq.csv:2: 键“Annual-Fee”无效（2–41 个字符：小写字母、数字和 _，以字母开头）"],
        ),
        (
            [HEADER, ["faq/annual_fee", "借呗有年费吗", ANSWER]],
            ["my_faq.csv:2: 键“faq/annual_fee”无效（键前面不要写“faq/”）"],
        ),
        (
            [HEADER, ["a", "借呗有年费吗", ANSWER]],
            ["my_faq.csv:2: 键“a”无效（2–41 个字符：小写字母、数字和 _，以字母开头）"],
        ),
        (
            [HEADER, ["", "借呗有年费吗", ANSWER]],
            ["my_faq.csv:2: 键为空（每一行都要填键；合并的单元格只在第一行保留键）"],
        ),
        (
            [HEADER, ["annual_fee", "借呗有年费吗", ANSWER], ["fee_rules", "借呗 有年费吗", "另一个答案"]],
            ["my_faq.csv:3: 问题“借呗 有年费吗”同时给了键“fee_rules”和键“annual_fee”（my_faq.csv:2）"],
        ),
        (
            [HEADER, ["annual_fee", "借呗有年费吗", ANSWER], ["annual_fee", "借呗收不收年费", "不同的答案"]],
            ["my_faq.csv:3: 键“annual_fee”的答案不一致：这里的答案与 my_faq.csv:2 的不同"],
        ),
        (
            [HEADER, ["annual_fee", "在吗", ANSWER]],
            ["my_faq.csv:2: 问题“在吗”已是意图“greet”的训练例句（data/nlu/conversation.yml:6）"],
        ),
        (
            [HEADER, ["annual_fee", "芝麻分700能开借呗吗", ANSWER]],
            [
                "my_faq.csv:2: 问题“芝麻分700能开借呗吗”已是意图“ask_open_requirements”的训练例句"
                "（data/nlu/conversation.yml:10）"
            ],
        ),
        (
            [HEADER, ["annual_fee", "借呗额度怎么提高", ANSWER]],
            ["my_faq.csv:2: 问题“借呗额度怎么提高”已是意图“faq/credit_limit”的训练例句（data/faq/credit_limit.yml:5）"],
        ),
        (
            [HEADER + ["buttons"], ["annual_fee", "借呗有年费吗", ANSWER, "转人工/human_handoff"]],
            ["my_faq.csv:2: 按钮“转人工/human_handoff”的写法不对，应写成 标题=/payload"],
        ),
        (
            [HEADER + ["buttons"], ["annual_fee", "借呗有年费吗", ANSWER, "=/human_handoff"]],
            ["my_faq.csv:2: 按钮“=/human_handoff”需要同时有标题和 payload"],
        ),
        (
            [
                HEADER + ["buttons"],
                ["annual_fee", "借呗有年费吗", ANSWER, "转人工=/human_handoff"],
                ["annual_fee", "借呗收不收年费", "", "查看额度=/ask_open_requirements"],
            ],
            ["my_faq.csv:3: 键“annual_fee”的按钮不一致：这里的按钮与 my_faq.csv:2 的不同"],
        ),
        (
            [HEADER, ["annual_fee", "借呗\a有年费吗", ANSWER]],
            ["my_faq.csv:2: 问题中有控制字符（U+0007）"],
        ),
        (
            [["key", "键", "question", "answer"], ["annual_fee", "annual_fee", "借呗有年费吗", ANSWER]],
            ["my_faq.csv:1: 列“key”（或“键”）出现了两次"],
        ),
    ],
)
def test_csv_errors_name_file_row_and_problem(project, run, rows, expected):
    write_csv(project / "my_faq.csv", rows)
    before = snapshot(project / "data")
    result = run("import", "my_faq.csv")
    assert result.exit_code == 1
    assert [line for line in _errors(result) if "警告：" not in line] == expected
    assert result.stderr.splitlines()[-1].endswith("未写入任何文件。请改正以上错误后重新运行。")
    assert snapshot(project / "data") == before


def test_warnings_name_the_row_and_do_not_block(project, run):
    rows = [row + [""] for row in annual_fee_rows()]
    rows[0][3] = "备注"
    rows += [["annual_fee", "", "", "待定"], ["annual_fee", "借呗 有年费吗", "", ""]]
    write_csv(project / "my_faq.csv", rows)
    result = run("check", "my_faq.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "my_faq.csv:1: 警告：忽略无法识别的列“备注”",
        "my_faq.csv:8: 警告：键“annual_fee”这一行没有问题、答案或按钮",
        "my_faq.csv:9: 警告：问题“借呗 有年费吗”与键“annual_fee”的另一条问法重复（my_faq.csv:2），只保留一条",
    ]
    assert result.stdout.splitlines()[-1] == "检查通过：1 个键可以导入（3 个警告）。"


def test_faq_file_of_another_shape_is_not_merged_into(project, run):
    faq_file = project / "data" / "faq" / "credit_limit.yml"
    faq_file.write_text(CREDIT_LIMIT_FAQ + "rules: []\n", encoding="utf-8")
    write_csv(project / "my_faq.csv", [HEADER, ["credit_limit", "借呗额度可以自己调吗", ""]])
    result = run("import", "my_faq.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "data/faq/credit_limit.yml: 无法合并到这个文件：多出了顶层部分：rules",
        "共 1 个错误、0 个警告，未写入任何文件。请改正以上错误后重新运行。",
    ]


def test_unreadable_data_file_is_skipped_with_a_warning(project, run):
    (project / "data" / "nlu" / "broken.yml").write_text("nlu: [\n", encoding="utf-8")
    write_csv(project / "my_faq.csv", annual_fee_rows())
    result = run("check", "my_faq.csv")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("data/nlu/broken.yml: 警告：查重时跳过了这个文件：while parsing a flow node")


def test_failed_write_says_nothing_was_written(project, run, monkeypatch):
    def failing_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importer.os, "replace", failing_replace)
    write_csv(project / "my_faq.csv", annual_fee_rows())
    before = snapshot(project / "data")
    result = run("import", "my_faq.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "未写入任何文件：无法写入 data/faq/annual_fee.yml：No space left on device（已替换的文件均已还原）。"
    ]
    assert snapshot(project / "data") == before


def test_check_reports_errors_with_exit_one(project, run):
    write_csv(project / "my_faq.csv", [HEADER, ["annual_fee", "借呗有年费吗", ""]])
    result = run("check", "my_faq.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "my_faq.csv:2: 键“annual_fee”没有答案",
        "共 1 个错误、0 个警告。请改正以上错误后再运行 check。",
    ]


def test_row_numbers_count_spreadsheet_rows_not_text_lines(project, run):
    rows = annual_fee_rows(5)
    rows[1][2] = "第一行\n第二行\n第三行\n以支付宝页面为准"
    rows.append(["BAD", "问题", "答案"])
    write_csv(project / "my_faq.csv", rows)
    result = run("check", "my_faq.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("my_faq.csv:7: 键“BAD”无效")


def test_fewer_than_five_variants_is_only_a_warning(project, run):
    write_csv(project / "my_faq.csv", annual_fee_rows(3))
    result = run("import", "my_faq.csv")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["my_faq.csv:2: 警告：键“annual_fee”只有 3 种问法，建议至少 5 种"]
    assert (project / "data" / "faq" / "annual_fee.yml").exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty.csv: 文件是空的"),
        ("blank.csv", b"\xef\xbb\xbf \r\n\r\n", "blank.csv: 文件是空的"),
        ("empty.yml", b"", "empty.yml: 文件是空的"),
        ("header_only.csv", b"key,question,answer\r\n", "header_only.csv:1: 表头下面没有 FAQ 数据行"),
        (
            "binary.csv",
            b"key,question,answer\n\xff\xfa\x80\n",
            "binary.csv: 无法识别文件编码：既不是 UTF-8，也不是 GBK/GB18030 文本",
        ),
        (
            "utf16.csv",
            "key,question,answer\n".encode("utf-16"),
            "utf16.csv: 文件是 UTF-16 编码（Excel 的“Unicode 文本”），请改存为“CSV UTF-8”或“CSV（逗号分隔）”",
        ),
        (
            "faq.xlsx",
            b"PK\x03\x04",
            "faq.xlsx: 不支持的文件扩展名 .xlsx：应为 .csv、.yml 或 .yaml（请先把表格另存为 CSV）",
        ),
        ("faq.txt", b"key,question,answer\n", "faq.txt: 不支持的文件扩展名 .txt：应为 .csv、.yml 或 .yaml"),
        ("faq", b"key,question,answer\n", "faq: 文件没有扩展名：应为 .csv、.yml 或 .yaml"),
        ("nul.csv", b"key,question,answer\nannual_fee,\x00,x\n", "nul.csv:2: 无法解析 CSV：line contains NUL"),
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
            "faq.yml:4: 第 2 项：键“fee_rules”没有答案",
        ),
        (
            "- key: annual_fee\n  question: [借呗有年费吗]\n",
            "faq.yml:2: 第 1 项：未知字段“question”（可用字段：key、questions、answer、buttons）",
        ),
        (
            "- key: annual_fee\n  questions: [借呗有年费吗, 95188]\n  answer: x\n",
            "faq.yml:2: 第 1 项：问题 95188 不是文本，请加上引号",
        ),
        ("key: annual_fee\n", "faq.yml:1: 应为 FAQ 条目的列表（- key: ..., questions: [...], answer: ...）"),
        ("- key: [unclosed\n", "faq.yml:2: YAML 格式有误：expected ',' or ']', but got '<stream end>'"),
        ("- 只是一句话\n", "faq.yml:1: 第 1 项：条目应为包含 key、questions 和 answer 的映射"),
        ("- questions: [借呗有年费吗]\n  answer: 不收\n", "faq.yml:1: 第 1 项：键为空"),
        ("- key: 123\n", "faq.yml:1: 第 1 项：键必须是文本，现在是 123"),
        (
            "- key: annual_fee\n  questions:\n  - |\n    两行\n    问题\n  answer: x\n",
            "faq.yml:3: 第 1 项：一个问题只能占一行；不同问法请分开列出",
        ),
        (
            "- key: annual_fee\n  questions: [借呗有年费吗]\n  answer: 100\n",
            "faq.yml:1: 第 1 项：答案必须是文本，现在是 100，请加上引号",
        ),
        (
            "- key: annual_fee\n  questions: [借呗有年费吗]\n  answer: x\n  buttons: 转人工\n",
            "faq.yml:4: 第 1 项：buttons 必须是列表，每一项含 title 和 payload",
        ),
        (
            "- key: annual_fee\n  questions: [借呗有年费吗]\n  answer: x\n  buttons: [{title: 转人工}]\n",
            "faq.yml:4: 第 1 项：按钮 {'title': '转人工'} 必须恰好含 title 和 payload 两项",
        ),
        (
            "- key: annual_fee\n  questions: [借呗有年费吗]\n  answer: x\n  buttons: [{title: 转人工, payload: 1}]\n",
            "faq.yml:4: 第 1 项：按钮 {'title': '转人工', 'payload': 1}：title 和 payload 都必须是文本",
        ),
        (
            "- key: annual_fee\n  questions: [借呗有年费吗]\n  answer: x\n  buttons: [{title: ' ', payload: /x}]\n",
            "faq.yml:4: 第 1 项：按钮 {'title': ' ', 'payload': '/x'} 需要同时有标题和 payload",
        ),
        ("- key: annual_fee\n  answer: x\n", "faq.yml:1: 第 1 项：新键“annual_fee”没有问题"),
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
    assert f"my_faq.csv: 已按 {shown} 编码读取，共 6 条记录" in result.stdout.splitlines()
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
        "新增键 annual_fee（data/faq/annual_fee.yml）：6 条问法",
        "汇总：新增 1 个键，更新 0 个键，共新增 6 条问法。",
        "下一步：运行 `make train`，再用 `make shell` 试问新问题。",
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
    assert lines[-4:] == [
        "新增键 annual_fee（data/faq/annual_fee.yml）：6 条问法",
        "更新键 credit_limit（data/faq/credit_limit.yml）：新增 1 条问法",
        "汇总：将新增 1 个键，将更新 1 个键，共将新增 7 条问法。",
        "预演：未写入任何文件。",
    ]


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
    assert "更新键 credit_limit（data/faq/credit_limit.yml）：新增 2 条问法" in result.stdout.splitlines()


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
    assert "更新键 credit_limit（data/faq/credit_limit.yml）：新增 1 条问法，替换答案" in result.stdout.splitlines()


def test_importing_known_questions_changes_nothing(project, run):
    write_csv(project / "my_faq.csv", [HEADER, ["credit_limit", "借呗额度怎么提高", ""]])
    before = snapshot(project / "data")
    result = run("import", "my_faq.csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == [
        "键 credit_limit 未改动：没有新内容",
        "汇总：新增 0 个键，更新 0 个键，共新增 0 条问法。",
    ]
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
    assert "新增键 annual_fee（data/faq/annual_fee.yml）：6 条问法" in result.stdout.splitlines()


def test_key_defined_outside_its_faq_file_is_an_error(project, run):
    (project / "data" / "nlu" / "extra.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/annual_fee\n  examples: |\n    - 借呗年费多少\n', encoding="utf-8"
    )
    write_csv(project / "my_faq.csv", annual_fee_rows())
    result = run("check", "my_faq.csv")
    assert result.exit_code == 1
    assert (
        "my_faq.csv:2: 键“annual_fee”已在 data/nlu/extra.yml 中定义；faqtool 只管理 data/faq/annual_fee.yml"
    ) in result.stderr.splitlines()


def test_example_inputs_pass_check(run, monkeypatch):
    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    for name in ("examples/faq/new_faq_gbk.csv", "examples/faq/new_faq.yml"):
        result = run("check", name)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
