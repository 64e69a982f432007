//! Route 53 types against moto.
