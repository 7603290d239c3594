"""SMART on FHIR's Python client (fhirclient, from PyPI) searching a running gateway over Synthea
data: it posts the transaction Bundles, then chains, includes, reverse-includes, sorts and pages,
and checks every answer against what synthea_expectations.py works out from the posted JSON. Run
by Tests/GatewayAPITests/ThirdPartyClientTests.swift against a gateway it starts on loopback.

usage: python fhirclient_client.py BASE_URL TOKEN SYNTHEA_BUNDLE.json...

The first bundle's patient is the one searched for. Prints one line of JSON with what it saw;
exits non-zero (with the reason on stderr) when the gateway does not behave as FHIR R4 says.
"""

import json
import sys
import warnings

import requests
from fhirclient import client
from fhirclient.models.bundle import Bundle
from fhirclient.models.encounter import Encounter
from fhirclient.models.fhirsearch import FHIRSearch
from fhirclient.models.observation import Observation
from fhirclient.models.patient import Patient

from synthea_expectations import SYNTHEA_SYSTEM, SyntheaCorpus, check_pages, entries_by_mode


def ids(resources):
    return [resource.id for resource in resources]


def pages_of(search, server):
    """Every page of a search, following the `next` links the way fhirclient does."""
    return list(search.perform_iter(server))


def main():
    base, token, *bundle_paths = sys.argv[1:]
    smart = client.FHIRClient(settings={"app_id": "iop-interop-test", "api_base": base})
    server = smart.server
    # A system client with a bearer token: no SMART launch, so the token rides on every request.
    server.session.headers["Authorization"] = f"Bearer {token}"
    corpus = SyntheaCorpus(bundle_paths, "fhirclient_client")
    check = corpus.check
    seen = {}

    # Each Synthea Bundle read into fhirclient's model and POSTed to the base as a transaction.
    for bundle in corpus.bundles:
        response = Bundle(jsondict=bundle).create(server)
        corpus.record(bundle, response)
    seen["loaded"] = len(corpus.resources)

    patient, synthea_id, family = corpus.searched_patient()
    namesakes = corpus.patients_with_family(family)

    # The call the issue reported as 404: Encounter.where({'patient': id}).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        encounters = Encounter.where({"patient": patient}).perform_resources(server)
    expected_encounters = corpus.of_patients("Encounter", {patient})
    check(sorted(ids(encounters)) == sorted(expected_encounters),
          f"Encounter?patient found {len(encounters)}, expected {len(expected_encounters)}")
    seen["encountersOfPatient"] = len(encounters)

    # Chained: Observation?subject:Patient.family=…, and Encounter?patient.identifier=system|value.
    chained = list(Observation.where({"subject:Patient.family": family, "_count": "100"}).perform_resources_iter(server))
    expected_chained = corpus.of_patients("Observation", namesakes)
    check(sorted(ids(chained)) == sorted(expected_chained),
          f"Observation?subject:Patient.family found {len(chained)}, expected {len(expected_chained)}")
    seen["chainedFamily"] = {"patients": len(namesakes), "observations": len(chained)}
    plain = corpus.accented_family()
    chained = list(Observation.where({"subject:Patient.family": plain, "_count": "100"}).perform_resources_iter(server))
    expected_chained = corpus.of_patients("Observation", corpus.patients_with_family(plain))
    check(expected_chained and sorted(ids(chained)) == sorted(expected_chained),
          f"Observation?subject:Patient.family={plain} found {len(chained)}, expected {len(expected_chained)}")
    seen["chainedUnaccented"] = len(chained)
    by_identifier = list(Encounter.where({"patient.identifier": f"{SYNTHEA_SYSTEM}|{synthea_id}"}).perform_resources_iter(server))
    check(sorted(ids(by_identifier)) == sorted(expected_encounters),
          f"Encounter?patient.identifier found {len(by_identifier)}, expected {len(expected_encounters)}")
    seen["chainedIdentifier"] = len(by_identifier)

    # _include=Encounter:subject, through fhirclient's include().
    search = FHIRSearch(Encounter, {"patient": patient, "_count": "100"}).include("subject")
    page = entries_by_mode(pages_of(search, server)[0].as_json())
    check(sorted(page["match"]) == sorted(f"Encounter/{i}" for i in expected_encounters), "_include changed the matches")
    check(page["include"] == [f"Patient/{patient}"], f"_include=Encounter:subject included {page['include']}")
    seen["include"] = {"match": len(page["match"]), "include": page["include"] == [f"Patient/{patient}"]}

    # _revinclude=Encounter:subject on the patients of that family, through include(reverse=True).
    search = FHIRSearch(Patient, {"family": family}).include("subject", Encounter, reverse=True)
    page = entries_by_mode(pages_of(search, server)[0].as_json())
    check(sorted(page["match"]) == sorted(f"Patient/{i}" for i in namesakes), f"Patient?family matched {page['match']}")
    expected_reverse = corpus.of_patients("Encounter", namesakes)
    check(sorted(page["include"]) == sorted(f"Encounter/{i}" for i in expected_reverse),
          f"_revinclude included {len(page['include'])}, expected {len(expected_reverse)}")
    seen["revinclude"] = {"match": len(page["match"]), "include": len(page["include"])}

    # _sort=-date,_id over several pages: newest first, ties by id, in one order across pages.
    search = Observation.where({"patient": patient, "_sort": "-date,_id", "_count": "50"})
    order = [resource.id for resource in search.perform_resources_iter(server)]
    expected_order = corpus.observations_newest_first(patient)
    check(order == expected_order, f"Observation?_sort=-date,_id came in another order ({len(order)} of {len(expected_order)})")
    seen["sorted"] = len(order)

    # Paging through every page with next links, against _total=accurate.
    expected_observations = corpus.of_patients("Observation", {patient})
    bundles = pages_of(Observation.where({"patient": patient, "_count": "40", "_total": "accurate"}), server)
    seen["paging"] = check_pages(check, [ids(entry.resource for entry in b.entry or []) for b in bundles],
                                 expected_observations, bundles[0].total, "Observation?patient paging")

    # Patient?gender=female: the female patients posted, and no one else.
    females = list(Patient.where({"gender": "female"}).perform_resources_iter(server))
    check(all(p.gender == "female" for p in females), f"gender=female found {[p.gender for p in females]}")
    check(sorted(ids(females)) == sorted(corpus.patients_of_gender("female")),
          f"gender=female found {len(females)}, expected {len(corpus.patients_of_gender('female'))}")
    seen["females"] = len(females)

    # An unknown parameter is a 400 with an OperationOutcome, which fhirclient raises.
    try:
        list(Patient.where({"no-such-parameter": "x"}).perform_resources_iter(server))
        check(False, "an unknown parameter was accepted")
    except requests.exceptions.HTTPError as error:
        outcome = error.response.json()
        check(outcome.get("resourceType") == "OperationOutcome", "the 400 carried no OperationOutcome")
        seen["unknownParameter"] = {"status": error.response.status_code, "code": outcome["issue"][0]["code"]}

    print(json.dumps(seen, sort_keys=True))


if __name__ == "__main__":
    main()
