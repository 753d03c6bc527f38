"""Compare Microsoft Presidio with security/pii.py on Chinese chat messages.

The measurement behind docs/security.md ("Why not Presidio"). Presidio is not
a project dependency, so it runs in a virtualenv of its own::

    python3.10 -m venv /tmp/presidio/venv
    /tmp/presidio/venv/bin/pip install spacy==3.4.4 presidio-analyzer==2.2.359 \
        presidio-anonymizer==2.2.359 "numpy<2"
    PRESIDIO_OUT=/tmp/presidio /tmp/presidio/venv/bin/python scripts/measure_presidio.py

Writes results.md and results.json into $PRESIDIO_OUT (default /tmp/presidio).

Presidio setup: blank spaCy "zh" pipeline (saved to disk, loaded by path,
no model download), recognisers PhoneRecognizer(supported_regions=("CN",)),
CreditCardRecognizer, and a custom PatternRecognizer for the 18-character
mainland ID number with ISO 7064 MOD 11-2 check digit; all with
supported_language="zh". Masking via presidio-anonymizer's "mask" operator.
"""

from __future__ import annotations

import json
import os
import re as stdre
import statistics
import sys
import time
import unicodedata
from importlib.metadata import version
from typing import Any

HERE = os.environ.get("PRESIDIO_OUT", "/tmp/presidio")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kb() -> dict:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0])
    return out


MEM = {"start": rss_kb()}

sys.path.insert(0, REPO)
from security.pii import mask_personal_data  # noqa: E402

MEM["after_baseline_import"] = rss_kb()

# --------------------------------------------------------------------------
# Helpers to build valid numbers
# --------------------------------------------------------------------------
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_check(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=False)) % 11]


def make_id(first17: str) -> str:
    assert len(first17) == 17
    return first17 + id_check(first17)


def make_id_x(area: str, birth: str) -> str:
    for seq in range(1000):
        f = f"{area}{birth}{seq:03d}"
        if id_check(f) == "X":
            return f + "X"
    raise ValueError


def luhn_ok(num: str) -> bool:
    digits = [int(c) for c in num]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def make_card(prefix: str) -> str:
    for c in "0123456789":
        if luhn_ok(prefix + c):
            return prefix + c
    raise ValueError


def not_luhn(num: str) -> str:
    """Return num, changing its last digit if needed so it fails Luhn."""
    if luhn_ok(num):
        num = num[:-1] + str((int(num[-1]) + 1) % 10)
    assert not luhn_ok(num)
    return num


def g4(s: str, sep: str = " ") -> str:
    return sep.join(s[i : i + 4] for i in range(0, len(s), 4))


def fw(s: str) -> str:
    """ASCII -> full-width (digits, letters, punctuation); space stays."""
    return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in s)


# --------------------------------------------------------------------------
# Test set. [[KIND:value]] marks what must be masked.
# KIND in PHONE, ID, CARD, CODE.
# --------------------------------------------------------------------------
ID1 = make_id("11010119900307123")
ID2 = make_id("11010519851212001")
ID3 = make_id_x("440305", "19900101")
ID4 = make_id_x("310104", "19881120").replace("X", "x")
ID5 = make_id("32010619950615234")
ID6 = make_id("51010719790228301")
ID7 = make_id("37020219820909456")
ID8 = make_id("42010620000101789")
ID9 = make_id_x("330106", "19930517")

C16A = make_card("621700123456789")
C16B = make_card("622848001234567")
C16C = make_card("439225001234567")
C16D = make_card("621483021234567")
C16E = make_card("622588123456789")
C16F = make_card("518710123456789")
C16G = make_card("620522778899001")
C19A = make_card("622202123456789012")
C19B = make_card("621799123456789012")
C19C = make_card("623668000012345678")
C19D = make_card("622208400001234567")
for _c in (C16A, C16B, C16C, C16D, C16E, C16F, C16G, C19A, C19B, C19C, C19D):
    assert luhn_ok(_c)

SERIAL16 = not_luhn("2024031510293847")
SERIAL19 = not_luhn("3024031510293847561")

CASES = [
    # ---- mobile numbers
    ("P01", "我手机[[PHONE:13912345678]]谢谢"),
    ("P02", "手机号是 [[PHONE:13812345678]]"),
    ("P03", "电话[[PHONE:138 1234 5678]]"),
    ("P04", "号码是[[PHONE:139-1234-5678]]"),
    ("P05", "[[PHONE:+86 13912345678]]"),
    ("P06", "[[PHONE:+8613912345678]]换号了"),
    ("P07", "[[PHONE:0086 138 0013 8000]]"),
    ("P08", "打[[PHONE:008613800138000]]找我"),
    ("P09", "我的新号[[PHONE:" + fw("15812345678") + "]]"),
    ("P10", "联系方式[[PHONE:18612345678]]晚上打"),
    ("P11", "[[PHONE:17712345678]]"),
    ("P12", "换号了[[PHONE:199 8765 4321]]请更新"),
    ("P13", "打我电话[[PHONE:15000001234]]或者[[PHONE:13900001111]]"),
    ("P14", "手机[[PHONE:13912345678]]和[[PHONE:18698765432]]都行"),
    ("P15", "[[PHONE:166 1234 5678]]是我老婆的"),
    ("P16", "我手机号是[[PHONE:+86-139-1234-5678]]"),
    ("P17", "我是[[PHONE:13912345678]]的机主"),
    ("P18", "tel:[[PHONE:13912345678]]"),
    ("P19", "新号码[[PHONE:" + fw("139-1234-5678") + "]]"),
    ("P20", "紧急联系人电话[[PHONE:14712345678]]"),
    ("P21", "我朋友的号[[PHONE:19112345678]]你们别打了"),
    ("P22", "原来的号[[PHONE:13512345678]]不用了"),
    # ---- ID cards
    ("I01", "身份证号[[ID:" + ID1 + "]]"),
    ("I02", "我身份证[[ID:" + ID2 + "]]谢谢"),
    ("I03", "身份证号码是 [[ID:" + ID3 + "]]"),
    ("I04", "身份证[[ID:" + ID4 + "]]小写的x"),
    ("I05", "[[ID:" + ID5 + "]]"),
    ("I06", "证件号[[ID:" + fw(ID6) + "]]"),
    ("I07", "身份证[[ID:" + ID7 + "]]电话[[PHONE:13912345678]]"),
    ("I08", "身份证号 [[ID:" + ID8[:6] + " " + ID8[6:14] + " " + ID8[14:] + "]] 帮我查下"),
    ("I09", "我叫张三身份证[[ID:" + ID9 + "]]手机[[PHONE:18612345678]]"),
    # ---- bank cards
    ("C01", "卡号[[CARD:" + C19A + "]]"),
    ("C02", "银行卡 [[CARD:" + g4(C19A) + "]]"),
    ("C03", "银行卡[[CARD:" + C16A + "]]扣款失败"),
    ("C04", "[[CARD:" + g4(C16B) + "]]"),
    ("C05", "我的卡是 [[CARD:" + g4(C16C) + "]]"),
    ("C06", "还款卡是 [[CARD:" + C16D + "]] 请帮我查"),
    ("C07", "我的卡[[CARD:" + C19B + "]]换了"),
    ("C08", "卡号[[CARD:" + g4(C16E, "-") + "]]"),
    ("C09", "绑定的卡[[CARD:" + fw(C16G) + "]]"),
    ("C10", "[[CARD:" + g4(C16F) + "]]信用卡"),
    ("C11", "建行卡 [[CARD:" + C19C + "]]"),
    ("C12", "换绑到[[CARD:" + g4(C19D) + "]]这张卡"),
    # ---- verification codes
    ("V01", "验证码是 [[CODE:482913]]"),
    ("V02", "验证码[[CODE:482913]]"),
    ("V03", "短信验证码：[[CODE:7391]]"),
    ("V04", "校验码 [[CODE:839201]]"),
    ("V05", "我收到的验证码是 [[CODE:602318]] 但是提示错误"),
    ("V06", "验证码[[CODE:" + fw("482913") + "]]"),
    ("V07", "收到的码是[[CODE:482913]]填进去不对"),
    # ---- negatives: nothing may be masked
    ("N01", "借了30000"),
    ("N02", "20240315那天扣了两次款"),
    ("N03", "订单号 DD202403150012"),
    ("N04", "芝麻分720"),
    ("N05", "工单号JB7K3M9Q"),
    ("N06", "明天14:30之前还"),
    ("N07", "借款金额50000分12期"),
    ("N08", "每期还1166.67元"),
    ("N09", "逾期3天了"),
    ("N10", "尾号5678的卡"),
    ("N11", "额度从5000涨到20000"),
    ("N12", "还款流水号 " + SERIAL16),
    ("N13", "合同编号HT2024031500123"),
    ("N14", "2024-03-15 14:30 扣的款"),
    ("N15", "客服工号8023"),
    ("N16", "订单号 " + SERIAL19 + " 没到账"),
    ("N17", "年化利率24%太高了"),
    ("N18", "交易时间20240315143015"),
    ("N19", "每月15号还款"),
    ("N20", "APP版本5.12.3闪退"),
    ("N21", "借了3万还了12000还剩18000"),
    ("N22", "订单7781234509"),
]

MARK = stdre.compile(r"\[\[(PHONE|ID|CARD|CODE):(.*?)\]\]")
CJK = stdre.compile(r"[\u4e00-\u9fff]")


def parse(template: str):
    text, last = "", 0
    items: list[dict[str, Any]] = []
    for m in MARK.finditer(template):
        text += template[last : m.start()]
        start = len(text)
        text += m.group(2)
        items.append({"kind": m.group(1), "start": start, "end": len(text), "value": m.group(2)})
        last = m.end()
    text += template[last:]
    for it in items:
        before = text[it["start"] - 1] if it["start"] > 0 else ""
        after = text[it["end"]] if it["end"] < len(text) else ""
        it["adjacent_cjk"] = bool(CJK.match(before) or CJK.match(after))
        it["required"] = required_positions(text, it)
    return text, items


def required_positions(text: str, it: dict) -> list[int]:
    """Positions that must be hidden: all digits/X of the span; for a phone
    only the middle four digits of the 11-digit number (the baseline's
    policy 138****5678; a fully masked phone also satisfies it)."""
    pos = [i for i in range(it["start"], it["end"]) if unicodedata.normalize("NFKC", text[i]).isalnum()]
    if it["kind"] == "PHONE":
        last11 = pos[-11:]
        return last11[3:7]
    return pos


PARSED = []
for cid, tpl in CASES:
    text, items = parse(tpl)
    PARSED.append({"id": cid, "text": text, "items": items, "negative": cid.startswith("N")})

# --------------------------------------------------------------------------
# Presidio
# --------------------------------------------------------------------------
t0 = time.perf_counter()
import spacy  # noqa: E402
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, PhoneRecognizer  # noqa: E402
from presidio_anonymizer import AnonymizerEngine  # noqa: E402
from presidio_anonymizer.entities import OperatorConfig  # noqa: E402

MEM["after_presidio_import"] = rss_kb()

MODEL_DIR = os.path.join(HERE, "zh_blank")
if not os.path.exists(os.path.join(MODEL_DIR, "config.cfg")):
    spacy.blank("zh").to_disk(MODEL_DIR)


class CnIdCardRecognizer(PatternRecognizer):
    """18-character mainland resident ID: 17 digits + digit/X, ISO 7064 MOD 11-2."""

    PATTERNS = [
        # Lookarounds instead of \b: \b sees no boundary between a CJK char and a digit.
        Pattern("CN ID card (18)", r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])", 0.5),
    ]

    def __init__(self, supported_language: str = "zh"):
        super().__init__(
            supported_entity="CN_ID_CARD",
            patterns=self.PATTERNS,
            context=["身份证", "证件"],
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:
        s = unicodedata.normalize("NFKC", pattern_text).upper()
        if len(s) != 18 or not s[:17].isdigit():
            return False
        return id_check(s[:17]) == s[17]


provider = NlpEngineProvider(
    nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "zh", "model_name": MODEL_DIR}],
    }
)
nlp_engine = provider.create_engine()
registry = RecognizerRegistry(supported_languages=["zh"])
registry.add_recognizer(PhoneRecognizer(supported_language="zh", supported_regions=("CN",)))
registry.add_recognizer(CreditCardRecognizer(supported_language="zh"))
registry.add_recognizer(CnIdCardRecognizer(supported_language="zh"))
analyzer = AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["zh"])
anonymizer = AnonymizerEngine()
PRESIDIO_SETUP_S = time.perf_counter() - t0
MEM["after_analyzer_built"] = rss_kb()

MASK_OP = {"DEFAULT": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 1000, "from_end": False})}


def presidio_mask(text: str, engine=None):
    results = (engine or analyzer).analyze(text=text, language="zh")
    out = anonymizer.anonymize(text=text, analyzer_results=results, operators=MASK_OP).text
    return out, results


# Supplementary (NOT the configuration under test): the stock CreditCardRecognizer
# class with its regex replaced by a CJK-safe 16-19 digit pattern, Luhn kept.
registry_t = RecognizerRegistry(supported_languages=["zh"])
registry_t.add_recognizer(PhoneRecognizer(supported_language="zh", supported_regions=("CN",)))
registry_t.add_recognizer(
    CreditCardRecognizer(
        supported_language="zh",
        patterns=[Pattern("card 16-19, lookarounds", r"(?<![\dA-Za-z])(?:\d[ \-]?){15,18}\d(?![\dA-Za-z])", 0.3)],
    )
)
registry_t.add_recognizer(CnIdCardRecognizer(supported_language="zh"))
analyzer_t = AnalyzerEngine(nlp_engine=nlp_engine, registry=registry_t, supported_languages=["zh"])


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------
def masked_positions(orig: str, out: str) -> set[int]:
    assert len(orig) == len(out), (orig, out)
    return {i for i, (a, b) in enumerate(zip(orig, out, strict=False)) if b == "*" and a != "*"}


def altered_positions(orig: str, out: str) -> set[int]:
    """Changed, but not to the masking char (e.g. full-width folded to ASCII)."""
    return {i for i, (a, b) in enumerate(zip(orig, out, strict=False)) if a != b and b != "*"}


def item_status(it: dict, masked: set[int]) -> str:
    req = it["required"]
    hit = sum(1 for p in req if p in masked)
    return "masked" if hit == len(req) else ("partial" if hit else "missed")


rows = []
for case in PARSED:
    text = case["text"]
    p_out, p_res = presidio_mask(text)
    t_out, _ = presidio_mask(text, analyzer_t)
    b = mask_personal_data(text)
    p_mask, b_mask = masked_positions(text, p_out), masked_positions(text, b.text)
    t_mask = masked_positions(text, t_out)
    inside: set[int] = set()
    for it in case["items"]:
        inside.update(range(it["start"], it["end"]))
    row = {
        "id": case["id"],
        "text": text,
        "negative": case["negative"],
        "items": [],
        "presidio_text": p_out,
        "baseline_text": b.text,
        "presidio_labels": sorted({f"{r.entity_type}[{text[r.start:r.end]}]" for r in p_res}),
        "baseline_found": sorted(k.value for k in b.found),
        "presidio_extra": sorted(p_mask - inside),
        "baseline_extra": sorted(b_mask - inside),
        "tuned_extra": sorted(t_mask - inside),
        "presidio_altered": sorted(altered_positions(text, p_out)),
        "baseline_altered": sorted(altered_positions(text, b.text)),
    }
    for it in case["items"]:
        row["items"].append(
            {
                "kind": it["kind"],
                "value": it["value"],
                "adjacent_cjk": it["adjacent_cjk"],
                "presidio": item_status(it, p_mask),
                "baseline": item_status(it, b_mask),
                "tuned": item_status(it, t_mask),
            }
        )
    rows.append(row)

# Latency (mean per message, after one warm-up pass)
ROUNDS = 30
texts = [c["text"] for c in PARSED]
for t in texts:
    presidio_mask(t)
    mask_personal_data(t)


def bench(fn):
    per = []
    for _ in range(ROUNDS):
        for t in texts:
            s = time.perf_counter()
            fn(t)
            per.append(time.perf_counter() - s)
    return statistics.mean(per) * 1e3, statistics.median(per) * 1e3, sorted(per)[int(len(per) * 0.95)] * 1e3


LAT = {
    "presidio_analyze+anonymize": bench(presidio_mask),
    "presidio_analyze_only": bench(lambda t: analyzer.analyze(text=t, language="zh")),
    "baseline": bench(mask_personal_data),
}
MEM["after_run"] = rss_kb()

# \b demonstration with the regex module (used by Presidio) and stdlib re
import regex  # noqa: E402

BDEMO = []
for s in ["我手机13912345678谢谢", "手机 13912345678 谢谢", "卡号" + C16A, "卡号 " + C16A, "卡号 " + C16A + "谢谢"]:
    BDEMO.append(
        (
            s,
            bool(regex.search(r"\b\d{11,19}\b", s)),
            bool(stdre.search(r"\b\d{11,19}\b", s)),
            bool(regex.search(r"(?<!\d)\d{11,19}(?!\d)", s)),
        )
    )
# The stock CreditCardRecognizer regex on its own, with CJK adjacency
CC_RE = regex.compile(CreditCardRecognizer.PATTERNS[0].regex, regex.DOTALL | regex.MULTILINE | regex.IGNORECASE)
CCDEMO = []
for s in ["卡号" + C16A, "卡号 " + C16A, "卡号 " + C19A, "卡号 " + g4(C19A), "卡号 " + C16A + "谢谢", C16A]:
    m = CC_RE.search(s)
    CCDEMO.append((s, m.group(0) if m else None))

# Phone validity according to libphonenumber (explains misses)
import phonenumbers  # noqa: E402

PHONE_VALID = {}
for case in PARSED:
    for it in case["items"]:
        if it["kind"] == "PHONE":
            digits = unicodedata.normalize("NFKC", it["value"])
            d = "".join(ch for ch in digits if ch.isdigit())[-11:]
            n = phonenumbers.parse(d, "CN")
            PHONE_VALID[d] = (
                phonenumbers.is_valid_number(n),
                {v: k for k, v in vars(phonenumbers.PhoneNumberType).items() if isinstance(v, int)}[
                    phonenumbers.number_type(n)
                ],
            )
for s in ["7781234509"]:
    n = phonenumbers.parse(s, "CN")
    PHONE_VALID["negative N22 " + s] = (
        phonenumbers.is_valid_number(n),
        {v: k for k, v in vars(phonenumbers.PhoneNumberType).items() if isinstance(v, int)}[phonenumbers.number_type(n)]
        + " "
        + phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL),
    )

# --------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------
KINDS = ["PHONE", "ID", "CARD", "CODE"]


def summarize():
    s = {}
    for kind in KINDS:
        for subset in ("all", "adjacent_cjk", "not_adjacent"):
            items = [
                it
                for r in rows
                for it in r["items"]
                if it["kind"] == kind and (subset == "all" or (subset == "adjacent_cjk") == it["adjacent_cjk"])
            ]
            if not items:
                continue
            s[(kind, subset)] = {
                "n": len(items),
                **{
                    sys_: (
                        sum(it[sys_] == "masked" for it in items),
                        sum(it[sys_] == "partial" for it in items),
                    )
                    for sys_ in ("presidio", "baseline", "tuned")
                },
            }
    neg = [r for r in rows if r["negative"]]
    fp = {sys_: [r["id"] for r in neg if r[f"{sys_}_extra"]] for sys_ in ("presidio", "baseline", "tuned")}
    overmask = {
        sys_: [r["id"] for r in rows if not r["negative"] and r[f"{sys_}_extra"]]
        for sys_ in ("presidio", "baseline", "tuned")
    }
    return s, fp, overmask, len(neg)


SUMMARY, FP, OVERMASK, NNEG = summarize()


def esc(s: str) -> str:
    return s.replace("|", "\\|")


def item_cell(row, sys_):
    if row["negative"]:
        return "FP: " + ("yes" if row[f"{sys_}_extra"] else "no")
    parts = [f"{it['kind']}:{it[sys_]}" for it in row["items"]]
    if row[f"{sys_}_extra"]:
        parts.append(f"+{len(row[sys_ + '_extra'])} extra chars masked")
    if row.get(f"{sys_}_altered"):
        parts.append(f"{len(row[sys_ + '_altered'])} chars rewritten (not masked)")
    return ", ".join(parts)


L = []
L.append("# Presidio vs security/pii.py on Chinese chat messages\n")
L.append("Generated by `scripts/measure_presidio.py`.\n")
L.append("## Setup\n")
for p in ["spacy", "presidio-analyzer", "presidio-anonymizer", "phonenumbers", "regex", "numpy", "thinc"]:
    L.append(f"- {p} {version(p)}")
L.append(f"- Python {sys.version.split()[0]}")
try:
    if os.path.exists(os.path.join(HERE, "install_time.txt")):
        L.append("- Install time: " + open(os.path.join(HERE, "install_time.txt")).read().strip().replace("\n", "; "))
except OSError:
    pass
L.append(
    "- NLP engine: `spacy.blank('zh')` (char segmenter, no model download) saved to "
    f"`{MODEL_DIR}`, loaded through `NlpEngineProvider` with lang_code `zh`."
)
L.append(
    "- Recognisers (all `supported_language='zh'`): `PhoneRecognizer(supported_regions=('CN',))` "
    "(libphonenumber, default leniency 1 = VALID), stock `CreditCardRecognizer` (regex + Luhn), custom "
    "`CnIdCardRecognizer` (PatternRecognizer, `(?<![\\dA-Za-z])\\d{17}[\\dXx](?![\\dA-Za-z])` + ISO 7064 MOD 11-2)."
)
L.append("- Masking: presidio-anonymizer `mask` operator over all analyzer results (score threshold 0).")
L.append(f"- Presidio import + engine build: {PRESIDIO_SETUP_S:.2f} s\n")
L.append(
    "Scoring: an expected item counts as *masked* when all its digits are hidden (for a phone: the middle "
    "four digits of the 11-digit number, which is the baseline's policy `138****5678`; masking the whole "
    "number also satisfies it); *partial* when some are; *missed* otherwise. A character counts as masked when the output has `*` there; any masked character "
    "outside the expected spans is an *extra* (on a negative message: a false positive). Characters changed to something other than `*` are reported as *rewritten (not masked)*.\n"
)

L.append("## Summary\n")
L.append("| kind | subset | n | Presidio masked | Presidio partial | baseline masked | baseline partial |")
L.append("|---|---|---|---|---|---|---|")
for (kind, subset), v in SUMMARY.items():
    L.append(
        f"| {kind} | {subset} | {v['n']} | {v['presidio'][0]} ({v['presidio'][0] / v['n']:.0%}) | {v['presidio'][1]} "
        f"| {v['baseline'][0]} ({v['baseline'][0] / v['n']:.0%}) | {v['baseline'][1]} |"
    )
tot_n = sum(v["n"] for (k, s), v in SUMMARY.items() if s == "all")
tot_p = sum(v["presidio"][0] for (k, s), v in SUMMARY.items() if s == "all")
tot_b = sum(v["baseline"][0] for (k, s), v in SUMMARY.items() if s == "all")
L.append(f"| **all** | all | {tot_n} | {tot_p} ({tot_p / tot_n:.0%}) | | {tot_b} ({tot_b / tot_n:.0%}) | |")
L.append("")
L.append(
    "Supplementary, not the configuration under test: same Presidio setup but CreditCardRecognizer given the "
    "pattern `(?<![\\dA-Za-z])(?:\\d[ \\-]?){15,18}\\d(?![\\dA-Za-z])` (Luhn kept): "
    + ", ".join(f"{k} {v['tuned'][0]}/{v['n']}" for (k, s_), v in SUMMARY.items() if s_ == "all")
    + f"; false positives on negatives: {len(FP['tuned'])} {FP['tuned']}; positives with extra masking: {OVERMASK['tuned']}.\n"
)
L.append("| measure | Presidio | baseline |")
L.append("|---|---|---|")
L.append(
    f"| false positives on {NNEG} negatives | {len(FP['presidio'])} {FP['presidio']} | {len(FP['baseline'])} {FP['baseline']} |"
)
L.append(
    f"| positive messages with extra masked chars | {len(OVERMASK['presidio'])} {OVERMASK['presidio']} | {len(OVERMASK['baseline'])} {OVERMASK['baseline']} |"
)
pl, pa, bl = LAT["presidio_analyze+anonymize"], LAT["presidio_analyze_only"], LAT["baseline"]
L.append(
    f"| latency per message, mean / median / p95 (ms, {ROUNDS}×{len(texts)} calls after warm-up) | "
    f"{pl[0]:.3f} / {pl[1]:.3f} / {pl[2]:.3f} (analyze only {pa[0]:.3f} / {pa[1]:.3f} / {pa[2]:.3f}) | {bl[0]:.4f} / {bl[1]:.4f} / {bl[2]:.4f} |"
)
L.append(
    f"| resident memory (VmRSS) | {MEM['after_run']['VmRSS'] / 1024:.1f} MiB after run (peak VmHWM {MEM['after_run']['VmHWM'] / 1024:.1f} MiB) | "
    f"{MEM['after_baseline_import']['VmRSS'] / 1024:.1f} MiB for the interpreter + baseline before Presidio was imported |"
)
L.append("")
L.append("Memory by stage (VmRSS MiB): " + ", ".join(f"{k} {v['VmRSS'] / 1024:.1f}" for k, v in MEM.items()) + "\n")

L.append("## Per case\n")
L.append(
    "| id | message | expected | Presidio | baseline | Presidio output | baseline output | Presidio entities | baseline found |"
)
L.append("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    exp = (
        "nothing"
        if r["negative"]
        else ", ".join(
            f"{it['kind']}`{it['value']}`" + (" (adj. CJK)" if it["adjacent_cjk"] else "") for it in r["items"]
        )
    )
    L.append(
        f"| {r['id']} | `{esc(r['text'])}` | {esc(exp)} | {item_cell(r, 'presidio')} | {item_cell(r, 'baseline')} "
        f"| `{esc(r['presidio_text'])}` | `{esc(r['baseline_text'])}` | {esc('; '.join(r['presidio_labels'])) or '-'} | {', '.join(r['baseline_found']) or '-'} |"
    )
L.append("")

L.append("## Differences\n")
for r in rows:
    diffs = []
    for it in r["items"]:
        if it["presidio"] != it["baseline"]:
            diffs.append(f"{it['kind']} `{it['value']}`: Presidio {it['presidio']}, baseline {it['baseline']}")
    if bool(r["presidio_extra"]) != bool(r["baseline_extra"]):
        diffs.append(
            f"extra masking: Presidio {len(r['presidio_extra'])} chars, baseline {len(r['baseline_extra'])} chars"
        )
    if diffs:
        L.append(f"- **{r['id']}** `{esc(r['text'])}` — " + "; ".join(diffs))
L.append("")

L.append("## Word boundaries next to CJK characters\n")
L.append("| string | `regex` module `\\b\\d{11,19}\\b` | stdlib `re` same | `(?<!\\d)\\d{11,19}(?!\\d)` |")
L.append("|---|---|---|---|")
for s, a, b_, c in BDEMO:
    L.append(f"| `{s}` | {a} | {b_} | {c} |")
L.append("")
L.append("Stock `CreditCardRecognizer` regex (before Luhn) on its own:\n")
L.append("| string | match |")
L.append("|---|---|")
for s, m in CCDEMO:
    L.append(f"| `{s}` | {('`' + m + '`') if m else 'none'} |")
L.append("")
L.append("libphonenumber validity of the test mobiles (region CN):\n")
L.append(", ".join(f"{k}: {'valid' if v[0] else 'INVALID'} {v[1]}" for k, v in PHONE_VALID.items()))
L.append("")

with open(os.path.join(HERE, "results.md"), "w") as fh:
    fh.write("\n".join(L))
with open(os.path.join(HERE, "results.json"), "w") as fh:
    json.dump(
        {
            "rows": rows,
            "summary": {f"{k}|{s}": v for (k, s), v in SUMMARY.items()},
            "fp": FP,
            "overmask": OVERMASK,
            "latency_ms_mean_median_p95": LAT,
            "mem_kb": MEM,
        },
        fh,
        ensure_ascii=False,
        indent=1,
    )
print("\n".join(L[: L.index("## Per case\n")]))
print(f"cases: {len(rows)} ({NNEG} negatives)")
