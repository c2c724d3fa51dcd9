"""``python -m tests.benchmarks [NAME] [--size N]``: one JSON object per benchmark.

Each benchmark module exposes ``run(size: int | None) -> dict`` and measures itself against a
baseline taken in the same run, reporting ratios plus peak memory.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

BENCHMARKS = ["ingest", "resync", "vcard", "duplicates", "identity", "carddav", "google", "gui",
              "import", "households", "csv",
              "phone_search", "blocking"]
#: Benchmarks whose module name differs from their name ("import" is a Python keyword).
MODULES = {"import": "import_e2e", "blocking": "blocking_rules"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("name", nargs="?", choices=BENCHMARKS)
    parser.add_argument("--size", type=int, default=None)
    args = parser.parse_args(argv)
    names = [args.name] if args.name else BENCHMARKS
    for name in names:
        module = importlib.import_module(f"tests.benchmarks.{MODULES.get(name, name)}")
        result = module.run(args.size)
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
