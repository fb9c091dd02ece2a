"""Independent computations on every core: ``parallel_map(fn, items)`` is ``[fn(x) for x in items]``, faster.

The chapters' heaviest cells are often loops over runs that share nothing: autocorrelation times at three lattice
sizes, a machine checked at each of seven temperatures, a network trained from three seeds. Each run draws its
random numbers from its own seed, so the runs can execute at the same time, in any order, and give the same
numbers, bit for bit, as the loop. On a 2-core machine such a cell takes a little more than half as long; its CPU
time does not shrink (it grows a little: two busy cores share caches and memory bandwidth).

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
BLAS is limited to one thread in each child: the children already occupy the cores.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ._validate import check_int

__all__ = ["usable_cpus", "parallel_map"]

# (fn, items) of the current call, read by the forked children (set before the pool forks them)
_TASK: tuple[Callable[[Any], Any], list] | None = None
_CGROUP = Path("/sys/fs/cgroup")


def _cgroup_cpu_limit(root: Path = _CGROUP) -> float | None:
    """CPUs' worth of time a container may use (its cgroup quota / period), or None if it sets no quota.

    cgroup v2: ``cpu.max`` holds "quota period" or "max period"; v1: ``cpu/cpu.cfs_quota_us`` (−1: none) and
    ``cpu/cpu.cfs_period_us``. A Binder or JupyterHub container sees all of the host's CPUs in its affinity mask
    but may run on only one CPU's worth of time.
    """
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        return None if quota <= 0 or period <= 0 else quota / period
    except (OSError, ValueError):
        return None


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
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


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
    if workers <= 1 or sys.platform != "linux" or _TASK is not None:  # _TASK is set inside a run
        return [fn(x) for x in items]
    _TASK = (fn, items)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_child_init) as pool:
            return list(pool.map(_run, range(len(items))))
    finally:
        _TASK = None
