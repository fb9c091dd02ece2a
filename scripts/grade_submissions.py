"""Grade a folder of submitted notebooks with otter, without Docker, and write the scores as CSV.

``otter grade`` runs every submission in a Docker container; on a machine without Docker (a laptop, this
project's CI) ``otter run`` grades one notebook in the current Python environment. This script runs it on
every submission (two at a time), keeps each ``results.json`` and writes one CSV row per submission:
the file name, the score of each autograded question, the total and the maximum.

Usage::

    python scripts/grade_submissions.py _build/assignments/rbm/autograder/rbm-autograder_*.zip \\
        submissions/rbm/*.ipynb --out grades/rbm --csv grades/rbm.csv

Manually graded questions are not in the CSV: read them in the notebooks (they are marked "Manually graded").
"""

from __future__ import annotations

import argparse
import csv
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_assignments import grade  # noqa: E402


def scores_table(results: dict[str, dict]) -> tuple[list[str], list[list]]:
    """Header and rows of the CSV from {submission name: grade() result}."""
    questions: list[str] = []
    for r in results.values():
        for name in r["scores"]:
            if name not in questions:
                questions.append(name)
    header = ["submission", *questions, "total", "max"]
    rows = []
    for submission, r in sorted(results.items()):
        scores = [r["scores"].get(q, (0.0, 0.0)) for q in questions]
        rows.append([submission, *(s for s, _ in scores), sum(s for s, _ in scores), sum(m for _, m in scores)])
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _one(autograder: Path, out: Path, path: Path) -> tuple[str, dict]:
    return path.stem, grade(autograder, path, out / path.stem)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("autograder", type=Path, help="the autograder zip written by otter assign")
    parser.add_argument("submissions", type=Path, nargs="+", help="submitted .ipynb files")
    parser.add_argument("--out", type=Path, default=Path("graded"), help="folder for each results.json")
    parser.add_argument("--csv", type=Path, default=None, help="CSV file (default: OUT/grades.csv)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    names = [p.stem for p in args.submissions]
    if len(set(names)) != len(names):
        parser.error("two submissions share a file name; rename them (the name identifies the student)")

    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:  # otter's runner changes directory
        results = dict(pool.map(partial(_one, args.autograder, args.out), args.submissions))
    header, rows = scores_table(results)
    target = args.csv or args.out / "grades.csv"
    write_csv(target, header, rows)
    print(f"graded {len(rows)} submissions; scores in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
