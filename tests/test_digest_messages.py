"""The digest's errors follow the project's rule (docs/architecture.md): from Python they
name the Python parameters (``story_sentences``), never a command-line flag; the command
line says its flags (``--story-sentences``), as it does for ``SummaryConfig``."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.config import SummaryConfig
from summarize.digest import DigestOptions, Output, digest
from summarize.digest.clusters import ClusterConfig
from summarize.errors import ConfigError, SummarizeError
from tests.conftest import run_main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
LEAD = SummaryConfig(method="lead")
STDOUT = [Output(None, "jsonl")]

BAD = {
    "story_sentences": (lambda: DigestOptions(LEAD, story_sentences=0), "story_sentences must"),
    "limit": (lambda: DigestOptions(LEAD, limit=0), "limit must be a whole number of at least 1"),
    "window_days": (
        lambda: DigestOptions(LEAD, clusters=ClusterConfig(window_days=-1)),
        "window_days must be a number of days, 0 or more (got -1)",
    ),
    "window_days text": (
        lambda: DigestOptions(LEAD, clusters=ClusterConfig(window_days="3")),  # type: ignore[arg-type]
        "window_days must be a number of days",
    ),
    "cross_lingual": (
        lambda: DigestOptions(SummaryConfig(method="lead", cross_lingual=True)),
        "cross_lingual finds translations by the model's vectors",
    ),
    "resume": (
        lambda: digest([str(SAMPLES)], STDOUT, DigestOptions(LEAD, resume=True)),
        "resume needs an output file, not standard output",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_python_digest_errors_name_parameters_not_flags(name: str) -> None:
    make, said = BAD[name]
    with pytest.raises(ConfigError) as e:
        make()
    assert str(e.value).startswith(said) and "--" not in str(e.value)


def test_the_dask_engines_checks_name_its_parameters() -> None:
    pytest.importorskip("distributed")
    from summarize.digest.dask_engine import DaskEngine

    with pytest.raises(SummarizeError, match="^workers must be at least 1$"):
        DaskEngine(workers=0)
    with pytest.raises(SummarizeError, match="^give workers .* or scheduler, not both$"):
        DaskEngine(workers=2, scheduler="tcp://127.0.0.1:1")


def test_resuming_with_other_settings_says_resume_false_in_python(tmp_path: Path) -> None:
    out = [Output(tmp_path / "d.jsonl", "jsonl")]
    digest([str(SAMPLES)], out, DigestOptions(LEAD, keep_work=True, learn=None))
    again = DigestOptions(SummaryConfig(method="lead", sentences=2), resume=True, learn=None)
    with pytest.raises(SummarizeError, match="run with resume=False to start over$") as e:
        digest([str(SAMPLES)], out, again)
    assert "--" not in str(e.value)


@pytest.mark.parametrize(
    "args, said",
    [
        (["--story-sentences", "0"], "--story-sentences must be a whole number of at least 1"),
        (["--limit", "0"], "--limit must be a whole number of at least 1 (got 0)"),
        (["--window-days", "-1"], "--window-days must be a number of days, 0 or more"),
        (["--cross-lingual"], "--cross-lingual finds translations by the model's vectors"),
        (["--resume"], "--resume needs an output file, not standard output"),
    ],
)  # fmt: skip
def test_the_command_line_says_its_flags(monkeypatch, capsys, args, said) -> None:
    code, out, err = run_main(monkeypatch, capsys, "digest", str(SAMPLES), "-m", "lead", *args)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"summarize: error: {said}"), err


def test_the_command_line_says_without_resume(monkeypatch, capsys, tmp_path: Path) -> None:
    out = str(tmp_path / "d.jsonl")
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(SAMPLES), "-m", "lead", "-q", "-o", out, "--keep-work"
    )
    assert code == 0, err
    code, _, err = run_main(
        monkeypatch, capsys, "digest", str(SAMPLES), "-m", "lead", "-n", "2", "-q", "-o", out,
        "--resume",
    )  # fmt: skip
    assert code == 2  # options that do not match the run: a usage error
    assert err.strip().endswith("other settings or inputs; run without --resume to start over")
    assert "resume=False" not in err


def test_a_stream_item_with_both_text_and_html_is_refused_like_summarize() -> None:
    """New-user trial (D-A1): ``digest_records`` summarised such an item from its text
    without a word, while ``summarize(text, html=...)`` and the HTTP API refuse it. Now
    it is that item's error (the stream goes on), in the same words."""
    from summarize import digest_records, summarize

    text = (
        "Sáng 9/3, xã Tân Lập tổ chức ngày hội trồng cây với hơn 500 người tham gia.\n\n"
        "Ông Lê Văn Bình, Chủ tịch xã, cho biết sẽ trồng 3.000 cây xanh trong năm nay.\n"
    )
    page = "<html><body><p>Một trang web khác hẳn bài viết.</p></body></html>"
    with pytest.raises(ConfigError, match="give either text or html, not both"):
        summarize(text, html=page, method="lead")
    items = [
        {"id": "both", "text": text, "html": page},
        {"id": "blank-and-page", "text": "", "html": page},
        {"id": "text", "text": text},
    ]
    got = list(digest_records(items, method="lead", sentences=1))
    assert [r["id"] for r in got] == ["both", "blank-and-page", "text"]
    for record in got[:2]:
        assert (
            record["error"] == f'item {got.index(record)}: give either "text" or "html", not both'
        )
        assert record["sentences"] == []
    assert got[2]["error"] is None and got[2]["sentences"][0]["text"].startswith("Sáng 9/3")
