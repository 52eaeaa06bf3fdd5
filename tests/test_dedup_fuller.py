"""Keeping the fuller wording (``DedupConfig.keep_fuller``): a later item that repeats a
kept one and adds a value replaces it, and no removal ever takes a value away.

The made-up sentences are Vietnamese news-style statements; the generated cases reuse
the engine tests' sentences and edits (copies, new numbers, added years, halves).
"""

from __future__ import annotations

from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_dedup_engine import BASES, CONFIGS, DECISION, EDITS, WAYS, edit, vectors_for

from summarize.dedup import engine
from summarize.dedup.document import deduplicate_document
from summarize.dedup.engine import DedupConfig, Item, find_duplicates
from summarize.dedup.facts import fact_differences, facts
from summarize.text.normalize import match_key
from summarize.text.prepare import prepare

SHORT = (
    "Hội chợ sách mở cửa tại công viên Lê Văn Tám với nhiều gian hàng của các nhà xuất "
    "bản lớn trong cả nước."
)
WITH_YEAR = SHORT[:-1] + " năm 2024."
OTHER = "Ban tổ chức cho biết vé vào cửa được miễn phí cho học sinh và sinh viên."
FULLER = DedupConfig(keep_fuller=True)


def _items(texts: list[str]) -> list[Item]:
    return [Item(match_key(t), t) for t in texts]


def test_a_later_wording_that_adds_a_year_replaces_the_earlier_one() -> None:
    grouping = find_duplicates(_items([SHORT, OTHER, WITH_YEAR]), config=FULLER)
    assert not grouping.conflicts
    [cluster] = grouping.clusters
    assert cluster.kept == 2  # the later, fuller wording
    [match] = cluster.members
    assert (match.index, match.kept, match.signal) == (0, 2, "near-exact")
    assert match.score > 0.8 and match.adds == ("number 2024",)
    # Off (the default): both stay, reported as a conflict, as before.
    before = find_duplicates(_items([SHORT, OTHER, WITH_YEAR]))
    assert not before.clusters
    assert [(c.index, c.other, c.differences) for c in before.conflicts] == [
        (2, 0, ("number 2024",))
    ]


def test_the_cleaned_text_keeps_its_order_and_loses_nothing() -> None:
    doc = prepare(f"{OTHER}\n\n{SHORT}\n\n{WITH_YEAR}")
    result = deduplicate_document(doc, config=FULLER)
    assert result.text.split("\n\n") == [OTHER, WITH_YEAR]
    [removed] = result.removed
    assert removed.text == SHORT and removed.kept_adds == ("number 2024",)
    assert removed.kept_start is not None and removed.kept_start > removed.start
    assert doc.text[removed.kept_start : removed.kept_end] == WITH_YEAR
    assert not result.conflicts


def test_reports_say_the_kept_one_is_the_later_fuller_wording() -> None:
    from summarize.dedup.document import reconstruct
    from summarize.report.json_report import dedup_to_json, removed_from_json
    from summarize.report.markdown_report import render_markdown

    result = deduplicate_document(prepare(f"{OTHER}\n\n{SHORT}\n\n{WITH_YEAR}"), config=FULLER)
    [record] = dedup_to_json(result)["removed"]
    assert list(record["kept_adds"]) == ["number 2024"] and record["kept_index"] == 2
    assert "near-exact; kept: the fuller wording, which adds the number “2024” |" in (
        render_markdown(result)
    )
    assert removed_from_json(dedup_to_json(result)) == result.removed  # read back as written
    assert reconstruct(result.text, result.removed) == result.document.text
    plain = deduplicate_document(prepare(f"{SHORT}\n\n{SHORT}"))
    assert "kept_adds" not in dedup_to_json(plain)["removed"][0]  # only when it applies
    record = dedup_to_json(plain)
    record["removed"][0]["kept_adds"] = None  # written by another tool: read as none
    assert removed_from_json(record)[0].kept_adds == ()


def test_a_story_counts_a_shared_sentence_whichever_article_keeps_it() -> None:
    """The digest's statement check: the later article's fuller wording is kept and the
    earlier article's sentence removed; the pair is shared all the same."""
    from summarize.digest.clusters import ClusterConfig, Content, confirm_pair

    def content(title: str, sentences: list[str]) -> Content:
        keys = [match_key(t) for t in sentences]
        return Content(" ".join(keys), title, sentences, None, None, keys)

    earlier = content("Hội chợ sách", [SHORT, OTHER])
    later = content("Hội chợ sách mở cửa", [WITH_YEAR, OTHER])
    found = confirm_pair(earlier, later, ClusterConfig(), FULLER)
    assert found is not None and found[1] == "shares 2 of 2 sentences (exact 1, near-exact 1)"
    guarded = confirm_pair(earlier, later, ClusterConfig(), DedupConfig())  # a conflict
    assert guarded is not None and guarded[1] == "shares 1 of 2 sentences (exact 1)"


def test_a_changed_value_is_a_conflict_both_ways() -> None:
    changed = WITH_YEAR.replace("2024", "2023")
    for texts in ([WITH_YEAR, changed], [changed, WITH_YEAR]):
        grouping = find_duplicates(_items(texts), config=FULLER)
        assert not grouping.clusters
        [conflict] = grouping.conflicts
        assert set(conflict.differences) == {"number 2023", "number 2024"}


def test_a_later_wording_that_drops_a_value_of_the_kept_one_replaces_nothing() -> None:
    """The later one adds a year but leaves out the kept one's count: each states a
    value the other lacks, so neither may be removed."""
    counted = SHORT[:-1] + ", có 120 gian hàng."
    grouping = find_duplicates(_items([counted, WITH_YEAR]), config=FULLER)
    assert not grouping.clusters
    [conflict] = grouping.conflicts
    assert (conflict.signal, set(conflict.differences)) == (
        "near-exact",
        {"number 120", "number 2024"},
    )


def test_a_kept_item_with_members_is_not_replaced() -> None:
    """Its member was judged against it, not against the fuller wording."""
    copy = SHORT.replace("Hội chợ", "HỘI CHỢ")
    grouping = find_duplicates(_items([SHORT, copy, WITH_YEAR]), config=FULLER)
    [cluster] = grouping.clusters
    assert cluster.kept == 0 and [m.index for m in cluster.members] == [1]
    assert [(c.index, c.other) for c in grouping.conflicts] == [(2, 0)]


def test_a_later_item_that_is_removed_replaces_nothing() -> None:
    """A later item that repeats another kept item is removed as before, and its pair
    with the less complete wording stays a conflict."""
    texts = [SHORT, WITH_YEAR, WITH_YEAR.replace("Hội chợ", "HỘI CHỢ")]
    grouping = find_duplicates(_items(texts), config=FULLER)
    [cluster] = grouping.clusters
    assert cluster.kept == 1 and [m.index for m in cluster.members] == [0, 2]


def test_keep_longest_also_keeps_the_wording_with_more_values() -> None:
    """Visited longest first, the longer wording is met first; the shorter one that adds
    a year replaces it, whichever comes first in the text (without the setting: a
    conflict, both kept)."""
    longer = SHORT.replace("các nhà xuất bản lớn", "các nhà xuất bản lớn và nhỏ")
    dated = SHORT[:-1] + " 2024."
    assert len(match_key(dated)) < len(match_key(longer))
    for texts in ([longer, dated], [dated, longer]):
        d = texts.index(dated)
        grouping = find_duplicates(
            _items(texts), config=DedupConfig(keep="longest", keep_fuller=True)
        )
        [cluster] = grouping.clusters
        [match] = cluster.members
        assert (cluster.kept, match.index, match.adds) == (d, 1 - d, ("number 2024",))
        plain = find_duplicates(_items(texts), config=DedupConfig(keep="longest"))
        assert not plain.clusters and [c.index for c in plain.conflicts] == [d]


# Edits that add a value ("more": a number, "add": a year, "extend": "trong 3 năm"),
# drop one, change one, or keep them; and the rest of the engine tests' edits.
ADDING = ["more", "add", "extend", "copy", "drop", "number", "case", "half", "name"]
assert set(ADDING) <= set(EDITS)


def _no_value_lost(items: list[Item], grouping: engine.Grouping) -> None:
    removed = grouping.removed
    kept_of = {m.index: c.kept for c in grouping.clusters for m in c.members}
    for c in grouping.clusters:
        assert c.kept not in removed  # a kept item is never removed too
        for m in c.members:
            assert m.kept == c.kept
            # The removed item states no value (and names no one) its kept item does not.
            assert not fact_differences(
                facts(items[m.index].text), facts(items[c.kept].text), a_inside_b=True
            ), (items[m.index].text, items[c.kept].text)
            if m.index > c.kept or m.adds == ():
                continue
            # Replaced by a later, fuller wording: what the kept one adds is named.
            assert all(d.startswith("number ") for d in m.adds)
    assert len(kept_of) == len(removed)


@settings(max_examples=80, deadline=None)
@given(
    made=st.lists(  # few bases, so that one base's wordings meet in every order
        st.tuples(st.integers(0, 2), st.sampled_from(ADDING), st.integers(0, 10**4)),
        min_size=1,
        max_size=12,
    ),
    seed=st.integers(0, 2**16),
    spread=st.sampled_from([0.0, 1.0]),
    semantic=st.sampled_from([None, 0.8, "decision"]),
    config=st.sampled_from(sorted(CONFIGS)),
    keep=st.sampled_from(["first", "longest"]),
)
def test_no_removal_ever_takes_a_value_away(made, seed, spread, semantic, config, keep) -> None:
    """Generated near copies (new numbers, added years, halves, other names): with
    ``keep_fuller`` every removal is inside its kept item by the fact guard, and each way
    of finding pairs (pair by pair, arrays, blocks, shared rare shingles, neighbours)
    gives the same grouping."""
    units = [edit(BASES[b], how, value) for b, how, value in made]
    items = _items(units)
    settings_ = {"semantic": semantic, "keep": keep, "keep_fuller": True}
    if semantic == "decision":
        settings_ |= {"semantic": 0.5, "decision": DECISION}
    conf = DedupConfig(**{**CONFIGS[config].__dict__, **settings_})
    vectors = vectors_for(made, seed, np.float32, spread) if semantic is not None else None
    want = find_duplicates(items, vectors, config=conf)
    _no_value_lost(items, want)
    for way, constants in WAYS.items():
        with mock.patch.multiple(engine, **constants):
            assert find_duplicates(items, vectors, config=conf) == want, way
    if vectors is not None:  # the neighbour path of long documents
        with mock.patch.object(engine, "use_sparse", lambda n: True):
            assert find_duplicates(items, vectors, config=conf) == want, "neighbours"


def test_users_ask_for_it_with_keep_fuller(tmp_path) -> None:
    """The setting as users reach it: ``deduplicate(text, keep="fuller")``, ``summarize
    dedup --keep fuller`` and the HTTP body's ``"keep": "fuller"``; an unknown policy is
    one clear line and a non-zero exit."""
    import csv
    import json

    from typer.testing import CliRunner

    from summarize import deduplicate
    from summarize.cli import app
    from summarize.config import SummaryConfig
    from summarize.serve.schemas import DeduplicateRequest

    text = f"{OTHER}\n\n{SHORT}\n\n{WITH_YEAR}"
    assert deduplicate(text, keep="fuller", semantic=False).text.split("\n\n") == [
        OTHER,
        WITH_YEAR,
    ]
    # The default since 2026-12-07 (with the stacked decision: held-out precision 99.1)
    assert deduplicate(text, semantic=False).text == f"{OTHER}\n\n{WITH_YEAR}"
    assert deduplicate(text, keep="first", semantic=False).text == text  # keeps both
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    report = tmp_path / "r.json"
    run = CliRunner().invoke(
        app, ["dedup", str(path), "--keep", "fuller", "--no-semantic", "--report", str(report)]
    )
    assert run.exit_code == 0, run.output
    assert run.stdout.strip().split("\n\n") == [OTHER, WITH_YEAR]
    [record] = json.loads(report.read_text(encoding="utf-8"))["removed"]
    assert record["kept_adds"] == ["number 2024"]
    table = tmp_path / "r.csv"
    run = CliRunner().invoke(
        app, ["dedup", str(path), "--keep", "fuller", "--no-semantic", "--report", str(table)]
    )
    assert run.exit_code == 0, run.output
    [row] = list(csv.DictReader(table.read_text(encoding="utf-8").splitlines()))
    assert row["kept_adds"] == "number 2024" and row["text"] == SHORT
    bad = CliRunner().invoke(app, ["dedup", str(path), "--keep", "fullest"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    assert DeduplicateRequest(text=text, keep="fuller").keep == "fuller"
    # One default everywhere: the HTTP body, the command without --keep, SummaryConfig
    assert DeduplicateRequest(text=text).keep == "fuller"
    run = CliRunner().invoke(app, ["dedup", str(path), "--no-semantic"])
    assert run.exit_code == 0, run.output
    assert run.stdout.strip().split("\n\n") == [OTHER, WITH_YEAR]
    assert SummaryConfig().keep == "fuller"


def test_the_lead_is_never_replaced() -> None:
    """New-user trial: the opening paragraph repeated later with a vote count added was
    removed, and the cleaned text opened mid-story. The lead stays (a conflict, as with
    keep="first"); a later repeat of any other paragraph is still replaced."""
    from summarize import deduplicate

    title = "Hội chợ sách mở cửa"
    text = f"{title}\n\n{SHORT}\n\n{OTHER}\n\n{WITH_YEAR}"
    got = deduplicate(text, keep="fuller", semantic=False)
    assert got.text == text and not got.removed
    later = f"{title}\n\n{OTHER}\n\n{SHORT}\n\n{WITH_YEAR}"
    assert deduplicate(later, keep="fuller", semantic=False).text == (
        f"{title}\n\n{OTHER}\n\n{WITH_YEAR}"
    )


def test_the_headline_is_never_replaced() -> None:
    """A first paragraph that repeats the headline and adds a year does not take the
    headline's place: the cleaned text keeps its title (both stay, as a conflict)."""
    from summarize import deduplicate

    title = SHORT[:-1]  # the headline: no final full stop
    text = f"{title}\n\n{WITH_YEAR}\n\n{OTHER}"
    got = deduplicate(text, keep="fuller", semantic=False)
    assert got.text == text and not got.removed
    assert got.document.title == title
    # the same two wordings in the body: the fuller one is kept
    body = f"{OTHER}\n\n{SHORT}\n\n{WITH_YEAR}"
    assert deduplicate(body, keep="fuller", semantic=False).text == f"{OTHER}\n\n{WITH_YEAR}"
