"""Benchmark scripts; importable so the test suite can reuse their scoring."""
