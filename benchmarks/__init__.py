"""Benchmarks for mockpost: `python -m benchmarks` (see benchmarks/README.md)."""
