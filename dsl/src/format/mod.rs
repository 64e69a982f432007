//! The formatter: rewrites a file in the canonical layout, byte-identical to `terraform fmt`.
