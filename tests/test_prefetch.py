"""Embedding ahead: the digest's read-ahead and the PrefetchEncoder behind it.

The read-ahead moves model calls earlier (one per window of articles instead of one per
article); these tests check that it changes nothing else: same records, every text still
embedded once, texts nobody announced still embedded on demand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from summarize.config import SummaryConfig
from summarize.digest import DigestOptions, Output, digest
from summarize.embed.prefetch import PrefetchEncoder

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


class Counting:
    """Wraps an encoder and records every call's texts."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.calls: list[list[str]] = []

    def encode(self, texts, prompt_name="passage"):
        self.calls.append(list(texts))
        return self.inner.encode(texts, prompt_name)


def test_prefetched_texts_are_served_without_a_model_call(fake_encoder) -> None:
    inner = Counting(fake_encoder)
    enc = PrefetchEncoder(inner)
    held = ["Hà Nội mưa lớn.", "Giá xăng giảm.", "Hà Nội mưa lớn."]
    enc.prefetch(held, "query")
    assert inner.calls == [["Hà Nội mưa lớn.", "Giá xăng giảm."]]  # once, repeats folded
    got = enc.encode(["Giá xăng giảm.", "Trận đấu bị hoãn.", "Hà Nội mưa lớn."], "query")
    assert inner.calls[1:] == [["Trận đấu bị hoãn."]]  # only the text not held
    want = fake_encoder.encode(["Giá xăng giảm.", "Trận đấu bị hoãn.", "Hà Nội mưa lớn."])
    np.testing.assert_array_equal(got, want)
    enc.encode(["Giá xăng giảm."], "passage")  # another prompt is another vector
    assert inner.calls[-1] == ["Giá xăng giảm."]
    enc.forget()
    assert len(enc) == 0
    enc.encode(["Hà Nội mưa lớn."], "query")
    assert inner.calls[-1] == ["Hà Nội mưa lớn."]


def _records(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for i, p in enumerate(SAMPLES):
            f.write(json.dumps({"id": f"s{i}", "text": p.read_text()}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "empty", "text": ""}) + "\n")
    return src


def _digest(tmp_path: Path, name: str, encoder, **options) -> list[dict]:
    out = tmp_path / f"{name}.jsonl"
    digest([str(_records(tmp_path))], [Output(out, "jsonl")], DigestOptions(**options),
           model=encoder)  # fmt: skip
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_digest_embeds_a_window_in_one_call_and_gives_the_same_records(
    tmp_path: Path, fake_encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(SAMPLES) >= 3
    ahead = Counting(fake_encoder)
    with_read_ahead = _digest(tmp_path, "ahead", ahead)
    import summarize.digest.runner as runner

    monkeypatch.setattr(runner, "read_ahead", lambda records, *_a, **_k: records)
    one_by_one = Counting(fake_encoder)
    without = _digest(tmp_path, "plain", one_by_one)
    assert with_read_ahead == without  # the same vectors, so the same digest
    # Per article before; now the first call holds every article's sentences and titles.
    assert len(one_by_one.calls) >= len(SAMPLES)
    first = set(ahead.calls[0])
    for call in one_by_one.calls[: len(SAMPLES)]:
        assert set(call) <= first
    embedded = [t for call in ahead.calls for t in call]
    repeated = {t for t in embedded if embedded.count(t) > 1}
    assert repeated <= {r["title"] for r in with_read_ahead}  # nothing embedded twice


def test_read_ahead_needs_no_model_for_lead(tmp_path: Path, fake_encoder) -> None:
    enc = Counting(fake_encoder)
    rows = _digest(tmp_path, "lead", enc, summary=SummaryConfig(method="lead"))
    assert enc.calls == [] and len(rows) == len(SAMPLES) + 1


def test_a_dask_partition_reads_ahead_like_the_local_engine(
    fake_encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's partition embeds its window of articles in one call, as the local
    engine does (so a partition aligned on windows gives the int8 model the same
    batches: docs/scale.md), and its records are those of one-by-one processing."""
    pytest.importorskip("distributed")
    import summarize.digest.tasks as tasks
    from summarize.digest.inputs import Record

    records = [
        Record(ordinal=i, id=f"s{i}", source=str(p), text=p.read_text(encoding="utf-8"))
        for i, p in enumerate(SAMPLES)
    ]
    counted = Counting(fake_encoder)
    monkeypatch.setattr(tasks, "worker_encoder", lambda spec: counted)
    config = SummaryConfig()
    ahead = tasks.summarise_partition(records, config, tasks.EncoderSpec(), frozenset())
    first = set(counted.calls[0])
    assert len(counted.calls) <= 2  # the window, then at most a title or two on demand
    monkeypatch.setattr(tasks, "read_ahead", lambda recs, *_a, **_k: recs)
    plain = Counting(fake_encoder)
    monkeypatch.setattr(tasks, "worker_encoder", lambda spec: plain)
    one_by_one = tasks.summarise_partition(records, config, tasks.EncoderSpec(), frozenset())
    assert len(plain.calls) >= len(SAMPLES)
    assert all(set(call) <= first for call in plain.calls[: len(SAMPLES)])
    assert [r.to_json() for r, _ in ahead.items] == [r.to_json() for r, _ in one_by_one.items]
