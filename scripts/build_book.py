"""Build the book as ``make book`` does: execute every chapter afresh, in parallel, then build the HTML.

    python scripts/build_book.py            # 2 chapters at a time (PHYSML_JOBS or -j to change)
    python scripts/build_book.py -j 1       # one at a time

Step 1 executes each notebook of ``_toc.yml`` with nbclient, ``-j`` kernels at a time (longest chapters first,
by the times of the previous build), reading it exactly as myst-nb reads it, and records every cell's wall and
CPU time (``scripts/profile_chapters.py``'s executor). The executed notebooks go into a jupyter-cache that is
emptied first, ``_build/.jupyter_cache``, and the times into ``_build/exec_times.json``.

Step 2 runs Jupyter Book 1 (``jupyter-book build . --all -W -n --keep-going``, the same Sphinx call) with
``execute_notebooks: cache`` pointed at that fresh cache, so myst-nb takes every chapter's outputs from step 1
and executes none a second time. ``_config.yml`` keeps ``execute_notebooks: force`` for a plain
``jupyter-book build .``, which executes the chapters one after the other.

Nothing stale can be used: the cache is wiped and refilled by every run, so an edit to ``physml_utils`` is
always seen (the reason GUIDE.md forbids a persistent cache). A chapter that fails in step 1 is not cached;
the script reports its traceback and stops before step 2.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from profile_chapters import execute_timed, toc_notebooks  # noqa: E402

BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
TIMES = BUILD / "exec_times.json"


def _myst_reader():
    """A function text -> notebook that reads MyST notebooks as myst-nb does with this book's _config.yml."""
    from functools import partial

    import yaml
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    extensions = config.get("parse", {}).get("myst_enable_extensions", [])
    return partial(read_myst_markdown_notebook, config=MdParserConfig(enable_extensions=set(extensions)),
                   add_source_map=True)


def _execute(doc: str, env: dict) -> tuple[str, object, dict]:
    path = ROOT / f"{doc}.md"
    nb = _myst_reader()(path.read_text(), path=path)
    nb, record = execute_timed(nb, path, env=env)
    return doc, nb, record


def _order(docs: list[str]) -> list[str]:
    """Longest first (by the last recorded wall time, else by source size), so two kernels finish together."""
    previous = {}
    if TIMES.exists():
        try:
            previous = {d: c["wall_s"] for d, c in json.loads(TIMES.read_text())["chapters"].items()}
        except (ValueError, KeyError):
            previous = {}
    return sorted(docs, key=lambda d: -previous.get(d, (ROOT / f"{d}.md").stat().st_size / 1000.0))


def numba_cache_state() -> str:
    """'warm' if physml_utils' numba cache holds compiled kernels, else 'cold'."""
    cache_dir = os.environ.get("NUMBA_CACHE_DIR")
    where = Path(cache_dir) if cache_dir else ROOT / "physml_utils" / "__pycache__"
    return "warm" if any(where.rglob("*.nbi")) else "cold"


def execute_book(jobs: int, only: list[str] | None = None) -> dict:
    """Step 1: execute every notebook (or those of ``only``) into a fresh jupyter-cache; return the times record."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    docs = _order([d for d in toc_notebooks() if not only or Path(d).name in only])
    env = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if jobs > 1:  # two kernels on two cores: BLAS threads would only compete with the other kernel
        env.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
        # and so would parallel_map's workers: with them, a clean make test's chapter kernels took 214 s of CPU
        # and the build 154 s, against 202 s and 145 s with one worker per kernel (one run each, December 2026);
        # the numbers are the same either way (physml_utils.parallel), PHYSML_WORKERS set by the caller wins
        from physml_utils.parallel import usable_cpus

        env["PHYSML_WORKERS"] = os.environ.get("PHYSML_WORKERS") or str(max(1, usable_cpus() // jobs))
    shutil.rmtree(CACHE, ignore_errors=True)
    cache = get_cache(str(CACHE))
    numba_state = numba_cache_state()
    start = time.perf_counter()
    chapters, failed = {}, []
    # a fresh process per chapter (spawned, like a fresh kernel client per notebook in myst-nb); results are
    # taken as they come. A chapter that fails (an error in a cell, or a kernel that died or stopped answering
    # within the per-cell timeout) is executed once more, alone, before it counts as failed.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max(1, jobs), mp_context=context, max_tasks_per_child=1) as pool:
        futures = {pool.submit(_execute, doc, env): doc for doc in docs}
        results = []
        for fut in as_completed(futures):
            doc, nb, record = fut.result()
            if record["error"]:
                print(f"{doc} failed ({record['error'].splitlines()[0][:200]}); executing it again", flush=True)
                with context.Pool(1) as retry:
                    doc, nb, record = retry.apply(_execute, (doc, env))
            results.append((doc, nb, record))
        for doc, nb, record in results:
            chapters[doc] = record
            status = "FAILED" if record["error"] else "ok"
            print(f"executed {doc}: {record['wall_s']:.1f} s wall, {record['cpu_s']:.1f} s CPU [{status}]", flush=True)
            if record["error"]:
                failed.append(doc)
                continue
            # jupyter-cache matches a notebook by the hash of its code cells *with their metadata*: drop what the
            # execution added (nbclient's timestamps, our timings), or myst-nb would not recognise the chapter
            for cell in nb.cells:
                cell.metadata.pop("execution", None)
                cell.metadata.pop("physml_timing", None)
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, str(ROOT / f"{doc}.md"), data={"execution_seconds": record["wall_s"]}),
                check_validity=False, overwrite=True)
            source = ROOT / f"{doc}.md"
            try:  # exactly what myst-nb will look up: the source read as it reads it
                cache.match_cache_notebook(_myst_reader()(source.read_text(), path=source))
            except KeyError:
                raise SystemExit(f"{doc}: its executed notebook does not match its source in the cache") from None
    times = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "jobs": jobs,
        "cpus": os.cpu_count(),
        "numba_cache": numba_state,
        "wall_s": time.perf_counter() - start,
        "load_avg": os.getloadavg(),
        "chapters": chapters,
    }
    BUILD.mkdir(exist_ok=True)
    TIMES.write_text(json.dumps(times, indent=1))
    for doc in failed:
        print(f"\n{doc} failed:\n{chapters[doc]['error']}", file=sys.stderr)
    if failed:
        raise SystemExit(f"{len(failed)} chapter(s) failed to execute: {', '.join(failed)}")
    return times


def build_html() -> int:
    """Step 2: jupyter-book build . --all -W -n --keep-going, taking the outputs from the fresh cache."""
    from jupyter_book.sphinx import build_sphinx

    overrides = {
        "external_toc_path": (ROOT / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "nitpicky": True,
        "nb_execution_mode": "cache",
        "nb_execution_cache_path": str(CACHE),
        "physml_exec_times": str(TIMES),
    }
    result = build_sphinx(ROOT, BUILD / "html", use_external_toc=True, noconfig=True,
                          path_config=str(ROOT / "_config.yml"), confoverrides=overrides, builder="html",
                          warningiserror=True, keep_going=True, freshenv=True)
    return 0 if result == 0 else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("PHYSML_JOBS", "2")),
                    help="chapters executed at the same time (default: $PHYSML_JOBS or 2)")
    ap.add_argument("--execute-only", action="store_true", help="step 1 only")
    ap.add_argument("only", nargs="*", help="with --execute-only: just these chapter stems")
    args = ap.parse_args(argv)
    if args.only and not args.execute_only:
        ap.error("naming chapters needs --execute-only (the HTML build needs every chapter)")
    t0 = time.perf_counter()
    times = execute_book(args.jobs, args.only)
    cpu = sum(c["cpu_s"] for c in times["chapters"].values())
    print(f"executed {len(times['chapters'])} notebooks in {times['wall_s']:.1f} s wall ({cpu:.1f} s CPU), "
          f"{args.jobs} at a time, numba cache {times['numba_cache']}", flush=True)
    if args.execute_only:
        return 0
    code = build_html()
    print(f"book built in {time.perf_counter() - t0:.1f} s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
