"""`python -m bench <benchmark> [options]`: one entry point for every benchmark (see bench/README.md).

Each benchmark is a module `bench.<name>` with `add_arguments(parser)` and `main(args) -> int`;
add yours to BENCHMARKS.
"""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = {
    "search": "bench.search",  # public directory search (directory/search/)
    "advice": "bench.advice_casework",  # DCO dashboard page and reads, LA API list (advice/)
    "quality": "bench.search_quality",  # search quality: precision@10 and recall of everyday queries
    "api": "bench.api",  # the open ORUK API's request shapes (directory/api.py)
    "child_search": "bench.child_search",  # finding a child or a case (children/search.py)
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="benchmark", required=True)
    modules = {}
    for name, module_name in BENCHMARKS.items():
        module = importlib.import_module(module_name)
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0]))
    args = parser.parse_args(argv)
    return int(modules[args.benchmark].main(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
