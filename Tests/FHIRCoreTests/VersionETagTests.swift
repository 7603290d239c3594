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
