// The typed models are being generated; this file keeps the target buildable meanwhile.
