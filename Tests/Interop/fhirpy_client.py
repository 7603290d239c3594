"""A third-party FHIR client (fhirpy, from PyPI) driving a running gateway: create, read, search,
and a transaction. Run by Tests/GatewayAPITests/ThirdPartyClientTests.swift against a gateway it
starts on loopback; `.ci/run` makes the virtual environment (requirements.txt beside this file).

usage: python fhirpy_client.py BASE_URL TOKEN REFERRAL_BUNDLE.json

Prints one line of JSON with what it saw; exits non-zero (with the reason on stderr) when the
gateway does not behave as FHIR R4 says.
"""

import json
import sys
import uuid

from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome, ResourceNotFound

MRN_SYSTEM = "http://clinic.example.org/mrn"


def check(condition, message):
    if not condition:
        print(f"fhirpy_client: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    base, token, bundle_path = sys.argv[1:4]
    client = SyncFHIRClient(base, authorization=f"Bearer {token}")
    seen = {}

    # Create: POST /Patient; fhirpy takes the id from the representation returned.
    mrn = f"PY-{uuid.uuid4()}"
    patient = client.resource(
        "Patient",
        identifier=[{"system": MRN_SYSTEM, "value": mrn}],
        name=[{"family": "Interop", "given": ["Python"]}],
        telecom=[{"system": "phone", "value": "+1-555-0142"}],
        gender="other",
        birthDate="1985-04-12",
    )
    patient.save()
    check(patient.id, "create returned no id")
    check(patient["meta"]["versionId"] == "1", f"first version is {patient['meta'].get('versionId')}")
    seen["created"] = f"Patient/{patient.id}"

    # Read: GET /Patient/{id}.
    read = client.reference("Patient", patient.id).to_resource()
    check(read["identifier"][0]["value"] == mrn, "read gave another patient")
    check(read["birthDate"] == "1985-04-12", "read lost birthDate")

    # Search by identifier (token system|value) and by _id.
    found = client.resources("Patient").search(identifier=f"{MRN_SYSTEM}|{mrn}").fetch_all()
    check([p.id for p in found] == [patient.id], f"identifier search found {[p.id for p in found]}")
    by_id = client.resources("Patient").search(_id=patient.id).get()
    check(by_id.id == patient.id, "_id search found another patient")
    # fhirpy's count() adds `_totalMethod=count`, a parameter of another server that R4 does not
    # define, which the gateway refuses (400) unless asked to be lenient (search.html#errors).
    lenient = SyncFHIRClient(base, authorization=f"Bearer {token}", extra_headers={"Prefer": "handling=lenient"})
    seen["count"] = lenient.resources("Patient").search(identifier=f"{MRN_SYSTEM}|{mrn}").count()

    # Update: PUT /Patient/{id} gives version 2.
    read["telecom"] = [{"system": "phone", "value": "+1-555-0143"}]
    read.save()
    check(read["meta"]["versionId"] == "2", f"update gave version {read['meta'].get('versionId')}")

    # A transaction Bundle: POST to the base.
    with open(bundle_path, encoding="utf-8") as handle:
        bundle = json.load(handle)
    response = client.execute("", method="post", data=bundle)
    check(response["resourceType"] == "Bundle" and response["type"] == "transaction-response",
          f"transaction answered {response.get('resourceType')}/{response.get('type')}")
    statuses = [entry["response"]["status"] for entry in response["entry"]]
    check(len(statuses) == len(bundle["entry"]), "transaction-response has another number of entries")
    seen["transaction"] = statuses

    # Search by patient on what the transaction stored, paging through every result.
    location = response["entry"][0]["response"]["location"]
    referred = location.split("/_history")[0].split("/")[-1]
    requests = client.resources("ServiceRequest").search(patient=referred).limit(1).fetch_all()
    check(len(requests) == 1, f"ServiceRequest?patient found {len(requests)}")
    check(requests[0]["subject"]["reference"].endswith(f"Patient/{referred}"), "urn:uuid subject was not rewritten")
    seen["serviceRequests"] = len(requests)

    # Errors come back as OperationOutcomes that fhirpy understands.
    try:
        client.reference("Patient", "no-such-patient").to_resource()
        check(False, "a missing patient was found")
    except ResourceNotFound:
        seen["missing"] = "404"
    try:
        client.resource("Patient", birthDate="not-a-date").save()
        check(False, "an invalid patient was accepted")
    except OperationOutcome as outcome:
        seen["invalid"] = outcome.resource["issue"][0]["code"] if outcome.resource else "no outcome"

    print(json.dumps(seen, sort_keys=True))


if __name__ == "__main__":
    main()
