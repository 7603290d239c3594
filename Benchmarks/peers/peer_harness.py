"""What json_peers.py, xml_peers.py and validate_peers.py share: the options, the timing loop and
the report.

Each script supplies its input files (path, bytes, resource count), its peers
({name: (parse, emit, model_note)} or {name: error}) and a bench(name, parse, emit) that returns
the figures for one peer; run() times them all and prints the table (and, with --json, one JSON
object on stdout that gateway-bench reads). validate_peers.py times validation in the parse slot
(emit None) and labels the column with run(columns=...); the JSON keys stay parse_*.
"""
import argparse, gc, json, statistics, sys, time
from pathlib import Path


def arguments(description, suffix, default_dir):
    """Parse the shared options; returns (args, input paths)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("paths", nargs="*", help=f"FHIR {suffix.upper()} files")
    ap.add_argument("--dir", action="append", default=[], help=f"use every *.{suffix} in DIR (repeatable)")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes per measurement (default 5)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--check", action="store_true", help="also count files whose emit differs in value")
    ap.add_argument("--only", action="append", help="run only this peer (repeatable)")
    args = ap.parse_args()
    paths = [Path(p) for p in args.paths]
    for d in args.dir or ([] if paths else [default_dir]):
        paths += sorted(Path(d).glob(f"*.{suffix}"))
    return args, paths


def timed(fn, items, repeat):
    """Median seconds of `repeat` passes of [fn(x) for x in items]; returns (median, last results)."""
    times, out = [], None
    for _ in range(repeat):
        out = None
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            out = [fn(x) for x in items]
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
    return statistics.median(times), out


def run(args, files, peers, bench, log, columns=("parse", "emit")):
    """Time every available peer with bench(name, parse, emit) and report; always returns 0.

    columns names the two timed operations in the table header."""
    total = {"files": len(files), "bytes": sum(len(d) for _, d, _ in files),
             "resources": sum(n for *_, n in files), "repeat": args.repeat}
    print(f"{total['files']} files, {total['bytes'] / 1e6:.1f} MB, {total['resources']} resources, "
          f"median of {args.repeat}", file=log)
    results = {}
    for name, peer in peers.items():
        if args.only and name not in args.only:
            continue
        if isinstance(peer, str):
            results[name] = {"available": False, "error": peer}
            continue
        parse, emit, model = peer
        print(f"  timing {name} ...", file=sys.stderr, flush=True)
        try:
            results[name] = {"available": True, "model": model, **bench(name, parse, emit)}
        except Exception as e:  # keep going: one broken peer must not sink the report
            results[name] = {"available": False, "error": f"{type(e).__name__}: {e}"}

    def num(v, width, fmt):
        return f"{'-':>{width}}" if v is None else f"{v:>{width}{fmt}}"

    first, second = (f"{c} s" for c in columns)
    print(f"{'peer':<15}{'files':>6}{'fail':>5}{first:>9}{'MB/s':>8}{second:>9}{'MB/s':>8}{'res/s':>10}  model",
          file=log)
    for name, r in results.items():
        if not r["available"]:
            print(f"{name:<15}  {r['error']}", file=log)
            continue
        print(f"{name:<15}{r['files']:>6}{r['failed']:>5}{num(r['parse_s'], 9, '.3f')}"
              f"{num(r['parse_mb_s'], 8, '.1f')}{num(r['emit_s'], 9, '.3f')}{num(r['emit_mb_s'], 8, '.1f')}"
              f"{num(r['resources_s'], 10, '.0f')}  {r['model']}", file=log)
    for name, r in results.items():
        for f in r.get("failures", []):
            print(f"  {name} failed on {f['file']}: {f['error']}", file=log)
        extra = {k: r[k] for k in ("errors", "warnings", "files_with_issues", "roundtrip_diff") if k in r}
        if extra:
            print(f"  {name}: " + ", ".join(f"{k}={v}" for k, v in extra.items()), file=log)
    if args.json:
        json.dump({"input": total, "peers": results}, sys.stdout, indent=1)
        print()
    return 0
