import Testing

/// The small XML reader the official suite is loaded with.
@Suite("MiniXML")
struct MiniXMLTests {
    static func parse(_ text: String) throws -> MiniXMLElement {
        try MiniXML.parse(Array(text.utf8))
    }

    @Test("elements, attributes, text, comments, CDATA and references")
    func reads() throws {
        let root = try Self.parse("""
            <?xml version="1.0" encoding="utf-8" ?>
            <!-- before -->
            <tests name="suite" note='a &amp; b'>
              <!-- <test name="commented out"><expression>1</expression></test> -->
              <group name="g">
                <test name="t1" inputfile="patient-example.xml"><expression>1 &lt; 2 &amp;&#32;&#x41;</expression><output type="boolean">true</output></test>
                <test name="t2"><expression><![CDATA[a < b & c]]></expression></test>
                <empty/>
              </group>
            </tests>
            <!-- after -->
            """)
        #expect(root.name == "tests")
        #expect(root["name"] == "suite")
        #expect(root["note"] == "a & b")
        let group = try #require(root.element("group"))
        let tests = group.elements("test")
        #expect(tests.map { $0["name"] } == ["t1", "t2"])
        #expect(tests[0].element("expression")?.text == "1 < 2 & A")
        #expect(tests[0].element("output")?.text == "true")
        #expect(tests[0].element("output")?["type"] == "boolean")
        #expect(tests[1].element("expression")?.text == "a < b & c")
        #expect(group.element("empty")?.children.isEmpty == true)
        #expect(root.elements("test").isEmpty, "a commented-out test is not an element")
    }

    @Test("line ends in text become LF; in attributes, spaces")
    func lineEnds() throws {
        let root = try Self.parse("<a b=\"x\r\ny\">1\r\n2\r3</a>")
        #expect(root["b"] == "x y")
        #expect(root.text == "1\n2\n3")
    }

    @Test("malformed documents are refused", arguments: [
        "<a><b></a>", "<a>", "<a b=\"1></a>", "<a>&unknown;</a>", "<a/><b/>", "<!DOCTYPE a><a/>", "<a><!-- open</a>",
        "<a b=\"1\" b=\"2\"/>", "",
    ])
    func refuses(_ text: String) {
        #expect(throws: MiniXMLError.self) { try Self.parse(text) }
    }
}
