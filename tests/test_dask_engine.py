"""The Dask engine of the digest (``--engine dask``): same records as the local engine.

A real ``LocalCluster`` of two worker processes (one thread each) runs the work; it is
started once for the module and always closed. Inputs are real articles (the baomoi
sample of ``../shared/data``; the tests that need it skip without it) with
``--method lead``, so no model is loaded and the module stays well under a minute on an
idle machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from summarize.config import SummaryConfig  # noqa: E402
from summarize.digest import DigestOptions, Output, digest  # noqa: E402
from summarize.digest.batch_boilerplate import (  # noqa: E402
    BoilerplateLearner,
    LearnConfig,
    count_documents,
)
from summarize.digest.clusters import ClusterConfig, sketch  # noqa: E402
from summarize.digest.dask_engine import DaskEngine, append_once  # noqa: E402
from summarize.digest.record import DocumentRecord  # noqa: E402
from summarize.digest.stories import ordinal_pairs  # noqa: E402
from summarize.digest.workfile import WorkFile, work_dir_for  # noqa: E402
from summarize.text.segment import segment  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BAOMOI = ROOT.parent / "shared/data/vi_news_raw_baomoi/vi_news_raw_baomoi.jsonl"
ARTICLES = 80
FAILED = 3  # the line that is not JSON, the empty record, the caption-only article
LEAD = DigestOptions(summary=SummaryConfig(method="lead"))

needs_data = pytest.mark.skipif(not BAOMOI.exists(), reason="../shared/data is absent")


def _articles(n: int) -> list[str]:
    with open(BAOMOI, encoding="utf-8") as f:
        return [next(f) for _ in range(n)]


@pytest.fixture(scope="module")
def engine():
    """Two worker processes, one thread each; closed whatever the tests do."""
    with DaskEngine(workers=2, threads_per_worker=1, partition=10) as started:
        yield started


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real articles, a line that is not JSON and a record with empty text. One real
    article (baomoi-21471433, the 23rd) is only a photo caption and the writer's initials:
    it fails too, with "no sentence to summarise"."""
    if not BAOMOI.exists():
        pytest.skip("../shared/data is absent")
    path = tmp_path_factory.mktemp("corpus") / "articles.jsonl"
    lines = _articles(ARTICLES - 3)
    for k in (2, 11, 40):  # republished with an edit: stories of two articles
        data = json.loads(lines[k])
        data["id"], data["text"] = f"{data['id']}-edited", data["text"][: -len(data["text"]) // 5]
        lines.append(json.dumps(data, ensure_ascii=False) + "\n")
    lines.insert(7, "{not json\n")
    lines.insert(30, json.dumps({"id": "empty", "text": "  "}) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("local")
    outputs = [Output(out / "d.jsonl", "jsonl"), Output(out / "d.md", "markdown")]
    result = digest([str(corpus)], outputs, LEAD)
    assert result.failed == FAILED and result.stories
    return {o.format: o.path.read_bytes() for o in outputs}


@needs_data
@pytest.mark.timeout(180)
def test_records_identical_to_the_local_engine(engine, corpus, local_run, tmp_path) -> None:
    outputs = [Output(tmp_path / "d.jsonl", "jsonl"), Output(tmp_path / "d.md", "markdown")]
    result = digest([str(corpus)], outputs, LEAD, engine=engine)
    assert outputs[0].path.read_bytes() == local_run["jsonl"]
    assert outputs[1].path.read_bytes() == local_run["markdown"]
    # the bad records are still reported, in place
    records = [json.loads(line) for line in outputs[0].path.read_text().splitlines()]
    failed = [r for r in records if r["error"]]
    assert result.failed == FAILED and len(failed) == FAILED
    assert "invalid JSON" in failed[0]["error"] and failed[-1]["id"] == "empty"
    assert failed[1]["id"] == "baomoi-21471433" and "no sentence" in failed[1]["error"]
    assert [r["id"] for r in records].index("empty") == 30
    # the work ran on the workers, not in the driver
    assert result.seconds.get("workers: prepare", 0) > 0
    # the driver keeps no copy of the partitions it sent (Distributed's message log)
    log = engine.client.scheduler_comm.recent_message_log
    assert log.maxlen is not None and log.maxlen <= 16 and len(log) <= 16


@pytest.mark.timeout(120)
def test_single_files_are_read_by_the_workers(engine, tmp_path) -> None:
    """Files of a folder go to the workers unread; a missing file is a failed record."""
    samples = tmp_path / "in"
    samples.mkdir()
    for p in sorted((ROOT / "samples").glob("*.txt")):
        (samples / p.name).write_bytes(p.read_bytes())
    (samples / "broken.txt").write_bytes(b"")  # empty: a failed record, not a crash
    local = tmp_path / "local.jsonl"
    digest([str(samples)], [Output(local, "jsonl")], LEAD)
    out = tmp_path / "dask.jsonl"
    result = digest([str(samples)], [Output(out, "jsonl")], LEAD, engine=engine)
    assert out.read_bytes() == local.read_bytes()
    assert result.failed == 1 and result.seconds.get("workers: reading", 0) > 0


@needs_data
@pytest.mark.timeout(120)
def test_candidate_pairs_from_the_band_key_shuffle_are_the_index_s(engine) -> None:
    """Grouping band keys on the cluster finds exactly the in-memory LSH index's pairs."""
    sketches = {}
    for n, line in enumerate(_articles(400)):
        sentences = [s.text for s in segment(json.loads(line)["text"] or "")[1]]
        if sentences:
            sketches[n] = sketch(sentences)
    found = []
    for config in (ClusterConfig(), ClusterConfig(text_lsh=0.15, fact_lsh=0.25)):
        expected = sorted(ordinal_pairs(sketches, config))
        assert engine.pairs(sketches, config) == expected
        found.append(len(expected))
    assert 15 < found[0] < found[1]  # republished articles, shared facts; looser: more


@needs_data
@pytest.mark.timeout(60)
def test_partition_counts_merged_in_order_learn_what_add_learns() -> None:
    """The distributed count (per-partition counts, merged in order) is exact."""
    docs = []
    for line in _articles(300):
        _, sentences = segment(json.loads(line)["text"] or " ")
        docs.append(([s.text for s in sentences], None, [s.key for s in sentences]))
    config = LearnConfig(min_documents=2)
    one = BoilerplateLearner(config)
    for texts, site, keys in docs:
        one.add(texts, site, keys)
    merged = BoilerplateLearner(config)
    for start in range(0, len(docs), 23):
        merged.merge(count_documents(docs[start : start + 23], config))
    assert one.result().lines and merged.result() == one.result()


def test_a_record_delivered_twice_is_written_once(tmp_path: Path) -> None:
    work = WorkFile(tmp_path / "work")
    work.start({"s": 1}, resume=False)
    from summarize.digest.inputs import Record

    items = [(DocumentRecord.failed(Record(i, f"r{i}", "x"), "bad"), None) for i in range(3)]
    done: set[str] = set()
    assert append_once(work, items, done) == 3
    assert append_once(work, items[1:], done) == 0  # the same partition again
    work.close()
    assert [r.id for _, r in work.records()] == ["r0", "r1", "r2"]


def test_engine_options_are_checked_before_any_cluster_starts(tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "summarize.cli", "digest", str(ROOT / "samples")]
    out = ["-o", str(tmp_path / "d.jsonl"), "--method", "lead"]
    p = subprocess.run([*cli, *out, "--workers", "2"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
    assert p.stderr.strip().splitlines()[-1] == (
        "summarize: error: --workers and --scheduler need --engine dask"
    )
    both = ["--engine", "dask", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"]
    p = subprocess.run([*cli, *out, *both], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
    assert "not both" in p.stderr.strip().splitlines()[-1]


@pytest.mark.timeout(60)
def test_an_unreachable_scheduler_is_one_clear_error() -> None:
    from summarize.errors import SummarizeError

    with pytest.raises(SummarizeError, match="cannot reach the Dask scheduler"):
        with DaskEngine(scheduler="tcp://127.0.0.1:9", connect_timeout=2):
            pass


@needs_data
@pytest.mark.timeout(240)
def test_sigkill_of_the_driver_then_resume(engine, corpus, local_run, tmp_path) -> None:
    """Killed (SIGKILL) once the work file holds records; ``--resume`` finishes the run
    without doing a record twice, and the output is the local engine's."""
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "d.jsonl"
    docs = work_dir_for(out) / "docs.jsonl"
    cmd = [
        sys.executable, "-m", "summarize.cli", "digest", str(corpus), "-o", str(out),
        "--method", "lead", "-q", "--engine", "dask", "--workers", "2",
    ]  # fmt: skip
    driver = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and driver.poll() is None:
            try:
                children.update(c.pid for c in psutil.Process(driver.pid).children(True))
            except psutil.NoSuchProcess:
                break
            if docs.exists() and docs.read_bytes().count(b"\n") >= 1:
                break
            time.sleep(0.05)
        assert driver.poll() is None, driver.stderr.read().decode() if driver.stderr else ""
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=30)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait(timeout=30)
        _reap(psutil, children)
    assert not out.exists()
    before = docs.read_bytes().count(b"\n")
    assert 1 <= before < ARTICLES + 2

    options = DigestOptions(summary=SummaryConfig(method="lead"), resume=True)
    result = digest([str(corpus)], [Output(out, "jsonl")], options, engine=engine)
    assert 1 <= result.resumed <= before and result.documents == ARTICLES + 2
    assert out.read_bytes() == local_run["jsonl"]  # each record once, in input order


def _reap(psutil, pids: set[int]) -> None:
    """The killed driver's worker processes exit by themselves (their parent is gone);
    any still running after 20 s are ended, by pid."""
    procs = []
    for pid in pids:
        try:
            procs.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(procs, timeout=20)
    for p in alive:
        p.kill()
    assert not alive, "worker processes outlived their driver"
