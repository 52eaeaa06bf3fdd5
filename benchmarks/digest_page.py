"""Screenshots of the digest's HTML page for the docs, from the project's own samples.

    python -m benchmarks.digest_page [--out docs] [--chromium /usr/bin/chromium]
    python -m benchmarks.digest_page --measure digest.html [--query "hà nội"]...

Builds a small batch from ``samples/*.txt`` (the five samples, plus a re-published
copy of one with a paragraph added, so a story has shared sentences), with made-up
source fields on reserved ``.example`` addresses; digests it with ``--fast``; and
takes two screenshots in headless Chromium through Playwright (the system browser,
no download): ``digest.png`` (1200 wide: the overview and the first story side by
side) and ``digest-phone.png`` (390 wide). No third-party text is used.

``--measure PAGE`` instead opens an existing digest page and prints how long it takes
to be ready (its script ran) and, for each query, the script's own time to filter and
highlight (``data-search-ms``), after the idle-time reading of the page's text.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDED = "Bài được đăng lại với một đoạn mở đầu mới của tòa soạn vào sáng nay."
SOURCES = [  # made up: fictional publishers on reserved .example addresses
    ("Báo Mẫu", "bao-mau", "2024-05-20"),
    ("Tin Ví Dụ", "tin-vi-du", "2024-05-20"),
    ("Báo Mẫu", "bao-mau", "2024-05-21"),
    ("Tạp chí Thử", "tap-chi-thu", "2024-05-21"),
    ("Tin Ví Dụ", "tin-vi-du", "2024-05-22"),
]


def batch() -> list[dict]:
    """The samples with source fields, and one re-published copy."""
    out = []
    for k, path in enumerate(sorted((ROOT / "samples").glob("*.txt"))):
        publisher, host, date = SOURCES[k % len(SOURCES)]
        slug = path.stem
        out.append(
            {"id": slug, "text": path.read_text(encoding="utf-8"), "publisher": publisher,
             "date": date, "url": f"https://{host}.example/{slug}"}
        )  # fmt: skip
    first = out[0]
    out.append(
        {**first, "id": f"{first['id']}-dang-lai", "publisher": "Tạp chí Thử",
         "date": "2024-05-21", "url": f"https://tap-chi-thu.example/{first['id']}",
         "text": first["text"].replace("\n\n", f"\n\n{ADDED}\n\n", 1)}
    )  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--measure", type=Path, default=None, help="time an existing page")
    ap.add_argument("--query", action="append", default=None, help="with --measure")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    if args.measure is not None:
        queries = args.query or ["hà nội", "ha noi", "vietlott", "xyzxyz", "h", ""]
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                _measure(browser, args.measure.resolve(), queries)
            finally:
                browser.close()
        return 0

    from summarize.config import SummaryConfig
    from summarize.digest import DigestOptions, Output, digest

    with tempfile.TemporaryDirectory() as tmp:
        src, page_path = Path(tmp) / "in.jsonl", Path(tmp) / "digest.html"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch()))
        options = DigestOptions(SummaryConfig(sentences=2), story_sentences=3, title="Digest")
        result = digest([str(src)], [Output(page_path, "html")], options, model="fast")
        print(f"{result.documents} articles, {len(result.stories)} stories", file=sys.stderr)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                _shoot(browser, page_path, args.out / "digest.png", 1200, 1250, side_by_side=True)
                _shoot(browser, page_path, args.out / "digest-phone.png", 390, 1100)
            finally:
                browser.close()
    return 0


def _measure(browser, page_path: Path, queries: list[str]) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        t = time.perf_counter()
        page.goto(page_path.as_uri(), timeout=120_000)
        page.wait_for_selector("html[data-ready='1']", state="attached", timeout=120_000)
        print(f"{page_path.stat().st_size / 1e6:.1f} MB, ready in {time.perf_counter() - t:.2f} s")
        page.wait_for_timeout(3000)  # the page reads its text in idle time
        for q in queries:
            page.evaluate("document.documentElement.removeAttribute('data-search-ms')")
            page.fill("#q", q)
            page.wait_for_selector("html[data-search-ms]", state="attached", timeout=60_000)
            ms = page.get_attribute("html", "data-search-ms")
            shown = page.get_attribute("html", "data-matches") or "all"
            print(f"{q!r}: {ms} ms (stories,articles shown: {shown})")
    finally:
        page.close()


def _shoot(browser, page_path: Path, out: Path, width: int, height: int, **kw) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(page_path.as_uri())
        page.wait_for_selector("html[data-ready='1']", state="attached")
        if kw.get("side_by_side"):
            page.locator("section.story").first.locator("label.sbs").click()
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out))
        print(f"wrote {out}", file=sys.stderr)
    finally:
        page.close()


if __name__ == "__main__":
    raise SystemExit(main())
