"""Ten briefing exports in a row (issue #17): PDF + PNGs through Chromium, and the PowerPoint, each
checked complete by the exporter itself (every slide drawn, every expected number in its slide's
text and in the PDF's text layer; otherwise ExportIncomplete and no file). Prints how many were
complete and how long each took; asserts nothing.

    uv run python bench/deck_exports.py [--runs 10] [--quick]

The exports alternate Vietnamese/public and English/internal on one server, for the latest
complete quarter, the way a press office would export before a conference.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from vss_dash import briefing, deck_export, metrics, narrative, pptx_deck, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="3 exports")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    if not deck_export.available():
        print(f"Chromium not found at {deck_export.CHROMIUM}: no deck exports measured")
        return
    frames = metrics.Frames.from_store(store.load())
    quarter = briefing.quarters(frames.periods())[0]  # the newest
    pdf_s, pptx_s, failures = [], [], []
    with (
        tempfile.TemporaryDirectory() as tmp,
        deck_export.serve(env={"VSS_PROFILE": "demo"}) as base,
    ):
        for i in range(runs):
            lang, public = ("vi", True) if i % 2 == 0 else ("en", False)
            deck = narrative.build_deck(frames, quarter, public, lang)
            out = Path(tmp) / str(i)
            t0 = time.perf_counter()
            try:
                deck_export.export_deck(
                    base, quarter.key, lang, public, len(deck.slides), out,
                    expected=deck.expected_numbers(), stem=deck.stem,
                )  # fmt: skip
                pdf_s.append(time.perf_counter() - t0)
            except deck_export.ExportIncomplete as e:
                failures.append(f"export {i + 1} ({lang}): {e}")
            t0 = time.perf_counter()
            (out / f"{deck.stem}.pptx").write_bytes(pptx_deck.build(deck))
            pptx_s.append(time.perf_counter() - t0)
    print(f"quarter {quarter.key}: {len(pdf_s)}/{runs} PDF+PNG exports complete")
    for f in failures:
        print(f"  {f}")
    if pdf_s:
        print(f"PDF+PNG: median {statistics.median(pdf_s):.1f} s, max {max(pdf_s):.1f} s")
    print(f"PowerPoint: median {statistics.median(pptx_s):.2f} s, max {max(pptx_s):.2f} s")


if __name__ == "__main__":
    main()
