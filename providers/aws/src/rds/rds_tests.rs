//! RDS types against moto.
