import FHIRCore
import FHIRJSON
import FHIRXML
import HTTPServer

/// `POST [base]/[type]/$validate` and `[base]/[type]/[id]/$validate` (R4 Resource-validate):
/// the resource in the body, or a `Parameters` with `resource` and `profile`; profiles also from
/// the `profile` query parameter. The answer is 200 with the OperationOutcome, valid or not
/// (the operation succeeded; the outcome is its result). Nothing is stored.
extension FHIRAPI {
    func validate(type: String, call: APICall) async throws -> HTTPResponse {
        _ = try call.bodyFormat(limit: configuration.maxRequestBytes)
        var profiles = call.parameters.values("profile")
        let bytes = call.request.body
        let format = InputFormat.detect(bytes)
        let read = format == .xml
            ? FHIRXMLReader(mode: intake.validator.mode, limits: intake.validator.limits).read(bytes)
            : FHIRJSONReader(mode: intake.validator.mode, limits: intake.validator.limits).read(bytes)
        var issues: [Issue]
        if let parameters = read.resource, parameters.resourceType == "Parameters", type != "Parameters" {
            // Positions inside a Parameters document are not the resource's own: none are given.
            var resource: FHIRElement?
            for parameter in parameters.children("parameter") {
                switch parameter.child("name")?.value {
                case "resource": resource = parameter.child("resource")
                case "profile":
                    if let value = (parameter.child("valueUri") ?? parameter.child("valueCanonical"))?.value { profiles.append(value) }
                case "mode":
                    if let mode = parameter.child("valueCode")?.value, mode == "delete" {
                        throw APIError(400, .notSupported, "$validate mode delete is not offered")
                    }
                default: continue
                }
            }
            guard var resource else {
                throw APIError(400, .required, "the Parameters have no resource parameter", expression: "Parameters.parameter")
            }
            resource.name = resource.resourceType ?? "resource"
            issues = read.issues + intake.validator.validator.validate(resource, profiles: profiles)
            if resource.resourceType != type { issues.append(Self.typeMismatch(resource.resourceType)) }
        } else {
            let outcome = intake.validator.validate(bytes, profiles: profiles)
            issues = outcome.issues
            if let resource = outcome.resource, resource.resourceType != type { issues.append(Self.typeMismatch(resource.resourceType)) }
        }
        if !issues.contains(where: \.isError) {
            issues.insert(Issue(.information, .informational, "the resource is valid"), at: 0)
        }
        return call.resource(issues.operationOutcome(), status: 200)
    }

    private static func typeMismatch(_ found: String?) -> Issue {
        Issue(.error, .invalid, "the resource is not of the type the URL names", expression: found)
    }
}
