"""Independent computations on every core: ``parallel_map(fn, items)`` is ``[fn(x) for x in items]``, faster.

The chapters' heaviest cells are often loops over runs that share nothing: autocorrelation times at three lattice
sizes, a machine checked at each of seven temperatures, a network trained from three seeds. Each run draws its
random numbers from its own seed, so the runs can execute at the same time, in any order, and give the same
numbers, bit for bit, as the loop run with BLAS limited to one thread (every run is, serial or not: a BLAS product
split over threads may round differently). On n cores such a cell can take as little as 1/n of the time, when the
runs split evenly; its CPU time does not shrink (it grows: busy cores share caches and memory bandwidth, and on a
virtual machine two vCPUs may share one physical core).

How it runs: on Linux each call ``fn(x)`` is executed in a child process forked from the caller (a Jupyter kernel,
a script), so ``fn`` may be any callable, a lambda or a closure defined in a notebook, and it sees the caller's
variables as they were at the call. Only the results travel back (pickled). A run cannot change the caller's
state: assignments it makes to globals, to arrays it was given or to a random generator it draws from are lost
with its process. So give every run its own seed; a loop whose runs draw one after the other from one shared
generator is not a loop of independent runs, and gives other numbers here. Open files are shared with the caller,
read position included: read an ``np.load``-ed ``.npz`` archive into memory (``dict(archive)``) before the call,
never inside the runs (two processes reading one archive at once read each other's bytes).

The loop runs serially in the caller, with the same results, when there is one usable CPU (:func:`usable_cpus`),
one item, ``workers=1``, inside a run (no nested pools), or where processes are not forked (macOS and Windows
start them afresh: they would re-import everything and cannot run a closure). The environment variable
``PHYSML_WORKERS`` sets the default number of workers, e.g. ``PHYSML_WORKERS=1`` on a shared teaching server.
When a run raises, the runs not yet started are cancelled and the worker processes stopped, and the exception is
raised here (an exception that cannot be pickled arrives as ``BrokenProcessPool``). Call it from one thread at a
time (calls from several threads wait for each other).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from ._validate import check_int

__all__ = ["usable_cpus", "parallel_map", "single_threaded"]

# (fn, items) of the current call, read by the forked children (set before the pool forks them)
_TASK: tuple[Callable[[Any], Any], list] | None = None
_LOCK = threading.Lock()
_CGROUP = Path("/sys/fs/cgroup")


_CONTROLLER = None


def single_threaded():
    """Context manager limiting BLAS and OpenMP to one thread (threadpoolctl; one controller per process, built on
    first use, since building one inspects every loaded library).

    The package's loops alternate small matrix products with numba kernels or tiny fits; OpenBLAS worker threads
    keep spinning after each product and compete with the loop for the cores. On a busy 2-core machine that turned
    a 0.2 ms Gibbs step on 4 000 chains into several ms, and ten logistic-regression fits (m = 40 × 136) took
    0.6–1.0 s of CPU with two threads against 0.02–0.07 s with one. :func:`parallel_map` runs every run under it,
    since a threaded BLAS product can round differently from a single-threaded one.
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1)


def _quota(text_quota: str, text_period: str) -> float | None:
    quota, period = int(text_quota), int(text_period)
    return quota / period if quota > 0 and period > 0 else None


def _cgroup_cpu_limit(root: Path = _CGROUP, membership: str | None = None) -> float | None:
    """CPUs' worth of time this process's cgroup may use (the smallest quota / period along its path), or None.

    ``membership`` is the text of ``/proc/self/cgroup`` (read if None). cgroup v2: ``cpu.max`` ("quota period" or
    "max period") in the process's group and each ancestor; v1: ``cpu.cfs_quota_us`` (−1: none) and
    ``cpu.cfs_period_us`` under the ``cpu`` controller's hierarchy. A Binder or JupyterHub container sees all of
    the host's CPUs in its affinity mask but may run on only one CPU's worth of time.
    """
    if membership is None:
        try:
            membership = Path("/proc/self/cgroup").read_text()
        except OSError:
            membership = ""
    limits = []
    for line in membership.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, group = parts
        if controllers == "":
            base, v2 = root, True
        elif "cpu" in controllers.split(","):
            base, v2 = root / controllers, False
            if not base.is_dir():
                base = root / "cpu"
        else:
            continue
        path = base / group.lstrip("/")
        for folder in (path, *path.parents):
            try:
                if v2:
                    limits.append(_quota(*(folder / "cpu.max").read_text().replace("max", "-1").split()[:2]))
                else:
                    limits.append(_quota((folder / "cpu.cfs_quota_us").read_text(),
                                         (folder / "cpu.cfs_period_us").read_text()))
            except (OSError, ValueError, TypeError):
                pass
            if folder == base:
                break
    limits = [x for x in limits if x is not None]
    return min(limits) if limits else None


def usable_cpus() -> int:
    """Number of CPUs this process can keep busy: its affinity mask (or ``os.cpu_count()``), capped by a
    container's CPU quota (rounded up), at least 1."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    limit = _cgroup_cpu_limit()
    if limit is not None:
        n = min(n, math.ceil(limit))
    return max(n, 1)


def _default_workers() -> int:
    value = os.environ.get("PHYSML_WORKERS", "").strip()
    if not value:
        return usable_cpus()
    try:
        return check_int(int(value), "PHYSML_WORKERS", minimum=1)
    except ValueError:
        raise ValueError(f"the environment variable PHYSML_WORKERS must be a positive integer, got {value!r}") from None


def _child_init() -> None:
    single_threaded()  # entered for the child's whole life: the limit is set, never restored


def _run(i: int):
    fn, items = _TASK
    return fn(items[i])


def parallel_map(fn: Callable[[Any], Any], items: Iterable, *, workers: int | None = None) -> list:
    """``[fn(x) for x in items]``, with the calls spread over ``workers`` forked processes (module docstring).

    Parameters
    ----------
    fn : a callable of one argument; every call must be independent of the others (its own seed, no shared state
        that it modifies). An exception raised by a call is raised here, with its type and message.
    items : the arguments, an iterable (consumed once).
    workers : number of processes, >= 1; default ``PHYSML_WORKERS`` if set, else :func:`usable_cpus`. Never more
        than the number of items.

    Returns
    -------
    The list of results, in the order of ``items`` (each is pickled on its way back from its process, so it must
    be picklable: arrays, numbers, containers of them, fitted estimators).

    >>> parallel_map(lambda k: k * k, range(5))
    [0, 1, 4, 9, 16]
    """
    global _TASK
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    items = list(items)
    workers = _default_workers() if workers is None else check_int(workers, "workers", minimum=1)
    workers = min(workers, len(items))
    if _TASK is not None:  # inside a run: its BLAS is already limited
        return [fn(x) for x in items]
    if workers <= 1 or sys.platform != "linux":
        with single_threaded():
            return [fn(x) for x in items]
    with _LOCK:
        _TASK = (fn, items)
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_child_init)
        try:
            futures = [pool.submit(_run, i) for i in range(len(items))]
            wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in futures if f.done() and not f.cancelled() and f.exception() is not None]
            if failed:  # at once, without waiting for the runs still going
                raise failed[0].exception()
            results = [f.result() for f in futures]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            # stop the runs already started (ProcessPoolExecutor has no public way before Python 3.14's
            # terminate_workers; its _processes map is the one it joins)
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            raise
        else:
            pool.shutdown(wait=True)
            return results
        finally:
            _TASK = None
