#!/usr/bin/env python3
"""Time Python FHIR libraries parsing and emitting FHIR R4 XML, as peers for the Swift benchmark.

Sibling of json_peers.py: same options, same table, same --json shape.

Measured per peer, over every input file held in memory as bytes:
  parse  bytes -> the library's full model object
           fhir.resources: <class for root element>.model_validate_xml(bytes)  (pydantic 2 over lxml;
                           uses the fhir.resources.R4B (4.3.0) classes when present, since 8.x is R5
                           by default; needs lxml: `pip install lxml` or `fhir.resources[xml]`)
  emit   model object -> XML bytes: fhir.resources model_dump_xml() (compact, with XML declaration)
Baselines (raw XML, no FHIR model): lxml.etree.fromstring/tostring, xml.etree.ElementTree
fromstring/tostring, and xml.sax.parseString with a no-op ContentHandler (parse only: emit is null).

A file a peer cannot parse is reported and excluded from that peer's timing. One untimed warm-up
pass, then --repeat N timed passes (gc disabled during a pass, like timeit); the MEDIAN pass total is
reported as seconds, MB/s (input bytes / 1e6 / s) and resources/s (parse; a Bundle counts itself plus
its entry/resource children, counted once up front from an ElementTree parse). --check also counts
files whose emitted XML differs from the input as values (namespace prefixes, attribute order,
comments, xsi:* attributes and whitespace runs ignored; element order, attributes and text compared).

Run:  python3 Benchmarks/peers/xml_peers.py --dir ../shared/fhir-r4/examples/xml --json
      python3 Benchmarks/peers/xml_peers.py a.xml b.xml --repeat 3 --check
With --json a single JSON object goes to stdout and the table to stderr. Always exits 0.
"""
import sys
import xml.etree.ElementTree as ET
import xml.sax
from pathlib import Path

import peer_harness
from peer_harness import timed

DEFAULT_DIR = "/work/shared/fhir-r4/examples/xml"
FHIR_NS = "{http://hl7.org/fhir}"
XSI_NS = "{http://www.w3.org/2001/XMLSchema-instance}"


class _NoOpHandler(xml.sax.ContentHandler):
    pass


def _sax_parse(data: bytes):
    xml.sax.parseString(data, _NoOpHandler())


def load_peers():
    """Return {name: (parse, emit or None, model_note)} or {name: error string} when unavailable."""
    peers = {}
    try:
        from lxml import etree
        libxml2 = ".".join(map(str, etree.LIBXML_VERSION))
        peers["lxml"] = (etree.fromstring, lambda r: etree.tostring(r, encoding="utf-8"),
                         f"_Element, lxml {etree.__version__} libxml2 {libxml2} (baseline)")
    except ImportError as e:
        peers["lxml"] = f"unavailable: {e}"
    peers["ElementTree"] = (ET.fromstring, lambda r: ET.tostring(r, encoding="utf-8"),
                            "Element, xml.etree (baseline)")
    peers["xml.sax"] = (_sax_parse, None, "no-op ContentHandler, expat (baseline, parse only)")
    try:
        import fhir.resources
        try:
            from fhir.resources.R4B import get_fhir_model_class, __fhir_version__ as fv
            release = f"R4B {fv}"
        except ImportError:
            from fhir.resources import get_fhir_model_class, __fhir_version__ as fv
            release = f"default {fv}"
        from fhir_core.constraints import HAS_XML_SUPPORT
        if not HAS_XML_SUPPORT:
            raise ImportError("fhir.resources XML support needs lxml (pip install lxml)")

        def parse_fr(data: bytes):
            return get_fhir_model_class(RESOURCE_TYPE[id(data)]).model_validate_xml(data)
        peers["fhir.resources"] = (parse_fr, lambda m: m.model_dump_xml(),
                                   f"fhir.resources {fhir.resources.__version__} {release}")
    except ImportError as e:
        peers["fhir.resources"] = f"unavailable: {e}"
    return peers


# Root element name of each loaded file (keyed by id of its bytes), read once up front so that
# picking the fhir.resources class is not charged to the library.
RESOURCE_TYPE = {}


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def count_resources(root) -> int:
    if root.tag == FHIR_NS + "Bundle":
        return 1 + sum(1 for e in root.findall(FHIR_NS + "entry")
                       for r in e.findall(FHIR_NS + "resource") if len(r))
    return 1


def as_values(data):
    """Namespace-resolved tree as nested tuples; comments, xsi:* and whitespace runs ignored."""
    def norm(s):
        return " ".join(s.split()) if s else ""

    def walk(el):
        attrs = tuple(sorted((k, v) for k, v in el.attrib.items() if not k.startswith(XSI_NS)))
        return (el.tag, attrs, norm(el.text), norm(el.tail), tuple(walk(c) for c in el))
    root = ET.fromstring(data)
    root.tail = None
    return walk(root)


def first_difference(a, b, path=""):
    """Human-readable location of the first difference between two as_values trees."""
    here = f"{path}/{local(a[0])}"
    if a[0] != b[0]:
        return f"{path}: element {local(a[0])} vs {local(b[0])}"
    if a[1] != b[1]:
        return f"{here}: attributes {dict(a[1])} vs {dict(b[1])}"
    if a[2] != b[2] or a[3] != b[3]:
        return f"{here}: text {(a[2] or a[3])[:60]!r} vs {(b[2] or b[3])[:60]!r}"
    for ca, cb in zip(a[4], b[4]):
        if ca != cb:
            return first_difference(ca, cb, here)
    return f"{here}: {len(a[4])} vs {len(b[4])} children"


def bench(name, parse, emit, files, repeat, check, log):
    ok, failures = [], []
    for path, data, nres in files:  # warm-up pass, also finds the files this peer cannot parse
        try:
            obj = parse(data)
            if emit is not None:
                emit(obj)
            ok.append((path, data, nres))
        except Exception as e:
            failures.append({"file": path.name, "error": f"{type(e).__name__}: {' '.join(str(e).split())[:160]}"})
    datas = [d for _, d, _ in ok]
    nbytes, nres = sum(map(len, datas)), sum(n for *_, n in ok)
    parse_s, objs = timed(parse, datas, repeat)
    emit_s, texts = timed(emit, objs, repeat) if emit is not None else (None, None)
    r = {"files": len(ok), "failed": len(failures), "bytes": nbytes, "resources": nres,
         "parse_s": parse_s, "emit_s": emit_s,
         "parse_mb_s": nbytes / 1e6 / parse_s if parse_s else None,
         "emit_mb_s": nbytes / 1e6 / emit_s if emit_s else None,
         "resources_s": nres / parse_s if parse_s else None, "failures": failures}
    if check and texts is not None:
        diffs = 0
        for (path, data, _), text in zip(ok, texts):
            a, b = as_values(data), as_values(text)
            if a != b:
                diffs += 1
                if diffs <= 10:
                    print(f"  {name} round-trip differs in {path.name}: {first_difference(a, b)}", file=log)
        r["roundtrip_diff"] = diffs
    return r


def main():
    args, paths = peer_harness.arguments(__doc__.split("\n")[0], "xml", DEFAULT_DIR)
    log = sys.stderr if args.json else sys.stdout
    files = []
    for p in paths:
        data = p.read_bytes()
        try:
            root = ET.fromstring(data)
        except ET.ParseError as e:  # not well-formed: no peer could time it, so leave it out
            print(f"  skipping {p.name}: not well-formed XML ({e})", file=log)
            continue
        RESOURCE_TYPE[id(data)] = local(root.tag)
        files.append((p, data, count_resources(root)))
        del root
    return peer_harness.run(args, files, load_peers(),
                            lambda name, parse, emit: bench(name, parse, emit, files, args.repeat, args.check, log), log)

if __name__ == "__main__":
    sys.exit(main())
