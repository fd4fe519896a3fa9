"""Running :func:`~._work.label_unit` over the units: in this process, in local worker processes, or on Dask.

Every engine hands each finished unit to ``on_result`` in this process (which writes its chunk), so the
output, the run directory and the progress bar live here whatever runs the work. A few units per worker
are in flight at a time: memory stays flat however many units the plan has.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ..errors import InputError
from ._plan import Unit
from ._work import LabelSettings, UnitResult, label_unit, worker_labeler

__all__ = ["ENGINES", "run_units", "default_workers", "release_free_memory"]

ENGINES = ("local", "dask")
_IN_FLIGHT_PER_WORKER = 2
_TICK = 0.25  # seconds between progress refreshes while waiting
_CONNECT_TIMEOUT = "30s"  # to reach a Dask scheduler


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def release_free_memory() -> None:
    """Give the heap this process has freed back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Called after planning: forked workers otherwise start out mapping the planner's freed heap too, which
    counts in each one's RSS.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass


def run_units(units: Sequence[Unit], settings: LabelSettings, *, on_result: Callable[[UnitResult], None],
              engine: str = "local", workers: int | None = None, scheduler: str | None = None,
              tick: Callable[[], None] = lambda: None) -> int:
    """Label the units, calling ``on_result`` with each as it finishes; returns the number of workers used."""
    if engine == "dask":
        return _run_dask(units, settings, on_result, workers, scheduler, tick)
    if engine != "local":
        raise InputError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if scheduler is not None:
        raise InputError("--scheduler is for --engine dask; drop it or add --engine dask")
    count = min(workers or default_workers(), max(1, len(units)))
    if count <= 1:
        for unit in units:
            on_result(label_unit(unit, settings))
            tick()
        return 1
    _run_pool(units, settings, on_result, count, tick)
    return count


def _run_pool(units: Sequence[Unit], settings: LabelSettings, on_result: Callable[[UnitResult], None],
              workers: int, tick: Callable[[], None]) -> None:
    import multiprocessing

    # fork shares what this process has imported; elsewhere (macOS, Windows) workers start fresh.
    fork = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        _import_worker_modules(settings)
        # Frozen, the objects the workers inherit are left alone by their collector: a full collection would
        # otherwise write to every one, and copy every page of them into each worker (copy-on-write).
        gc.collect()
        gc.freeze()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(settings.model, settings.backend, os.getpid(), workers))
    try:
        _drain(units, lambda unit: pool.submit(label_unit, unit, settings), on_result, workers, tick)
    except BaseException:
        _stop(pool)
        raise
    finally:
        if fork:
            gc.unfreeze()
    pool.shutdown(wait=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: its workers killed (not left labelling what nobody will write), and the pool's
    result pipe closed on this side too. A worker killed while it was sending a result leaves half a message
    in the pipe; with this process's copy of the pipe's writing end open, the pool's thread would wait for
    the rest forever, and Python waits for that thread before it exits."""
    # shutdown() forgets the processes and the pipe: taken first
    processes = list((getattr(pool, "_processes", None) or {}).values())
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join()
    if writer is not None:
        writer.close()  # the pool's thread then reads to the end of the pipe and stops


def _import_worker_modules(settings: LabelSettings) -> None:
    """Import what every worker needs once, here, so forked workers start with it (the model itself is loaded
    in each worker: an ONNX session must not cross a fork)."""
    import importlib

    for name in ("threadlens.stance.classifier", "threadlens.stance.labeling", "threadlens.analysis",
                 "threadlens.readers.jsonl", "threadlens.quotes.pipeline" if settings.segmenter == "spacy"
                 else "threadlens.quotes.direct"):
        importlib.import_module(name)


def _drain(units: Sequence[Unit], submit: Callable[[Unit], Future[UnitResult]],
           on_result: Callable[[UnitResult], None], workers: int, tick: Callable[[], None]) -> None:
    queue = iter(units)
    pending: set[Future[UnitResult]] = set()
    limit = workers * _IN_FLIGHT_PER_WORKER
    exhausted = False
    while True:
        while not exhausted and len(pending) < limit:
            unit = next(queue, None)
            if unit is None:
                exhausted = True
                break
            pending.add(submit(unit))
        if not pending:
            return
        done, pending = wait(pending, timeout=_TICK, return_when=FIRST_COMPLETED)
        for future in done:
            on_result(future.result())
        tick()


def _start_worker(model: str, backend: str | None, parent: int, workers: int = 1) -> None:
    """A local worker: dies with its parent (even a ``kill -9``ed one), leaves Ctrl-C to it, loads the model
    with its share of the cores (so N workers don't each run onnxruntime on every core)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("THREADLENS_THREADS", str(max(1, (os.cpu_count() or 1) // max(1, workers))))
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    worker_labeler(model, backend)


def _die_with_parent() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


# -- Dask -----------------------------------------------------------------------------------------------------

def _run_dask(units: Sequence[Unit], settings: LabelSettings, on_result: Callable[[UnitResult], None],
              workers: int | None, scheduler: str | None, tick: Callable[[], None]) -> int:
    try:
        import logging

        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--engine dask needs dask.distributed; install threadlens[dask]") from None
    cluster: Any = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=_CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"can't connect to the Dask scheduler ({exc}); check the address "
                             "(tcp://host:8786) and that the scheduler is running", source=scheduler) from None
    try:
        from distributed import as_completed

        threads = sum(client.nthreads().values()) or 1
        queue = iter(units)
        first = [client.submit(label_unit, unit, settings, pure=False)
                 for unit in _take(queue, threads * _IN_FLIGHT_PER_WORKER)]
        if first:
            completed = as_completed(first)
            for future in completed:
                result = future.result()
                future.release()
                on_result(result)
                tick()
                for unit in _take(queue, 1):
                    completed.add(client.submit(label_unit, unit, settings, pure=False))
        return threads
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _take(queue: Any, count: int) -> list[Unit]:
    out = []
    for unit in queue:
        out.append(unit)
        if len(out) >= count:
            break
    return out
