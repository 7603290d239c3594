// The FHIRPath engine is being written; this file keeps the target buildable meanwhile.
