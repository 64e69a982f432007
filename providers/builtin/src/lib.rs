//! The builtin provider: resources and data sources that need no cloud.
