"""parallel_map: the results of the serial loop, in order, from forked processes; errors and limits."""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pytest

from physml_utils import ising, parallel
from physml_utils.parallel import parallel_map, usable_cpus

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="processes are forked on Linux only")


def test_results_are_the_loops_bit_for_bit_and_in_order():
    # seeded runs of a numba sampler of different lengths, so that they finish out of order
    jobs = [(16, 40, 3), (8, 400, 1), (12, 100, 2), (8, 10, 4)]
    run = lambda job: ising.sample(job[0], 0.44, job[1], seed=job[2])  # noqa: E731
    serial = [run(j) for j in jobs]
    got = parallel_map(run, jobs, workers=2)
    assert len(got) == len(jobs)
    for a, b in zip(serial, got):
        assert a.dtype == b.dtype and np.array_equal(a, b)


@linux_only
def test_runs_execute_in_other_processes_and_see_the_callers_variables():
    local = {"offset": 1000}  # a closure over a local, which pickle could not send to a spawned process
    pids = parallel_map(lambda k: (os.getpid(), local["offset"] + k), range(4), workers=2)
    assert [v for _, v in pids] == [1000, 1001, 1002, 1003]
    assert os.getpid() not in {p for p, _ in pids}
    assert 1 <= len({p for p, _ in pids}) <= 2  # a fast worker may take every item


def test_serial_in_the_caller_when_one_worker_or_one_item():
    assert parallel_map(lambda k: os.getpid(), range(3), workers=1) == [os.getpid()] * 3
    assert parallel_map(lambda k: os.getpid(), [0], workers=2) == [os.getpid()]
    assert parallel_map(lambda k: k, [], workers=2) == []


@linux_only
def test_a_run_cannot_change_the_callers_state():
    a = np.zeros(3)

    def touch(i):
        a[i] = 1.0
        return i

    assert parallel_map(touch, range(3), workers=2) == [0, 1, 2]
    assert np.all(a == 0.0)  # the children's writes are lost (module docstring)


@linux_only
def test_no_nested_pools():
    runs = parallel_map(lambda k: (os.getpid(), parallel_map(lambda j: os.getpid(), range(2), workers=2)), range(2),
                        workers=2)
    for pid, inner in runs:  # each run's inner loop ran serially, in that run's own process
        assert inner == [pid, pid]


def test_an_exception_in_a_run_is_raised_with_its_type_and_message():
    def fail(k):
        if k == 2:
            raise ValueError(f"bad item {k}")
        return k

    with pytest.raises(ValueError, match="bad item 2"):
        parallel_map(fail, range(4), workers=2)
    assert parallel._TASK is None  # and the next call starts clean
    assert parallel_map(lambda k: k + 1, range(3), workers=2) == [1, 2, 3]


@linux_only
def test_a_failed_run_stops_the_others():
    def slow_or_fail(k):
        if k == 1:
            raise RuntimeError("stop")
        time.sleep(30)
        return k

    start = time.perf_counter()
    with pytest.raises(RuntimeError, match="stop"):
        parallel_map(slow_or_fail, range(6), workers=2)
    assert time.perf_counter() - start < 10  # not 30 s or more: the sleeping run was stopped, the rest cancelled


def test_items_are_consumed_once():
    gen = (k * k for k in range(5))
    assert parallel_map(lambda x: x + 1, gen, workers=2) == [1, 2, 5, 10, 17]


@pytest.mark.parametrize("workers, error", [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_bad_workers(workers, error):
    with pytest.raises(error, match="workers"):
        parallel_map(lambda k: k, range(3), workers=workers)


def test_fn_must_be_callable():
    with pytest.raises(TypeError, match="fn must be callable"):
        parallel_map(3, range(3))


def test_environment_variable_sets_the_default(monkeypatch):
    monkeypatch.setenv("PHYSML_WORKERS", "1")
    assert parallel_map(lambda k: os.getpid(), range(3)) == [os.getpid()] * 3
    for bad in ("0", "two", "1.5"):
        monkeypatch.setenv("PHYSML_WORKERS", bad)
        with pytest.raises(ValueError, match="PHYSML_WORKERS"):
            parallel_map(lambda k: k, range(3))


def test_usable_cpus_is_capped_by_the_cgroup_quota(tmp_path, monkeypatch):
    # cgroup v2: the quota may be set on the process's own group or on an ancestor; the smallest one counts
    group = tmp_path / "v2" / "user.slice" / "jupyter-alice.service"
    group.mkdir(parents=True)
    (tmp_path / "v2" / "cpu.max").write_text("max 100000\n")
    (group.parent / "cpu.max").write_text("400000 100000\n")
    (group / "cpu.max").write_text("150000 100000\n")
    member = "0::/user.slice/jupyter-alice.service\n"
    assert parallel._cgroup_cpu_limit(tmp_path / "v2", member) == pytest.approx(1.5)
    (group / "cpu.max").write_text("max 100000\n")
    assert parallel._cgroup_cpu_limit(tmp_path / "v2", member) == pytest.approx(4.0)
    (group.parent / "cpu.max").write_text("max 0\n")
    assert parallel._cgroup_cpu_limit(tmp_path / "v2", member) is None
    assert parallel._cgroup_cpu_limit(tmp_path / "v2", "0::/\n") is None
    # cgroup v1: the cpu controller's hierarchy
    v1 = tmp_path / "v1" / "cpu,cpuacct" / "docker" / "abc"
    v1.mkdir(parents=True)
    (v1 / "cpu.cfs_quota_us").write_text("100000\n")
    (v1 / "cpu.cfs_period_us").write_text("100000\n")
    member = "4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n"
    assert parallel._cgroup_cpu_limit(tmp_path / "v1", member) == pytest.approx(1.0)
    (v1 / "cpu.cfs_quota_us").write_text("-1\n")
    assert parallel._cgroup_cpu_limit(tmp_path / "v1", member) is None
    assert parallel._cgroup_cpu_limit(tmp_path / "absent", member) is None
    # a quota of one CPU's worth of time caps the count at 1, whatever the affinity mask says
    for limit, expected in ((1.0, 1), (0.5, 1)):
        monkeypatch.setattr(parallel, "_cgroup_cpu_limit", lambda root=None, membership=None, x=limit: x)
        assert usable_cpus() == expected
    monkeypatch.setattr(parallel, "_cgroup_cpu_limit", lambda root=None, membership=None: None)
    assert usable_cpus() == (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
