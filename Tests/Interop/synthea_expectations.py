"""What the searches of the third-party client scripts should find, worked out from the Synthea
transaction Bundles they posted, never from what the gateway answers to a search.

The gateway gives every POSTed entry a new id; `SyntheaCorpus.record` takes those ids from the
transaction-response (entry i answers entry i, FHIR R4 http.html#transaction) and maps each
bundle's `urn:uuid:` fullUrls to them. Everything else here reads the JSON as posted.
"""

import json
import sys
import unicodedata
from datetime import datetime, timezone

SYNTHEA_SYSTEM = "https://github.com/synthetichealth/synthea"


def checker(script):
    """A `check(condition, message)` that stops `script` with the reason on stderr when the
    gateway did not behave as R4 says."""
    def check(condition, message):
        if not condition:
            print(f"{script}: {message}", file=sys.stderr)
            sys.exit(1)
    return check


def unaccented(text):
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folded(text):
    """R4 search.html#string: matching ignores case and accents (combining marks)."""
    return unaccented(text).casefold()


def instant(date_time):
    """A dateTime with seconds and an offset (as Synthea writes them) as a UTC instant."""
    return datetime.fromisoformat(date_time).astimezone(timezone.utc)


class SyntheaCorpus:
    """The resources of the posted Bundles, each with the id the gateway gave it."""

    def __init__(self, paths, script):
        self.check = checker(script)
        self.bundles = []
        for path in paths:
            with open(path, encoding="utf-8") as handle:
                self.bundles.append(json.load(handle))
        self.ids = {}          # urn:uuid fullUrl -> "Type/id" on the gateway
        self.resources = []    # (type, id, resource JSON as posted)

    def record(self, bundle, response):
        """Takes the ids from a transaction-response to `bundle`."""
        check = self.check
        entries = response.get("entry", [])
        check(response.get("type") == "transaction-response", f"answered a {response.get('type')}")
        check(len(entries) == len(bundle["entry"]), "transaction-response has another number of entries")
        for posted, answered in zip(bundle["entry"], entries):
            status = answered["response"]["status"]
            check(status.startswith("201"), f"a Synthea {posted['resource']['resourceType']} answered {status}")
            location = answered["response"]["location"].split("/_history")[0]
            type_name, ident = location.split("/")[-2:]
            check(type_name == posted["resource"]["resourceType"], f"location {location} is of another type")
            self.ids[posted["fullUrl"]] = f"{type_name}/{ident}"
            self.resources.append((type_name, ident, posted["resource"]))

    def target(self, reference):
        """The "Type/id" a reference of the posted JSON now names on the gateway."""
        value = (reference or {}).get("reference", "")
        return self.ids.get(value, value)

    def of_type(self, type_name):
        return [(ident, resource) for kind, ident, resource in self.resources if kind == type_name]

    def searched_patient(self):
        """The first bundle's Patient, whom the scripts search for: (gateway id, Synthea's
        identifier value, family name)."""
        for kind, ident, resource in self.resources:
            if kind == "Patient":
                synthea_id = next(i["value"] for i in resource["identifier"] if i.get("system") == SYNTHEA_SYSTEM)
                return ident, synthea_id, resource["name"][0]["family"]
        self.check(False, "no Patient was posted")

    def patients_with_family(self, prefix):
        """R4 string search: any name's family starts with `prefix`, ignoring case and accents."""
        wanted = folded(prefix)
        return {ident for ident, resource in self.of_type("Patient")
                if any(folded(name.get("family", "")).startswith(wanted) for name in resource.get("name", []))}

    def accented_family(self):
        """A family name with an accent (Synthea's Mejía), written without it, for a search that
        must still find it; None when no posted patient has one."""
        for _, resource in self.of_type("Patient"):
            for name in resource.get("name", []):
                if name.get("family") and unaccented(name["family"]) != name["family"]:
                    return unaccented(name["family"])
        return None

    def patients_of_gender(self, gender):
        return {ident for ident, resource in self.of_type("Patient") if resource.get("gender") == gender}

    def of_patients(self, type_name, patient_ids):
        """The resources of a type whose `subject` is one of the patients."""
        wanted = {f"Patient/{ident}" for ident in patient_ids}
        return {ident for ident, resource in self.of_type(type_name) if self.target(resource.get("subject")) in wanted}

    def service_providers(self, encounter_ids):
        """The Organizations `Encounter:service-provider` includes for these encounters."""
        found = set()
        for ident, resource in self.of_type("Encounter"):
            if ident in encounter_ids and resource.get("serviceProvider"):
                found.add(self.target(resource["serviceProvider"]))
        return found

    def observations_newest_first(self, patient_id):
        """`Observation?patient=…&_sort=-date,_id`: effective[x] descending, then id ascending."""
        rows = [(instant(resource["effectiveDateTime"]), ident)
                for ident, resource in self.of_type("Observation")
                if self.target(resource.get("subject")) == f"Patient/{patient_id}"]
        rows.sort(key=lambda row: row[1])
        rows.sort(key=lambda row: row[0], reverse=True)
        return [ident for _, ident in rows]


def entries_by_mode(bundle):
    """A searchset's entries as {"match": [...], "include": [...]} of "Type/id"."""
    found = {"match": [], "include": [], "outcome": []}
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        found[entry.get("search", {}).get("mode", "match")].append(f"{resource['resourceType']}/{resource['id']}")
    return found


def check_pages(check, pages, expected, total, what):
    """Paging with `next` links: every expected id once, none repeated, none skipped, and the
    `total` (asked for with `_total=accurate`) the number there are."""
    check(total == len(expected), f"{what}: total {total}, expected {len(expected)}")
    seen = [ident for page in pages for ident in page]
    repeated = len(seen) - len(set(seen))
    check(repeated == 0, f"{what}: {repeated} repeated across pages")
    check(set(seen) == set(expected), f"{what}: {len(set(expected) - set(seen))} skipped, "
          f"{len(set(seen) - set(expected))} unexpected")
    check(len(pages) > 1, f"{what}: only {len(pages)} page")
    return {"pages": len(pages), "resources": len(seen), "total": total}
