internal import CLibXML2
import FHIRCore

/// libxml2's side of locating: a SAX2 push parser over one chunk, with the reader's safe
/// options (`SAXDriver.options`), a DOCTYPE refused as soon as it starts, and a per-context
/// error handler so nothing reaches stderr. The context is confined to this one synchronous call.
enum XMLLocatorDriver {
    /// `xmlInitParser` once per process (it is idempotent; `SAXDriver` keeps its own flag private).
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    static func parse(_ bytes: UnsafeRawBufferPointer, into walk: UnsafeMutablePointer<XMLLocatorWalk>) {
        _ = initialised
        var handler = makeHandler()
        guard let context = xmlCreatePushParserCtxt(&handler, UnsafeMutableRawPointer(walk), nil, 0, nil) else {
            walk.pointee.fail()
            return
        }
        defer { xmlFreeParserCtxt(context) }
        xmlCtxtUseOptions(context, SAXDriver.options)
        walk.pointee.parser = UnsafeMutableRawPointer(context)
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        let status = xmlParseChunk(context, base, Int32(bytes.count), 1)
        walk.pointee.parser = nil
        if status != 0 || context.pointee.wellFormed == 0 { walk.pointee.fail() }
    }

    private static func walk(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<XMLLocatorWalk> {
        context!.assumingMemoryBound(to: XMLLocatorWalk.self)
    }

    private static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startDocument = { context in
            let walk = XMLLocatorDriver.walk(context)
            let parser = walk.pointee.parser?.assumingMemoryBound(to: xmlParserCtxt.self)
            // xmlByteConsumed converts the whole input again when an encoder is in use.
            let encoderInUse = parser?.pointee.input?.pointee.buf?.pointee.encoder != nil
            walk.pointee.documentStarted(encoderInUse: encoderInUse)
        }
        handler.startElementNs = { context, localName, _, _, _, _, attributeCount, _, attributes in
            XMLLocatorDriver.walk(context).pointee.startElement(
                localName: localName, attributes: AttributeList(raw: attributes, count: Int(attributeCount)))
        }
        handler.endElementNs = { context, _, _, _ in
            XMLLocatorDriver.walk(context).pointee.endElement()
        }
        // A DOCTYPE is how entities and external DTDs get in: refuse it as soon as it starts.
        handler.internalSubset = { context, _, _, _ in XMLLocatorDriver.walk(context).pointee.fail() }
        handler.externalSubset = { context, _, _, _ in XMLLocatorDriver.walk(context).pointee.fail() }
        handler.entityDecl = { context, _, _, _, _, _ in XMLLocatorDriver.walk(context).pointee.fail() }
        handler.getEntity = { _, _ in nil }
        handler.getParameterEntity = { _, _ in nil }
        handler.serror = { context, error in
            guard let context, let error else { return }
            if error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue { XMLLocatorDriver.walk(context).pointee.fail() }
        }
        return handler
    }
}
