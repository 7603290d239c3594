// The domain is being written; this file keeps the target buildable meanwhile.
