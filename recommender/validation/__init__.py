"""Validation runs: micro-benchmarks that replay a use case's I/O on a registered target."""
