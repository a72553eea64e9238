"""Benchmarks: every figure is printed beside stock TinyDB and SQLite, measured in the same run."""
