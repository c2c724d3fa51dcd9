"""cyclic_gc_paused: off inside, restored exactly outside, safe when nested across threads."""

from __future__ import annotations

import gc
import threading

from core.gcpause import cyclic_gc_paused


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_threads_restore_once_the_last_leaves() -> None:
    inside, release = threading.Event(), threading.Event()

    def worker() -> None:
        with cyclic_gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    with cyclic_gc_paused():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the worker's block is still open
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_restored_when_the_block_raises() -> None:
    try:
        with cyclic_gc_paused():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.isenabled()
