//! The provider interface: what a provider offers (schemas) and what the engine may ask of it.
