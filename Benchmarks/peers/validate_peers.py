#!/usr/bin/env python3
"""Time Python FHIR libraries validating FHIR R4 JSON, as peers for `gateway-bench validate`.

Sibling of json_peers.py: same options, same table, same --json shape. In the JSON the timed
operation (bytes -> list of problems) is reported under the `parse_*` keys that gateway-bench
reads, because for every peer here validating means parsing: no peer validates a tree read
beforehand. Its only honest match on our side is parse+validate, not validate alone.

Measured per peer, over every input file held in memory as bytes:
  fhirkit-rs:     fhirkit.validate(bytes) -> [Issue]  (Rust; reads the JSON into its typed R4 model
                  and reports every problem with its path; `fhirkit.parse(bytes).issues` runs the
                  same checks and times the same on Synthea). It checks: JSON shape per element
                  (object/array/primitive kinds), unknown elements, required elements (min
                  cardinality), single vs array (max 1), one type per choice[x], primitive formats
                  (date, dateTime, uri, code, decimal..., empty strings, nulls). It does NOT check,
                  as of 0.1.0 (the probe below says so at run time): invariants (no FHIRPath at
                  all: ele-1, ext-1, obs-6, per-1, bdl-7...), bindings or any terminology (not even
                  required code sets such as Observation.status), reference target types, Bundle
                  rules, narrative XHTML. Issue severities are "error" and "warning".
  fhir.resources: <class for resourceType>.model_validate_json(bytes)  (pydantic 2 over the
                  fhir.resources.R4B (4.3.0) classes when present, since 8.x is R5 by default):
                  JSON types, unknown fields, required fields, primitive regexes; a failure raises
                  pydantic.ValidationError, whose .errors() are counted as errors; no warnings,
                  no invariants, no terminology. R4B, not R4: a few R4 elements differ.

A file a peer cannot read at all (not JSON, not a resource) is reported and excluded from that
peer's timing. One untimed warm-up pass, then --repeat N timed passes (gc disabled during a pass,
like timeit); the MEDIAN pass total is reported as seconds, MB/s (input bytes / 1e6 / s) and
resources/s (a Bundle counts itself plus its entries' resources, the rule of json_peers.py),
with the errors and warnings each peer found over the corpus (counted outside the timing).

Run:  python3 Benchmarks/peers/validate_peers.py --dir ../shared/synthea/bundles --json
      python3 Benchmarks/peers/validate_peers.py a.json b.json --repeat 3 --only fhirkit-rs
With --json a single JSON object goes to stdout and the table to stderr. Always exits 0.
"""
import json, sys

import peer_harness
from peer_harness import timed
from json_peers import count_resources

DEFAULT_DIR = "/work/shared/synthea/bundles"

# One fault each, for the coverage probe: (what is broken, resource).
PROBES = [
    ("unknown element", {"resourceType": "Patient", "foo": 1}),
    ("primitive format", {"resourceType": "Patient", "birthDate": "1974-13-45"}),
    ("required element", {"resourceType": "Bundle"}),
    ("invariant obs-6", {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
                         "valueString": "a", "dataAbsentReason": {"text": "y"}}),
    ("invariant per-1", {"resourceType": "Patient", "name": [{"family": "a", "period": {
        "start": "2020-01-01", "end": "2019-01-01"}}]}),
    ("required binding", {"resourceType": "Observation", "status": "bogus", "code": {"text": "x"}}),
    ("reference target", {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
                          "subject": {"reference": "Medication/1"}}),
    ("bundle bdl-7", {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient"}},
        {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient"}}]}),
]


def probe(validate):
    """{check: whether validate(doc) reports anything} over PROBES."""
    return {what: bool(validate(json.dumps(doc).encode())) for what, doc in PROBES}


def load_peers():
    """Return {name: (validate, None, model_note)} or {name: error string} when unavailable."""
    peers = {}
    try:
        import fhirkit
        peers["fhirkit-rs"] = (fhirkit.validate, None,
                               f"fhirkit {fhirkit.__version__} FHIR {fhirkit.FHIR_VERSION}, validate(bytes)")
    except ImportError as e:
        peers["fhirkit-rs"] = f"unavailable: {e}"
    try:
        import fhir.resources
        import pydantic
        try:
            from fhir.resources.R4B import get_fhir_model_class, __fhir_version__ as fv
            release = f"R4B {fv}"
        except ImportError:
            from fhir.resources import get_fhir_model_class, __fhir_version__ as fv
            release = f"default {fv}"

        def validate_fr(data: bytes):
            try:
                get_fhir_model_class(RESOURCE_TYPE[id(data)]).model_validate_json(data)
                return []
            except pydantic.ValidationError as e:
                return e.errors()
        peers["fhir.resources"] = (validate_fr, None,
                                   f"fhir.resources {fhir.resources.__version__} {release}, pydantic on parse")
    except ImportError as e:
        peers["fhir.resources"] = f"unavailable: {e}"
    return peers


# resourceType of each loaded file (keyed by id of its bytes), read once up front so that picking
# the fhir.resources class is not charged to the library.
RESOURCE_TYPE = {}


def severity(issue):
    return getattr(issue, "severity", "error")  # pydantic error dicts are all errors


def bench(validate, files, repeat):
    ok, failures = [], []
    for path, data, nres in files:  # warm-up pass, also finds the files this peer cannot read
        try:
            validate(data)
            ok.append((path, data, nres))
        except Exception as e:
            failures.append({"file": path.name, "error": f"{type(e).__name__}: {' '.join(str(e).split())[:160]}"})
    datas = [d for _, d, _ in ok]
    nbytes, nres = sum(map(len, datas)), sum(n for *_, n in ok)
    seconds, found = timed(validate, datas, repeat)
    issues = [i for per_file in found for i in per_file]
    return {"files": len(ok), "failed": len(failures), "bytes": nbytes, "resources": nres,
            "parse_s": seconds, "emit_s": None,
            "parse_mb_s": nbytes / 1e6 / seconds if seconds else None, "emit_mb_s": None,
            "resources_s": nres / seconds if seconds else None, "failures": failures,
            "errors": sum(1 for i in issues if severity(i) in ("error", "fatal")),
            "warnings": sum(1 for i in issues if severity(i) == "warning"),
            "files_with_issues": sum(1 for per_file in found if per_file)}


def main():
    args, paths = peer_harness.arguments(__doc__.split("\n")[0], "json", DEFAULT_DIR)
    log = sys.stderr if args.json else sys.stdout
    files = []
    for p in paths:
        data = p.read_bytes()
        doc = json.loads(data)
        RESOURCE_TYPE[id(data)] = doc.get("resourceType")
        files.append((p, data, count_resources(doc)))
    peers = load_peers()
    if not isinstance(peers.get("fhirkit-rs"), str) and not (args.only and "fhirkit-rs" not in args.only):
        checks = probe(peers["fhirkit-rs"][0])
        print("fhirkit-rs coverage probe (one fault each): reports "
              + ", ".join(k for k, v in checks.items() if v) + "; does NOT report "
              + (", ".join(k for k, v in checks.items() if not v) or "-"), file=log)
    return peer_harness.run(args, files, peers, lambda name, validate, _: bench(validate, files, args.repeat), log,
                            columns=("valid", "emit"))

if __name__ == "__main__":
    sys.exit(main())
