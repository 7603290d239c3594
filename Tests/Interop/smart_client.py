"""SMART Backend Services end to end, as an EHR's integration would do it, with third-party code
only: discovery and the token request with `requests` and PyJWT (RS384), then fhirpy searching
with the token.

usage: smart_client.py FHIR_BASE CLIENT_ID PRIVATE_KEY_PEM KID SCOPE

Prints one JSON object: the token endpoint found, the scope granted, and the ids fhirpy saw.
"""
import json
import sys
import time
import uuid

import jwt
import requests
from fhirpy import SyncFHIRClient


def main() -> None:
    base, client_id, key_path, kid, scope = sys.argv[1:6]
    configuration = requests.get(f"{base}/.well-known/smart-configuration", timeout=30).json()
    token_url = configuration["token_endpoint"]
    with open(key_path, "rb") as key_file:
        key = key_file.read()
    now = int(time.time())
    assertion = jwt.encode(
        {"iss": client_id, "sub": client_id, "aud": token_url, "exp": now + 240, "iat": now, "jti": str(uuid.uuid4())},
        key, algorithm="RS384", headers={"kid": kid, "typ": "JWT"})
    reply = requests.post(token_url, data={
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": scope,
    }, timeout=30)
    reply.raise_for_status()
    token = reply.json()

    client = SyncFHIRClient(base, authorization=f"Bearer {token['access_token']}")
    patients = [patient.id for patient in client.resources("Patient").fetch_all()]
    observations = client.resources("Observation").include("Observation", "subject").fetch_raw()
    matched, included = [], []
    for entry in observations.get("entry", []):
        resource = entry["resource"]
        (included if entry.get("search", {}).get("mode") == "include" else matched).append(resource["id"])
    chained = [o.id for o in client.resources("Observation").search(**{"subject:Patient.family": "Shared"}).fetch_all()]
    print(json.dumps({
        "token_endpoint": token_url, "token_type": token["token_type"], "scope": token["scope"],
        "patients": sorted(patients), "observations": sorted(matched), "included": sorted(included),
        "chained": sorted(chained),
    }))


if __name__ == "__main__":
    main()
