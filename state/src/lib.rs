//! terrane's state store: what terrane manages, per workspace, with history and locking.
