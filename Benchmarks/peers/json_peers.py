#!/usr/bin/env python3
"""Time Python FHIR libraries parsing and emitting FHIR R4 JSON, as peers for the Swift benchmark.

Measured per peer, over every input file held in memory as bytes:
  parse  bytes -> the library's full model object
           fhirkit-rs:     fhirkit.parse(bytes)  (Rust; always validates, problems land in .issues)
           fhir.resources: <class for resourceType>.model_validate_json(bytes)  (pydantic 2; uses the
                           fhir.resources.R4B (4.3.0) classes when present, since 8.x is R5 by default)
  emit   model object -> JSON text (compact): fhirkit Resource.to_json(), fhir.resources model_dump_json()
Baselines: orjson.loads/dumps and json.loads/dumps (plain dicts, no FHIR model).

A file a peer cannot parse is reported and excluded from that peer's timing. One untimed warm-up
pass, then --repeat N timed passes (gc disabled during a pass, like timeit); the MEDIAN pass total is
reported as seconds, MB/s (input bytes / 1e6 / s) and resources/s (parse; a Bundle counts itself plus
its entries' resources). --check also counts files whose emitted JSON differs from the input as
values (object key order and whitespace ignored, numbers compared as written).

Run:  python3 Benchmarks/peers/json_peers.py --dir ../shared/synthea/bundles --json
      python3 Benchmarks/peers/json_peers.py a.json b.json --repeat 3 --check
With --json a single JSON object goes to stdout and the table to stderr. Always exits 0.
"""
import argparse, gc, json, statistics, sys, time
from pathlib import Path

DEFAULT_DIR = "/work/shared/synthea/bundles"


def load_peers():
    """Return {name: (parse, emit, model_note)} or {name: error string} when unavailable."""
    peers = {}
    try:
        import orjson
        peers["orjson"] = (orjson.loads, orjson.dumps, f"dict, orjson {orjson.__version__} (baseline)")
    except ImportError as e:
        peers["orjson"] = f"unavailable: {e}"
    peers["json"] = (json.loads, lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":")),
                     "dict (baseline)")
    try:
        import fhirkit
        peers["fhirkit-rs"] = (fhirkit.parse, lambda r: r.to_json(),
                               f"fhirkit {fhirkit.__version__} FHIR {fhirkit.FHIR_VERSION}")
    except ImportError as e:
        peers["fhirkit-rs"] = f"unavailable: {e}"
    try:
        import fhir.resources
        try:
            from fhir.resources.R4B import get_fhir_model_class, __fhir_version__ as fv
            release = f"R4B {fv}"
        except ImportError:
            from fhir.resources import get_fhir_model_class, __fhir_version__ as fv
            release = f"default {fv}"

        def parse_fr(data: bytes):
            return get_fhir_model_class(RESOURCE_TYPE[id(data)]).model_validate_json(data)
        peers["fhir.resources"] = (parse_fr, lambda m: m.model_dump_json(),
                                   f"fhir.resources {fhir.resources.__version__} {release}")
    except ImportError as e:
        peers["fhir.resources"] = f"unavailable: {e}"
    return peers


# resourceType of each loaded file (keyed by id of its bytes), read once up front so that picking
# the fhir.resources class is not charged to the library.
RESOURCE_TYPE = {}


def count_resources(doc) -> int:
    if doc.get("resourceType") == "Bundle":
        return 1 + sum(1 for e in doc.get("entry", []) if isinstance(e.get("resource"), dict))
    return 1


def as_values(text):
    return json.loads(text, parse_float=str, parse_int=str)


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


def bench(name, parse, emit, files, repeat, check):
    ok, failures = [], []
    for path, data, nres in files:  # warm-up pass, also finds the files this peer cannot parse
        try:
            emit(parse(data))
            ok.append((path, data, nres))
        except Exception as e:
            failures.append({"file": path.name, "error": f"{type(e).__name__}: {' '.join(str(e).split())[:160]}"})
    datas = [d for _, d, _ in ok]
    nbytes, nres = sum(map(len, datas)), sum(n for *_, n in ok)
    parse_s, objs = timed(parse, datas, repeat)
    emit_s, texts = timed(emit, objs, repeat)
    r = {"files": len(ok), "failed": len(failures), "bytes": nbytes, "resources": nres,
         "parse_s": parse_s, "emit_s": emit_s,
         "parse_mb_s": nbytes / 1e6 / parse_s if parse_s else None,
         "emit_mb_s": nbytes / 1e6 / emit_s if emit_s else None,
         "resources_s": nres / parse_s if parse_s else None, "failures": failures}
    if name == "fhirkit-rs":
        r["files_with_issues"] = sum(1 for o in objs if o.issues)
    if check:
        r["roundtrip_diff"] = sum(1 for d, t in zip(datas, texts) if as_values(d) != as_values(t))
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", help="FHIR JSON files")
    ap.add_argument("--dir", action="append", default=[], help="use every *.json in DIR (repeatable)")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes per measurement (default 5)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--check", action="store_true", help="also count files whose emit differs in value")
    ap.add_argument("--only", action="append", help="run only this peer (repeatable)")
    args = ap.parse_args()
    paths = [Path(p) for p in args.paths]
    for d in args.dir or ([] if paths else [DEFAULT_DIR]):
        paths += sorted(Path(d).glob("*.json"))
    files = []
    for p in paths:
        data = p.read_bytes()
        doc = json.loads(data)
        RESOURCE_TYPE[id(data)] = doc.get("resourceType")
        files.append((p, data, count_resources(doc)))
    total = {"files": len(files), "bytes": sum(len(d) for _, d, _ in files),
             "resources": sum(n for *_, n in files), "repeat": args.repeat}
    log = sys.stderr if args.json else sys.stdout
    print(f"{total['files']} files, {total['bytes'] / 1e6:.1f} MB, {total['resources']} resources, "
          f"median of {args.repeat}", file=log)
    results = {}
    for name, peer in load_peers().items():
        if args.only and name not in args.only:
            continue
        if isinstance(peer, str):
            results[name] = {"available": False, "error": peer}
            continue
        parse, emit, model = peer
        print(f"  timing {name} ...", file=sys.stderr, flush=True)
        try:
            results[name] = {"available": True, "model": model,
                             **bench(name, parse, emit, files, args.repeat, args.check)}
        except Exception as e:  # keep going: one broken peer must not sink the report
            results[name] = {"available": False, "error": f"{type(e).__name__}: {e}"}

    head = f"{'peer':<15}{'files':>6}{'fail':>5}{'parse s':>9}{'MB/s':>8}{'emit s':>9}{'MB/s':>8}{'res/s':>10}  model"
    print(head, file=log)
    for name, r in results.items():
        if not r["available"]:
            print(f"{name:<15}  {r['error']}", file=log)
            continue
        print(f"{name:<15}{r['files']:>6}{r['failed']:>5}{r['parse_s']:>9.3f}{r['parse_mb_s']:>8.1f}"
              f"{r['emit_s']:>9.3f}{r['emit_mb_s']:>8.1f}{r['resources_s']:>10.0f}  {r['model']}", file=log)
    for name, r in results.items():
        for f in r.get("failures", []):
            print(f"  {name} failed on {f['file']}: {f['error']}", file=log)
        extra = {k: r[k] for k in ("files_with_issues", "roundtrip_diff") if k in r}
        if extra:
            print(f"  {name}: " + ", ".join(f"{k}={v}" for k, v in extra.items()), file=log)
    if args.json:
        json.dump({"input": total, "peers": results}, sys.stdout, indent=1)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
