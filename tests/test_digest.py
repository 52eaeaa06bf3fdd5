"""Bulk digests: inputs, learned boilerplate, story clusters, outputs, resume after SIGKILL.

Articles are made up here (a seeded generator of Vietnamese-looking news), plus the
samples and edited copies of them; no third-party text is stored in the repository.
Most tests use ``method="lead"`` (no model) so the file runs in seconds.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarize import Summarizer
from summarize.config import SummaryConfig
from summarize.digest import DigestOptions, Fields, LearnConfig, Output, digest
from summarize.digest.batch_boilerplate import BoilerplateLearner
from summarize.digest.clusters import candidate_pairs, sketch
from summarize.digest.inputs import iter_records, resolve_inputs
from summarize.digest.workfile import WorkFile, work_dir_for
from summarize.text.normalize import match_key
from summarize.timing import StageTimer

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))

WORDS = (
    "người dân chính quyền địa phương dự án công trình kinh tế xã hội phát triển năm nay "
    "kế hoạch thực hiện tỉnh thành phố huyện xã cán bộ doanh nghiệp sản xuất thị trường "
    "giá cả hàng hóa nông dân mùa vụ học sinh giáo viên trường học bệnh viện bác sĩ "
    "người bệnh giao thông đường bộ cầu cảng du lịch khách hàng lễ hội văn hóa thể thao "
    "đội tuyển trận đấu mưa lũ thời tiết môi trường rừng biển đầu tư vốn ngân sách"
).split()
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Phan Vũ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
GIVEN = "An Bình Cường Dũng Giang Hải Hùng Khánh Lan Minh Nam Phúc Quân Sơn Thảo Tuấn".split()
PLACES = "Hà Giang|Lào Cai|Nghệ An|Quảng Nam|Gia Lai|Cà Mau|Bến Tre|Sóc Trăng".split("|")
FOOTER = "Mời quý độc giả đón đọc chuyên mục Đời sống mỗi ngày trên trang của chúng tôi."
WIRE = (
    "Ông {name} khẳng định tỉnh {place} sẽ hoàn thành toàn bộ {n} hạng mục "
    "của công trình trước ngày 30 tháng 9 năm nay."
)


def story_facts(k: int) -> dict:
    rng = random.Random(k)
    return {
        "name": f"{rng.choice(SURNAMES)} Văn {rng.choice(GIVEN)}",
        "place": rng.choice(PLACES),
        "n": 100 + k * 7,
    }


def sentence(rng: random.Random, facts: dict) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 20))]
    words.insert(rng.randint(1, 5), facts["name"])
    words.insert(rng.randint(6, 10), f"{facts['place']} có {facts['n'] + rng.randint(0, 3)}")
    return " ".join(words).capitalize().replace(facts["name"].lower(), facts["name"]) + "."


def article(story: int, version: int = 0, footer: bool = False, wire: bool = False) -> str:
    """One article of ``story``; versions of one story share its facts, not its words."""
    facts = story_facts(story)
    rng = random.Random(story * 1000 + version)
    body = [sentence(rng, facts) for _ in range(7)]
    if wire:
        body.insert(1, WIRE.format(**facts))
    if footer:
        body.append(FOOTER)
    return " ".join(body)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def batch(n: int = 40) -> list[dict]:
    """``n`` unrelated stories with a site footer on most; story 0 told by three outlets."""
    out = [
        {"id": f"a{k}", "title": f"Tin số {k}", "text": article(k, footer=k % 4 != 0)}
        for k in range(n)
    ]
    for v in (1, 2):
        out.append({"id": f"wire{v}", "title": "Tin số 0", "text": article(0, v, wire=True)})
    out[0]["text"] = article(0, 0, footer=True, wire=True)
    return out


def lead(**kw) -> DigestOptions:
    return DigestOptions(SummaryConfig(method="lead"), **kw)


# ----------------------------------------------------------------------- learning


def test_learns_footer_not_wire_sentence() -> None:
    learner = BoilerplateLearner()
    from summarize.text.segment import segment

    for rec in batch(40):
        learner.add([s.text for s in segment(rec["text"])[1]])
    learned = learner.result()
    keys = learned.keys
    assert match_key(FOOTER) in keys
    wire = match_key(WIRE.format(**story_facts(0)))
    assert wire not in keys  # in three documents, but one story
    assert learned.min_stories == 3


def test_learning_needs_two_sites_when_sites_are_known() -> None:
    from summarize.text.segment import segment

    one, two = BoilerplateLearner(), BoilerplateLearner()
    for k, rec in enumerate(batch(20)):
        sents = [s.text for s in segment(rec["text"])[1]]
        one.add(sents, "site-a")
        two.add(sents, "site-a" if k % 2 else "site-b")
    assert match_key(FOOTER) not in one.result().keys
    assert match_key(FOOTER) in two.result().keys


def test_learner_memory_is_bounded() -> None:
    learner = BoilerplateLearner(LearnConfig(max_keys=200))
    for k in range(300):
        learner.add([f"Câu riêng số {k} của bài {k}.", FOOTER, f"Một câu khác {k}."])
    assert len(learner._table) <= 200
    result = learner.result()
    assert result.pruned_below >= 1
    assert match_key(FOOTER) in result.keys  # a key in every document survives pruning


def test_learned_boilerplate_is_excluded_from_summaries(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", batch(40))
    out = tmp_path / "d.jsonl"
    res = digest(
        [str(src)], [Output(out, "jsonl")], DigestOptions(SummaryConfig(method="lead", ratio=1.0))
    )
    assert any(x.key == match_key(FOOTER) for x in res.learned.lines)
    recs = read_jsonl(out)
    for r in recs:
        assert all(FOOTER not in s["text"] for s in r["sentences"]), r["id"]
    chrome = {r["id"]: [e for e in r["excluded"] if e["reason"] == "boilerplate"] for r in recs}
    footed = [r for r in recs if any(b["text"] == FOOTER for b in chrome[r["id"]])]
    assert footed and all(
        b["detail"] == "learned from the batch" for r in footed for b in chrome[r["id"]]
    )


# ------------------------------------------------------------------------- inputs


def test_inputs_files_folders_jsonl_and_bad_records(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    for i, sample in enumerate(SAMPLES[:2]):
        (folder / "sub" / f"s{i}.txt").write_bytes(sample.read_bytes())
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 8)  # binary
    (folder / "skip.md").write_text("not matched by --glob")
    lines = [
        json.dumps({"id": "x1", "text": article(1), "domain": "a.vn"}),
        "{not json",
        json.dumps({"id": "x2", "text": "   "}),
        "",
        json.dumps({"id": "x1", "text": article(2)}),  # a repeated id
        json.dumps({"text": article(3), "title": "Không có id"}),
    ]
    jl = tmp_path / "feed.jsonl"
    jl.write_text("\n".join(lines) + "\n")
    recs = list(iter_records(resolve_inputs([str(folder), str(jl)], glob="*.txt")))
    ids = [r.id for r in recs]
    assert ids[:3] == [
        str(folder / "photo.txt"),
        str(folder / "sub/s0.txt"),
        str(folder / "sub/s1.txt"),
    ]
    assert ids[3:] == ["x1", f"{jl}:2", "x2", "x1#2", f"{jl}:6"]
    assert len(set(ids)) == len(ids)
    errors = {r.id: r.error for r in recs if r.error}
    assert "binary" in errors[str(folder / "photo.txt")]
    assert "invalid JSON" in errors[f"{jl}:2"]
    assert "empty" in errors["x2"]
    assert recs[3].fields == {"domain": "a.vn"}
    assert recs[-1].title == "Không có id"

    out = tmp_path / "d.jsonl"
    res = digest([str(folder), str(jl)], [Output(out, "jsonl")], lead(glob="*.txt"))
    assert (res.documents, res.failed) == (8, 3)
    got = read_jsonl(out)
    assert [r["id"] for r in got] == ids
    assert got[0]["error"] and got[0]["sentences"] == [] and got[0]["story"] is None
    ok = got[1]
    assert ok["sentences"] and ok["story"]["id"].startswith("d-") and ok["error"] is None
    for s in ok["sentences"]:
        text = (folder / "sub/s0.txt").read_text()
        assert text[s["start"] : s["end"]] == s["text"]


def test_custom_field_names(tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [{"key": f"k{i}", "body": article(i), "headline": f"H{i}"} for i in range(3)],
    )
    out = tmp_path / "d.jsonl"
    digest([str(src)], [Output(out, "jsonl")], lead(fields=Fields("key", "body", "headline")))
    got = read_jsonl(out)
    assert [(r["id"], r["title"]) for r in got] == [("k0", "H0"), ("k1", "H1"), ("k2", "H2")]


# ----------------------------------------------------------------------- clusters


def test_story_clusters_are_stable_and_near_duplicates_join(tmp_path: Path) -> None:
    texts = [p.read_text() for p in SAMPLES]
    edited = texts[0].replace("Tỉnh ủy", "Tỉnh uỷ").replace("\n\n", "\n", 3) + "\nTheo Báo Mới"
    records = [{"id": f"s{i}", "text": t} for i, t in enumerate(texts)]
    records.append({"id": "copy", "text": texts[0]})
    records.append({"id": "edited", "text": edited})
    src = write_jsonl(tmp_path / "in.jsonl", records)
    runs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.jsonl"
        res = digest([str(src)], [Output(out, "jsonl")], lead())
        runs.append({r["id"]: r["story"]["id"] for r in read_jsonl(out)})
    assert runs[0] == runs[1]  # stable ids
    ids = runs[0]
    assert ids["s0"] == ids["copy"] == ids["edited"]
    assert len({ids[f"s{i}"] for i in range(len(texts))}) == len(texts)
    assert len(res.stories) == 1 and len(res.stories[0].members) == 3
    assert res.stories[0].summary  # a multi-document summary


def test_shared_sentences_across_a_story(tmp_path: Path) -> None:
    text = SAMPLES[1].read_text()
    copy = text.replace("\n\n", "\n\nMột đoạn mới được thêm vào bài đăng lại hôm nay.\n\n", 1)
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": text}, {"id": "b", "text": copy}])
    out = tmp_path / "d.jsonl"
    digest([str(src)], [Output(out, "jsonl")], lead())
    a, b = read_jsonl(out)
    assert a["story"] == b["story"] and a["story"]["size"] == 2
    assert b["shared_sentences"] and not a["shared_sentences"]
    s = b["shared_sentences"][0]
    assert s["cluster"].startswith("s-") and s["kept_n"] == 0


def test_candidates_are_not_all_pairs() -> None:
    sketches = [sketch([article(k)]) for k in range(60)]
    sketches += [sketch([article(0, 0)])]  # an exact copy of story 0
    pairs = list(candidate_pairs(sketches, DigestOptions().clusters))
    assert (0, 60) in pairs
    assert len(pairs) < 60 * 61 // 20


# ------------------------------------------------------------------------- output


def test_markdown_and_html_are_escaped_and_grouped(tmp_path: Path) -> None:
    text = SAMPLES[2].read_text()
    records = [
        {"id": "x<1>", "title": "<script>alert(1)</script> *bold*", "text": text},
        {"id": "x2", "title": "Bản sao", "text": text},
        {"id": "x3", "text": article(5)},
        {"id": "bad", "text": ""},
    ]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    md, page = tmp_path / "d.md", tmp_path / "d.html"
    res = digest(
        [str(src)], [Output(md, "markdown"), Output(page, "html")], lead(title="Tin <ngày>")
    )
    assert res.failed == 1
    h = page.read_text()
    assert "<script>alert" not in h and "&lt;script&gt;" in h and h.count("<script>") == 1
    assert "<title>Tin &lt;ngày&gt;</title>" in h and "Failed records (1)" in h
    assert "x&lt;1&gt;" in h and "2 articles" in h
    m = md.read_text()
    assert "<script>" not in m and "\\*bold\\*" in m
    assert m.index("2 articles") < m.index("## Other articles") < m.index("Failed records")
    assert not list(tmp_path.glob(".*"))  # no temp files, no work folder left


def test_stdin_and_stdout(tmp_path: Path) -> None:
    data = "".join(json.dumps({"id": f"i{k}", "text": article(k)}) + "\n" for k in range(3))
    p = run_cli("digest", "-", "-m", "lead", stdin=data.encode())
    assert p.returncode == 0, p.stderr.decode()
    assert [json.loads(x)["id"] for x in p.stdout.decode().splitlines()] == ["i0", "i1", "i2"]


# -------------------------------------------------------------------- the command


def run_cli(
    *args: str, stdin: bytes | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "summarize.cli", *args],
        input=stdin, capture_output=True, cwd=cwd, timeout=600,
    )  # fmt: skip


def test_cli_failed_records_set_exit_status(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "ok", "text": article(1)}) + "\n{oops\n")
    out = tmp_path / "d.jsonl"
    p = run_cli("digest", str(src), "-m", "lead", "-o", str(out))
    assert p.returncode == 3, p.stderr.decode()
    assert "2 documents" in p.stderr.decode() and "1 failed" in p.stderr.decode()
    assert [r["error"] is None for r in read_jsonl(out)] == [True, False]
    q = run_cli("digest", str(src), "-m", "lead", "-o", str(out), "--quiet", "--limit", "1")
    assert q.returncode == 0 and q.stderr == b""


@pytest.mark.parametrize(
    "args, needle, code",
    [(["nope.jsonl"], "nope.jsonl", 1), (["IN", "-n", "0"], "--sentences", 2),
     (["IN", "-o", "x.txt"], "extension", 2),
     (["IN", "-o", "no/such/dir/x.jsonl"], "does not exist", 1),
     (["-", "--resume"], "--resume", 2)],
)  # fmt: skip
def test_cli_user_errors_are_one_line(
    tmp_path: Path, args: list[str], needle: str, code: int
) -> None:
    """Input errors exit 1, usage errors 2 (docs/cli.md)."""
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": article(1)}])
    args = [str(src) if a == "IN" else a for a in args]
    p = run_cli("digest", *args, "-m", "lead", stdin=b"", cwd=tmp_path)
    err = p.stderr.decode()
    assert p.returncode == code and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and needle in err, err


# ------------------------------------------------------------------------- resume


def test_resume_repairs_a_partial_line_and_skips_done(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", batch(12))
    out = tmp_path / "d.jsonl"
    full = tmp_path / "full.jsonl"
    digest([str(src)], [Output(full, "jsonl")], lead())
    # Fake an interrupted run: meta and five finished lines, then half a line.
    options = lead(resume=True)
    work = WorkFile(work_dir_for(out))
    from summarize.digest import runner

    settings = runner._settings([str(src)], options, None)
    work.start(settings, resume=False)
    learned = runner._learn(resolve_inputs([str(src)]), options, runner._Silent(), StageTimer())
    work.write_meta({"settings": settings, "total": learned[1], "learned": learned[0].to_json()})
    from summarize.digest.process import process

    for rec in list(iter_records(resolve_inputs([str(src)])))[:5]:
        work.append(*process(rec, Summarizer(options.summary), learned[0].keys))
    work.close()
    with open(work.docs, "ab") as f:
        f.write(b'{"n": 5, "id": "a5", "summ')
    res = digest([str(src)], [Output(out, "jsonl")], options)
    assert res.resumed == 5
    assert read_jsonl(out) == read_jsonl(full)


def test_resume_refuses_other_settings(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", batch(6))
    out = tmp_path / "d.jsonl"
    work = WorkFile(work_dir_for(out))
    work.start({"other": True}, resume=False)
    work.write_meta({"settings": {"other": True}, "total": 1, "learned": {}})
    with pytest.raises(Exception, match="other settings"):
        digest([str(src)], [Output(out, "jsonl")], lead(resume=True))


# `summarize digest` as the CLI runs it, except that the process stops itself (SIGSTOP)
# right after its work file receives its STOP_AFTER-th record: the test kills it at that
# known point however fast or loaded the machine is, instead of racing a sleep.
STOP_AFTER_RECORDS = """
import os, signal, sys
from summarize.cli import main
from summarize.digest.workfile import WorkFile
append, written = WorkFile.append, [0]
def counted(self, *args, **kwargs):
    append(self, *args, **kwargs)
    written[0] += 1
    if written[0] == int(os.environ["STOP_AFTER"]):
        os.kill(os.getpid(), signal.SIGSTOP)
WorkFile.append = counted
sys.argv[0] = "summarize"
main()
"""


def test_sigkill_then_resume_gives_every_document_once(tmp_path: Path) -> None:
    """Kill a real `summarize digest` with SIGKILL mid-run, then finish it with --resume."""
    records = batch(300)
    records.append(dict(records[3]))  # a repeated id in the input
    records.insert(10, {"id": "empty", "text": ""})
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "digest.jsonl"
    cli = ["digest", str(src), "-m", "lead", "-o", str(out), "-o", str(tmp_path / "digest.html")]
    cli.append("--resume")
    docs = work_dir_for(out) / "docs.jsonl"
    with open(tmp_path / "first.err", "wb") as first_err:
        proc = subprocess.Popen(
            [sys.executable, "-c", STOP_AFTER_RECORDS, *cli], stdout=subprocess.DEVNULL,
            stderr=first_err, env={**os.environ, "STOP_AFTER": "40"},
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 300
            while not (status := os.waitpid(proc.pid, os.WUNTRACED | os.WNOHANG))[0]:
                assert time.monotonic() < deadline, "no 40 records in 300 s"
                time.sleep(0.05)
            assert os.WIFSTOPPED(status[1]), (tmp_path / "first.err").read_text()
            assert docs.read_bytes().count(b"\n") == 40  # 40 whole records, then the kill
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done_before = docs.read_bytes().count(b"\n")
    assert done_before == 40
    assert not out.exists()

    p = run_cli(*cli)
    assert p.returncode == 3, p.stderr.decode()  # the empty record failed
    assert f"({done_before} from an earlier run)" in p.stderr.decode()
    got = read_jsonl(out)
    ids = [r["id"] for r in got]
    assert len(ids) == len(records) == len(set(ids))
    assert ids[-1] == "a3#2" and ids[10] == "empty"
    assert [r["error"] is not None for r in got].count(True) == 1
    assert not work_dir_for(out).exists()


# ---------------------------------------------------------------------- the model


@pytest.mark.slow
def test_textrank_digest_clusters_by_meaning(tmp_path: Path, encoder) -> None:
    """An edited copy joins its original; another province's report does not (the
    samples' provinces apart: tests/test_events.py)."""
    by_name = {p.stem: p.read_text() for p in SAMPLES}
    texts = [by_name["bac-giang-co-quan-tinh"], by_name["quang-ninh-quang-binh"]]
    edited = texts[0].replace("Bắc Giang", "tỉnh Bắc Giang", 2)
    records = [{"id": f"s{i}", "text": t} for i, t in enumerate(texts)]
    records.append({"id": "edit", "text": edited})
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "d.jsonl"
    res = digest(
        [str(src)], [Output(out, "jsonl")], DigestOptions(story_sentences=3), model=encoder
    )
    got = {r["id"]: r for r in read_jsonl(out)}
    assert got["s0"]["story"] == got["edit"]["story"] != got["s1"]["story"]
    assert all(len(r["sentences"]) == 3 for r in got.values())
    assert len(res.stories) == 1 and len(res.stories[0].summary) == 3


def test_digest_embeds_each_sentence_once(tmp_path: Path, static_encoder) -> None:
    """The cluster sketch takes the summary's own vectors (no embedding cache here)."""
    from collections import Counter

    seen: Counter[str] = Counter()

    class Counting:
        name, dim = static_encoder.name, static_encoder.dim

        def encode(self, texts, prompt_name="passage"):
            seen.update(texts)
            return static_encoder.encode(texts, prompt_name)

    records = [{"id": f"s{i}", "text": p.read_text()} for i, p in enumerate(SAMPLES[:2])]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    digest([str(src)], [Output(tmp_path / "d.jsonl", "jsonl")], model=Counting())
    titles = {r["title"] for r in read_jsonl(tmp_path / "d.jsonl")}
    assert seen and {t for t, n in seen.items() if n > 1} <= titles


def test_an_unexpected_error_fails_one_record_not_the_run(tmp_path: Path, monkeypatch) -> None:
    from summarize.digest import process as stage

    real = stage.process

    def flaky(rec, *args):
        if rec.id == "a2":
            raise ValueError("boom")
        return real(rec, *args)

    monkeypatch.setattr(stage, "process", flaky)
    src = write_jsonl(tmp_path / "in.jsonl", batch(5))
    out = tmp_path / "d.jsonl"
    res = digest([str(src)], [Output(out, "jsonl")], lead())
    assert res.failed == 1
    bad = [r for r in read_jsonl(out) if r["error"]]
    assert [r["id"] for r in bad] == ["a2"] and "ValueError: boom" in bad[0]["error"]


def test_a_sentence_repeated_across_unrelated_articles_is_one_cluster(tmp_path: Path) -> None:
    quote = "Bộ Y tế khuyến cáo người dân đeo khẩu trang và rửa tay thường xuyên bằng xà phòng."
    records = [{"id": f"u{k}", "text": article(k + 10)} for k in range(4)]
    for k in (1, 3):
        records[k]["text"] = article(k + 10) + " " + quote
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "d.jsonl"
    digest([str(src)], [Output(out, "jsonl")], lead())
    got = read_jsonl(out)
    assert len({r["story"]["id"] for r in got}) == 4  # four stories
    assert got[1]["shared_sentences"] == [] and got[0]["shared_sentences"] == []
    (s,) = got[3]["shared_sentences"]
    assert s["cluster"].startswith("s-") and (s["kept_n"], s["kept_index"]) == (1, 7)


def test_template_reports_with_different_dates_are_different_stories(tmp_path: Path) -> None:
    body = article(7)
    records = [
        {"id": "d5", "title": "Kết quả xổ số ngày 5/2", "text": body + " Giải nhất là 123456."},
        {"id": "d6", "title": "Kết quả xổ số ngày 6/2", "text": body + " Giải nhất là 654321."},
        {"id": "again", "title": "Kết quả xổ số ngày 5/2", "text": body + " Giải nhất là 123456."},
    ]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "d.jsonl"
    digest([str(src)], [Output(out, "jsonl")], lead())
    c = {r["id"]: r["story"]["id"] for r in read_jsonl(out)}
    assert c["d5"] == c["again"] != c["d6"]
