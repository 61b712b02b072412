"""Benchmarks: `make bench BENCH_ARGS="<name> ..."` or `python -m bench <name> ...` (see README.md)."""
