"""fhirpy (from PyPI) searching a running gateway over Synthea data: it posts the transaction
Bundles, then chains, includes, reverse-includes, sorts and pages, and checks every answer against
what synthea_expectations.py works out from the posted JSON. Run by
Tests/GatewayAPITests/ThirdPartyClientTests.swift against a gateway it starts on loopback.

usage: python fhirpy_search.py BASE_URL TOKEN SYNTHEA_BUNDLE.json...

The first bundle's patient is the one searched for. Prints one line of JSON with what it saw;
exits non-zero (with the reason on stderr) when the gateway does not behave as FHIR R4 says.
"""

import json
import sys

from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome

from synthea_expectations import SYNTHEA_SYSTEM, SyntheaCorpus, check_pages, entries_by_mode


def next_link(bundle):
    return next((link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None)


def pages_of(client, searchset):
    """Every page of a search: the first as fhirpy fetches it, then each `next` link as given."""
    bundle = searchset.fetch_raw()
    pages = [bundle]
    while (url := next_link(bundle)) and len(pages) < 100:
        bundle = client.execute(url, method="get")
        pages.append(bundle)
    return pages


def main():
    base, token, *bundle_paths = sys.argv[1:]
    client = SyncFHIRClient(base, authorization=f"Bearer {token}")
    corpus = SyntheaCorpus(bundle_paths, "fhirpy_search")
    check = corpus.check
    seen = {}

    for bundle in corpus.bundles:
        corpus.record(bundle, client.execute("", method="post", data=bundle))
    seen["loaded"] = len(corpus.resources)

    patient, synthea_id, family = corpus.searched_patient()
    namesakes = corpus.patients_with_family(family)
    observations = client.resources("Observation")
    encounters = client.resources("Encounter")
    expected_encounters = corpus.of_patients("Encounter", {patient})

    # Chained, in fhirpy's spelling: subject__Patient__family is subject:Patient.family, and
    # patient__identifier is patient.identifier.
    chained = observations.search(subject__Patient__family=family).limit(100).fetch_all()
    expected_chained = corpus.of_patients("Observation", namesakes)
    check(sorted(o.id for o in chained) == sorted(expected_chained),
          f"Observation?subject:Patient.family found {len(chained)}, expected {len(expected_chained)}")
    seen["chainedFamily"] = {"patients": len(namesakes), "observations": len(chained)}
    plain = corpus.accented_family()
    chained = observations.search(subject__Patient__family=plain).limit(100).fetch_all()
    expected_plain = corpus.of_patients("Observation", corpus.patients_with_family(plain))
    check(expected_plain and sorted(o.id for o in chained) == sorted(expected_plain),
          f"Observation?subject:Patient.family={plain} found {len(chained)}, expected {len(expected_plain)}")
    seen["chainedUnaccented"] = len(chained)
    by_identifier = encounters.search(patient__identifier=f"{SYNTHEA_SYSTEM}|{synthea_id}").fetch_all()
    check(sorted(e.id for e in by_identifier) == sorted(expected_encounters),
          f"Encounter?patient.identifier found {len(by_identifier)}, expected {len(expected_encounters)}")
    seen["chainedIdentifier"] = len(by_identifier)

    # _include=Encounter:subject and _include=Encounter:service-provider.
    search = encounters.search(patient=patient).include("Encounter", "subject").include("Encounter", "service-provider")
    page = entries_by_mode(search.limit(100).fetch_raw())
    check(sorted(page["match"]) == sorted(f"Encounter/{i}" for i in expected_encounters), "_include changed the matches")
    expected_included = {f"Patient/{patient}"} | corpus.service_providers(expected_encounters)
    check(sorted(page["include"]) == sorted(expected_included), f"_include included {page['include']}, expected {expected_included}")
    seen["include"] = {"match": len(page["match"]), "include": len(page["include"])}

    # _revinclude=Encounter:subject and Condition:subject on the patients of that family: every
    # encounter and condition of theirs (fewer than the 100 resources the gateway adds to a page).
    search = client.resources("Patient").search(family=family)
    search = search.revinclude("Encounter", "subject").revinclude("Condition", "subject")
    page = entries_by_mode(search.fetch_raw())
    check(sorted(page["match"]) == sorted(f"Patient/{i}" for i in namesakes), f"Patient?family matched {page['match']}")
    expected_reverse = {f"Encounter/{i}" for i in corpus.of_patients("Encounter", namesakes)}
    expected_reverse |= {f"Condition/{i}" for i in corpus.of_patients("Condition", namesakes)}
    check(sorted(page["include"]) == sorted(expected_reverse),
          f"_revinclude included {len(page['include'])}, expected {len(expected_reverse)}")
    seen["revinclude"] = {"match": len(page["match"]), "include": len(page["include"])}

    # _sort=-date,_id over several pages: newest first, ties by id, in one order across pages.
    order = [o.id for o in observations.search(patient=patient).sort("-date", "_id").limit(30).fetch_all()]
    expected_order = corpus.observations_newest_first(patient)
    check(order == expected_order, f"Observation?_sort=-date,_id came in another order ({len(order)} of {len(expected_order)})")
    seen["sorted"] = len(order)

    # Paging through every page with next links, against _total=accurate.
    expected_observations = corpus.of_patients("Observation", {patient})
    bundles = pages_of(client, observations.search(patient=patient, _total="accurate").limit(40))
    seen["paging"] = check_pages(check, [entries_by_mode(b)["match"] for b in bundles],
                                 {f"Observation/{i}" for i in expected_observations}, bundles[0].get("total"),
                                 "Observation?patient paging")

    # Patient?gender=female: the female patients posted, and no one else.
    females = client.resources("Patient").search(gender="female").fetch_all()
    check(all(p["gender"] == "female" for p in females), f"gender=female found {[p['gender'] for p in females]}")
    check(sorted(p.id for p in females) == sorted(corpus.patients_of_gender("female")),
          f"gender=female found {len(females)}, expected {len(corpus.patients_of_gender('female'))}")
    seen["females"] = len(females)

    # An unknown parameter is a 400 with an OperationOutcome, which fhirpy raises.
    try:
        client.resources("Patient").search(no_such_parameter="x").fetch()
        check(False, "an unknown parameter was accepted")
    except OperationOutcome as outcome:
        check(outcome.resource is not None, "the 400 carried no OperationOutcome")
        seen["unknownParameter"] = outcome.resource["issue"][0]["code"]

    print(json.dumps(seen, sort_keys=True))


if __name__ == "__main__":
    main()
