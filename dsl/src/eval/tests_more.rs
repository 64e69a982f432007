//! More evaluator tests.
