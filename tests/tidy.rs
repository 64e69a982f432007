//! Tidy checks (written next).
