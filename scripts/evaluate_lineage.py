#!/usr/bin/env python3
"""Who copied whom, scored: wire stories, blogs lifting a carrier's version, chains of copies.

    python scripts/evaluate_lineage.py [--split dev|heldout] [--seed 1] [--stories 40] [--chains 20]

Plants the benchmark of provenance.wire_benchmark, scans it and prints: carriers never said to be
copied from another carrier, lifts naming their carrier, credited wire families naming their agency,
and copies of copies naming the middle copy (a member listed where the scan says the texts cannot
tell counts), with the scan time.
"""

from __future__ import annotations

import argparse
import time

from tabulate import tabulate

from provenance import scan
from provenance.wire_benchmark import make_wire_benchmark, score_lineage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout"), default="dev")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stories", type=int, default=40)
    parser.add_argument("--chains", type=int, default=20)
    args = parser.parse_args()

    bench = make_wire_benchmark(args.seed, args.split, args.stories, args.chains)
    began = time.perf_counter()
    result = scan(bench.documents)
    seconds = time.perf_counter() - began
    s = score_lineage(result, bench.cases)
    rows = [
        ["carriers never said to be copied from another carrier", s.carriers, f"{s.carriers_not_said_copied:.3f}"],
        ["carriers found with another carrier of their story", s.carriers, f"{s.carriers_found:.3f}"],
        ["lifts naming their carrier (or listing it where the texts cannot tell)", s.lifts, f"{s.lifts_naming_carrier:.3f}"],
        ["lifts naming their carrier by name", s.lifts, f"{s.lifts_naming_carrier_strict:.3f}"],
        ["credited wire families naming the agency", s.wire_families, f"{s.wire_families_naming_agency:.3f}"],
        ["copies of copies naming the middle copy", s.chains, f"{s.chains_right:.3f}"],
    ]
    print(tabulate(rows, headers=[f"{args.split} split, seed {args.seed}", "cases", "share"], disable_numparse=True))
    print(f"\nscan: {len(bench.documents)} articles in {seconds:.2f} s")


if __name__ == "__main__":
    main()
