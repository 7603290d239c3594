import FHIRCore
import Testing

@Suite("Version ETags")
struct VersionETagTests {
    @Test("W/\"3\", \"3\" and 3 all name version 3; decoration alone names nothing")
    func forms() {
        #expect(VersionETag.version(#"W/"3""#) == 3)
        #expect(VersionETag.version(#" "3" "#) == 3)
        #expect(VersionETag.version("3") == 3)
        #expect(VersionETag.versionID(#"W/"abc""#) == "abc")
        #expect(VersionETag.version(#"W/"abc""#) == nil)
        #expect(VersionETag.versionID(#"W/"""#) == nil)
        #expect(VersionETag.versionID("") == nil)
    }
}

@Suite("Resource addresses")
struct ResourceAddressTests {
    @Test("relative, absolute and versioned references give their type, id and version")
    func forms() {
        #expect(ResourceAddress("Patient/123")?.relative == "Patient/123")
        let absolute = ResourceAddress("https://host/fhir/Patient/123/_history/2")
        #expect(absolute?.type == "Patient" && absolute?.id == "123" && absolute?.version == "2")
        #expect(absolute?.relative == "Patient/123/_history/2")
        #expect(ResourceAddress("123") == nil)
    }
}
