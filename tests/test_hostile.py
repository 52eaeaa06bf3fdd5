"""A hostile user (issue 16, part B): nothing injected, nothing quadratic, clear errors.

Injection through every report format (CSV formulas, Markdown and HTML from the article,
the HTML report's URL hash), texts built to be slow, wrong API arguments, and a
property-based fuzz of the API and the readers: every failure is a ``SummarizeError``
and ``reconstruct`` always gives the original back. The cases run through the CLI (in
this process) and the API; texts are the project's samples.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import FakeEncoder, run_main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarize import reconstruct
from summarize.api import deduplicate, summarize, summarize_many
from summarize.config import SummaryConfig
from summarize.dedup import engine
from summarize.dedup.engine import DedupConfig, Item, find_duplicates
from summarize.digest import DigestOptions, Output, digest
from summarize.errors import ConfigError, InputError, SummarizeError
from summarize.io import read_text
from summarize.io.readers import decode_bytes, extract_html
from summarize.report import render_dedup_report, render_summary
from summarize.report.escape import csv_cell, md_escape
from summarize.text.normalize import match_key

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
FAKE = FakeEncoder()
FORMULAS = [
    '=HYPERLINK("http://evil.example","bấm vào")',
    "+1+2",
    "-3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
]


def sample(i: int = 0) -> str:
    return SAMPLES[i % len(SAMPLES)].read_text("utf-8")


def one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0 and "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert all(n in lines[0] for n in needles), err


# ------------------------------------------------------------------ CSV formulas


def _formula_text() -> str:
    """A real article with formula-like lines, each pasted twice (so each is removed)."""
    lines = "\n\n".join(FORMULAS + ["\tTab đầu dòng: một dòng bắt đầu bằng tab"])
    return f"{sample(0)}\n\n{lines}\n\n{lines}\n"


def _check_csv(report: str) -> None:
    rows = list(csv.DictReader(io.StringIO(report)))
    texts = [r["text"] for r in rows] + [r["kept_text"] for r in rows]
    assert any("HYPERLINK" in t for t in texts)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
    # The apostrophe is the only change: strip it and the cell is the article's text.
    for formula in FORMULAS:
        assert "'" + formula in texts


def test_csv_report_neutralises_formulas_cli(tmp_path, monkeypatch, capsys) -> None:
    src, report = tmp_path / "a.txt", tmp_path / "r.csv"
    src.write_text(_formula_text(), "utf-8")
    code, _, err = run_main(
        monkeypatch, capsys, "dedup", str(src), "-o", str(tmp_path / "c.txt"),
        "--report", str(report), "--no-semantic",
    )  # fmt: skip
    assert code == 0, err
    _check_csv(report.read_text("utf-8"))


def test_csv_report_neutralises_formulas_api() -> None:
    result = deduplicate(_formula_text(), semantic=False)
    _check_csv(render_dedup_report(result, "csv"))
    assert reconstruct(result.text, result.removed) == _formula_text()


def test_csv_cell_rule() -> None:
    for bad in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert csv_cell(bad) == "'" + bad
    assert csv_cell("Hà Nội = thủ đô") == "Hà Nội = thủ đô"
    assert csv_cell(-3) == -3 and csv_cell(2.5) == 2.5  # numbers stay numbers


# ------------------------------------------------------------------ Markdown

HOSTILE_TITLE = "<img src=x onerror=alert(1)> Tin **nóng** [bấm](javascript:alert(1))"
HOSTILE_BODY = (
    "Người dân Hà Nội chứng kiến trận mưa lớn nhất trong năm <script>alert(1)</script> "
    "khiến nhiều tuyến phố ngập sâu. Theo trung tâm dự báo, lượng mưa đo được tại Láng "
    "vượt 200 mm chỉ trong ba giờ <img src=x onerror=alert(2)> và còn kéo dài. Nhiều "
    "phương tiện chết máy giữa đường, người đi làm phải dắt xe qua các điểm ngập."
)


def _assert_inert_markdown(md: str) -> None:
    assert "<img" not in md and "<script" not in md
    assert not re.search(r"(?<!\\)\]\(", md)  # no link: every "]" is escaped
    assert "&lt;img src=x onerror=alert(2)>" in md  # "<" that opens a tag is an entity


def test_summary_markdown_escapes_html_cli(tmp_path, monkeypatch, capsys) -> None:
    src = tmp_path / "a.txt"
    src.write_text(f"{HOSTILE_TITLE}\n\n{HOSTILE_BODY}\n", "utf-8")
    code, out, err = run_main(monkeypatch, capsys, str(src), "--method", "lead", "-f", "markdown")
    assert code == 0, err
    _assert_inert_markdown(out)


def test_summary_markdown_escapes_html_api() -> None:
    found = summarize(HOSTILE_BODY, title=HOSTILE_TITLE, method="lead")
    md = render_summary(found, "markdown")
    _assert_inert_markdown(md)
    assert md.startswith("# &lt;img src=x onerror=alert(1)> Tin \\*\\*nóng\\*\\*")
    assert "&lt;script>alert(1)&lt;/script>" in md


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# Tin nóng", "\\# Tin nóng"),
        ("> trích dẫn", "\\> trích dẫn"),
        ("1. Điều một", "1\\. Điều một"),
        ("2) Điều hai", "2\\) Điều hai"),
        ("- gạch đầu dòng", "\\- gạch đầu dòng"),
        ("+ cộng", "\\+ cộng"),
        ("===", "\\==="),
        ("2.5 triệu đồng", "2.5 triệu đồng"),  # not a list: left as written
        ("a | b", "a \\| b"),
        ("~~~", "\\~\\~\\~"),
    ],
)
def test_md_escape_block_markers(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped


BLOCKY = [
    "# Tin nóng: mưa lớn kéo dài khiến nhiều tuyến phố ở Hà Nội ngập sâu trong sáng nay.",
    "> Trích dẫn: người dân cho biết chưa từng thấy nước lên nhanh đến như vậy ở đây.",
    "1. Điều đầu tiên là nhiều phương tiện chết máy giữa đường khi đi qua điểm ngập.",
    "- Gạch đầu dòng: lực lượng chức năng đã phân luồng giao thông tại các nút giao.",
]


def test_digest_markdown_sentences_stay_sentences(tmp_path) -> None:
    """Summary sentences that start like Markdown blocks stay list items of text."""
    src = tmp_path / "in.jsonl"
    records = [{"id": f"a{i}", "title": f"Bài {i}", "text": "\n\n".join(BLOCKY[i:] + BLOCKY[:i])}
               for i in range(2)]  # fmt: skip
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    md = tmp_path / "d.md"
    digest(
        [str(src)],
        [Output(md, "markdown")],
        DigestOptions(SummaryConfig(method="lead"), learn=None),
    )
    text = md.read_text("utf-8")
    items = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert any("Tin nóng" in ln for ln in items)
    for line in items:
        assert not re.match(r"- (#|>|\d+[.)] |[-+*] )", line), line
    assert "\\# Tin nóng" in text and "1\\. Điều" in text and "\\> Trích" in text


# ------------------------------------------------------------------ the HTML report's URL

HASHES = [
    "#hide=%", "#hide=%E0%A4%A", "#hide=%ZZ,dup-sentence", "#%", "#r0%", "#hide=" + "%" * 5000,
    "#hide=<img src=x onerror=document.body.dataset.pwned=1>", "#hide=all&hide=%",
    "#x'),alert(1)//",
]  # fmt: skip

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)


def _report_page(tmp_path: Path) -> Path:
    result = deduplicate(f"{sample(1)}\n\n{sample(1)}", semantic=False)
    page = tmp_path / "report.html"
    page.write_text(render_dedup_report(result, "html"), "utf-8")
    return page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("fragment", HASHES)
def test_report_url_hash_never_breaks_the_page(tmp_path: Path, fragment: str) -> None:
    page = _report_page(tmp_path)
    profile = tmp_path / "profile"
    cmd = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--dump-dom", page.as_uri() + fragment,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'data-ready="1"' in dom, "the report's script stopped before the end"
    assert "data-pwned" not in dom
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-off=" in body  # the filters ran (apply() set what is off)


NODE = shutil.which("node")
_JS_HARNESS = """
const fs = require("fs");
const src = fs.readFileSync(process.argv[1], "utf8");
const out = {};
for (const hash of JSON.parse(process.argv[2])) {
  const boxes = ["dup-sentence", "boilerplate"].map((f) => ({
    checked: true, getAttribute: () => f, addEventListener() {} }));
  const attrs = {};
  const doc = {
    querySelectorAll: (sel) => (sel === "input[data-filter]" ? boxes : []),
    body: { setAttribute: (k, v) => { attrs["body." + k] = v; } },
    documentElement: { setAttribute: (k, v) => { attrs[k] = v; } },
  };
  try {
    new Function("document", "location", "window", src)(
      doc, { hash: hash }, { addEventListener() {} });
    out[hash] = { ready: attrs["data-ready"] || null, off: attrs["body.data-off"] };
  } catch (err) { out[hash] = { error: String(err) }; }
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_report_script_reads_any_hash() -> None:
    """The report's script with a stand-in page: every hash runs it to the end."""
    script = ROOT / "summarize" / "report" / "templates" / "dedup.js"
    hashes = [*HASHES, "#hide=dup-sentence", "#hide=all", "#hide=boilerplate%2Cdup-sentence"]
    done = subprocess.run(
        [NODE, "-e", _JS_HARNESS, str(script), json.dumps(hashes)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for hash_, state in found.items():
        assert state.get("ready") == "1", (hash_, state)
    assert found["#hide=dup-sentence"]["off"] == "dup-sentence"
    assert found["#hide=all"]["off"] == "boilerplate dup-sentence"
    assert found["#hide=boilerplate%2Cdup-sentence"]["off"] == "boilerplate dup-sentence"
    assert found["#hide=%ZZ,dup-sentence"]["off"] == "dup-sentence"  # the good part still counts
    assert found["#hide=%"]["off"] == ""


# ------------------------------------------------------------------ resources


def _timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def test_long_line_without_punctuation_is_quick() -> None:
    line = ("chữ " * 50_000)[:200_000]
    assert _timed(deduplicate, line, semantic=False) < 60
    assert _timed(summarize, line, method="lead") < 60


def test_many_one_word_lines_are_quick() -> None:
    same = "\n".join(["chữ"] * 20_000)
    distinct = "\n".join(f"từ{i}" for i in range(20_000))
    assert _timed(deduplicate, same, semantic=False) < 60  # was 10 minutes
    assert _timed(deduplicate, distinct, semantic=False) < 60
    result = deduplicate(same, semantic=False)
    assert reconstruct(result.text, result.removed) == same
    assert len(result.removed) >= 19_999


def _decisions(finder: type, items: list[Item], config: DedupConfig):
    original = engine._pair_finder
    engine._pair_finder = lambda n, e, c: engine._Pairwise if n <= engine._PAIRWISE else finder
    try:
        g = find_duplicates(items, config=config)
    finally:
        engine._pair_finder = original
    clusters = [
        (c.id, c.kept, [(m.index, m.signal, m.score) for m in c.members]) for c in g.clusters
    ]
    return clusters, [(c.index, c.other, c.signal, c.score, c.differences) for c in g.conflicts]


def test_sparse_pairs_decide_as_all_pairs() -> None:
    """The linear path (prefix filtering, per key) gives exactly the all-pairs decisions,
    on the samples pasted together and on repeated lines that differ in a number."""
    from summarize.text.prepare import prepare

    doc = prepare("\n\n".join(sample(i) for i in range(len(SAMPLES))) + "\n\n" + sample(2))
    cases = [[Item(s.key, s.text) for s in doc.sentences]]
    lines = [
        "Giá vàng hôm nay tăng 1.000 đồng mỗi lượng tại Hà Nội và TP.HCM sáng nay",
        "Giá vàng hôm nay tăng 2.000 đồng mỗi lượng tại Hà Nội và TP.HCM sáng nay",
        "Giá vàng hôm nay tăng 1.000 đồng mỗi lượng tại Hà Nội", "Mới nhất", "Mới nhất!",
    ]  # fmt: skip
    cases.append([Item(match_key(t), t) for t in (lines * 7)[::-1] + lines])
    for items in cases:
        for config in (DedupConfig(), DedupConfig(keep="longest"), DedupConfig(near_exact=0.6)):
            assert _decisions(engine._Sparse, items, config) == _decisions(
                engine._Pairs, items, config
            )


# ------------------------------------------------------------------ API arguments

TEXT = sample(0)
BAD_CALLS = {
    "threshold 1.5": lambda: summarize(TEXT, threshold=1.5, model=FAKE),
    "threshold -0.1": lambda: deduplicate(TEXT, threshold=-0.1, model=FAKE),
    "threshold nan": lambda: deduplicate(TEXT, threshold=math.nan, model=FAKE),
    "threshold str": lambda: summarize(TEXT, threshold="0.5", model=FAKE),
    "keep bogus": lambda: deduplicate(TEXT, keep="bogus", model=FAKE),
    "keep None": lambda: deduplicate(TEXT, keep=None, model=FAKE),
    "sentences 2.5": lambda: summarize(TEXT, sentences=2.5, method="lead"),
    "sentences True": lambda: summarize(TEXT, sentences=True, method="lead"),
    "sentences 0": lambda: summarize(TEXT, sentences=0, method="lead"),
    "ratio nan": lambda: summarize(TEXT, ratio=math.nan, method="lead"),
    "words -1": lambda: summarize(TEXT, words=-1, method="lead"),
    "title 123": lambda: summarize(TEXT, title=123, method="lead"),
    "dedup title 123": lambda: deduplicate(TEXT, title=123, semantic=False),
    "text None": lambda: summarize(None, method="lead"),
    "text bytes": lambda: deduplicate(TEXT.encode(), semantic=False),
    "method bogus": lambda: summarize(TEXT, method="bogus"),
    "method None": lambda: summarize(TEXT, method=None),
    "model 42": lambda: summarize(TEXT, model=42),
    "dedup model 42": lambda: deduplicate(TEXT, model=42),
    "model object": lambda: summarize(TEXT, model=object()),
    "semantic str": lambda: deduplicate(TEXT, semantic="no"),
    "drop_boilerplate 1": lambda: deduplicate(TEXT, drop_boilerplate=1, semantic=False),
    "query 5": lambda: summarize(TEXT, query=5, model=FAKE),
    "learned int": lambda: summarize(TEXT, learned_boilerplate=5, method="lead"),
    "learned str": lambda: summarize(TEXT, learned_boilerplate="abc", method="lead"),
    "many None": lambda: summarize_many(None, method="lead"),
    "many str": lambda: summarize_many(TEXT, method="lead"),
    "many [1]": lambda: summarize_many([1], method="lead"),
    "many threshold 2": lambda: summarize_many([TEXT], threshold=2, model=FAKE),
    "many method bogus": lambda: summarize_many([TEXT], method="bogus"),
    "digest story_sentences 0": lambda: DigestOptions(story_sentences=0),
    "digest story_sentences 1.5": lambda: DigestOptions(story_sentences=1.5),
    "digest limit True": lambda: DigestOptions(limit=True),
    "digest summary dict": lambda: DigestOptions(summary={"method": "lead"}),
    "digest resume str": lambda: DigestOptions(resume="yes"),
    "config keep": lambda: SummaryConfig(keep="bogus"),
}


@pytest.mark.parametrize("name", list(BAD_CALLS))
def test_bad_api_argument_is_a_summarize_error(name: str) -> None:
    with pytest.raises(SummarizeError) as caught:
        BAD_CALLS[name]()
    message = str(caught.value)
    assert message and "\n" not in message
    if "threshold" in name and "many" not in name:
        assert isinstance(caught.value, ConfigError) and "threshold" in message


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--threshold", "1.5"], "threshold"),
        (["--threshold", "nan"], "threshold"),
        (["--threshold", "-1"], "threshold"),
    ],
)
def test_bad_cli_argument_is_one_line(tmp_path, monkeypatch, capsys, args, needle) -> None:
    src = tmp_path / "a.txt"
    src.write_text(TEXT, "utf-8")
    code, _, err = run_main(monkeypatch, capsys, "dedup", str(src), *args)
    one_line_error(code, err, needle)


def test_reconstruct_refuses_pieces_that_do_not_fit() -> None:
    from dataclasses import replace

    text = f"{sample(0)}\n\n{sample(0)}"
    result = deduplicate(text, semantic=False)
    assert result.removed and reconstruct(result.text, result.removed) == text
    cut = result.removed[0]
    wrong = {
        "short cleaned text": (result.text[:10], result.removed),
        "cut text of another length": (result.text, [replace(cut, cut_text=cut.cut_text + "x")]),
        "overlapping cuts": (result.text, [cut, replace(cut, cut_start=cut.cut_start + 1)]),
        "not a removal": (result.text, [42]),
        "cleaned not text": (None, result.removed),
    }
    for name, (cleaned, removed) in wrong.items():
        with pytest.raises(InputError, match="reconstruct"):
            reconstruct(cleaned, removed)
            pytest.fail(name)


# ------------------------------------------------------------------ fuzz

ODD_SPACE = " \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2028\u2029\u200b\u3000\ufeff"
WORDS = [
    "Hà", "Nội", "mưa", "to", "1.000", "đồng", "“", "”", '"', ".", "!", "?", "…", "#", ">",
    "-", "=", "<b>", "&amp;", "\x00", "e\u0301", "Ông", "nói:", "https://x.vn", "|",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(WORDS + list(ODD_SPACE)), max_size=120).map("".join),
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join).map(lambda t: f"{t}\n\n{t}"),
)
FUZZ = settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@FUZZ
@given(text=texts)
def test_fuzz_summarize(text: str) -> None:
    for method, model in (("lead", None), ("textrank", FAKE)):
        try:
            found = summarize(text, method=method, model=model)
        except SummarizeError:
            continue
        # a NUL is read as a space (one rule, docs/security.md); nothing else changes
        read = text.replace("\0", " ")
        assert all(s.text in read for s in found.sentences)


@FUZZ
@given(text=texts, semantic=st.booleans(), keep=st.sampled_from(["first", "longest"]))
def test_fuzz_deduplicate_round_trip(text: str, semantic: bool, keep: str) -> None:
    try:
        result = deduplicate(text, semantic=semantic, keep=keep, model=FAKE if semantic else None)
    except SummarizeError:
        return
    # the original, character for character: a NUL is read as a space only to match
    # (docs/security.md), the cleaned text and the cuts keep it
    assert reconstruct(result.text, result.removed) == text


@FUZZ
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".txt", ".html", ".json", ".md"]))
def test_fuzz_readers(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"in{suffix}"
    path.write_bytes(data)
    for read in (
        lambda: read_text(path),
        lambda: decode_bytes(data),
        lambda: extract_html(data.decode("utf-8", "replace")),
    ):
        try:
            read()
        except SummarizeError:
            pass
