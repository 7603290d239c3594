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
import json, sys
from pathlib import Path

import peer_harness
from peer_harness import timed

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
    args, paths = peer_harness.arguments(__doc__.split("\n")[0], "json", DEFAULT_DIR)
    log = sys.stderr if args.json else sys.stdout
    files = []
    for p in paths:
        data = p.read_bytes()
        doc = json.loads(data)
        RESOURCE_TYPE[id(data)] = doc.get("resourceType")
        files.append((p, data, count_resources(doc)))
    return peer_harness.run(args, files, load_peers(),
                            lambda name, parse, emit: bench(name, parse, emit, files, args.repeat, args.check), log)

if __name__ == "__main__":
    sys.exit(main())
