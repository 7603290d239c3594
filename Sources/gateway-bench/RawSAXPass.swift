internal import CLibXML2

/// The ceiling for XML reading: libxml2's SAX2 push parser over the same bytes with the same
/// options as `FHIRXMLReader`, and handlers that only count elements.
enum RawSAXPass {
    nonisolated(unsafe) private static var elements = 0  // touched only by the benchmark's single thread

    static func parse(_ bytes: [UInt8]) -> Int {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { _, _, _, _, _, _, _, _, _ in RawSAXPass.elements += 1 }
        handler.endElementNs = { _, _, _, _ in }
        handler.characters = { _, _, _ in }
        handler.serror = { _, _ in }
        elements = 0
        guard let context = xmlCreatePushParserCtxt(&handler, nil, nil, 0, nil) else { return 0 }
        defer { xmlFreeParserCtxt(context) }
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue))
        bytes.withUnsafeBytes { buffer in
            _ = xmlParseChunk(context, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), 1)
        }
        return elements
    }
}
