import IOPMapping

/// The IOP's mapper is the intake's mapper.
extension FHIRInboundMapper: InboundMapping {}
