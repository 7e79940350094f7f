"""The step threads: the most recently idle thread first, a bounded count, a backlog in order, a clean stop."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from mendflow.engine.workers import Workers


def _settle(workers: Workers, idle: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while len(workers._idle) != idle:
        assert time.monotonic() < deadline, f"{len(workers._idle)} idle threads, expected {idle}"
        time.sleep(0.005)


def test_sequential_calls_stay_on_one_thread() -> None:
    workers = Workers(8, "t")
    names: list[str] = []
    for _ in range(20):
        workers.submit(lambda: names.append(threading.current_thread().name))
        _settle(workers, 1)
    workers.stop(5)
    assert names == ["t_0"] * 20


def test_blocking_calls_get_a_thread_each_up_to_the_bound_then_wait_in_order() -> None:
    workers = Workers(3, "t")
    release = threading.Event()
    started: list[int] = []
    lock = threading.Lock()

    def call(i: int) -> None:
        with lock:
            started.append(i)
        release.wait(5)

    for i in range(6):
        workers.submit(call, i)
    deadline = time.monotonic() + 5
    while len(started) < 3:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.05)
    assert sorted(started) == [0, 1, 2] and len(workers._threads) == 3  # the other three wait
    release.set()
    _settle(workers, 3)
    assert started[3:] == [3, 4, 5]  # the backlog ran in order
    workers.stop(5)


def test_the_last_thread_to_go_idle_takes_the_next_call() -> None:
    workers = Workers(4, "t")
    gates = [threading.Event() for _ in range(3)]
    for gate in gates:
        workers.submit(gate.wait, 5)
    _settle(workers, 0)
    for idle, gate in enumerate(gates, 1):  # t_0, then t_1, then t_2 go idle: t_2 is the most recent
        gate.set()
        _settle(workers, idle)
    names: list[str] = []
    workers.submit(lambda: names.append(threading.current_thread().name))
    _settle(workers, 3)
    workers.stop(5)
    assert names == ["t_2"]


def test_a_failing_call_is_logged_and_the_thread_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    workers = Workers(1, "t")
    done = threading.Event()
    with caplog.at_level(logging.ERROR, logger="mendflow.engine.workers"):
        workers.submit(lambda: 1 / 0)
        workers.submit(done.set)
        assert done.wait(5)
    workers.stop(5)
    assert "a call on t_0 failed" in caplog.text and "ZeroDivisionError" in caplog.text


def test_stop_drops_the_backlog_and_waits_for_running_calls() -> None:
    workers = Workers(1, "t")
    ran: list[int] = []
    entered = threading.Event()

    def slow() -> None:
        entered.set()
        time.sleep(0.2)
        ran.append(1)

    workers.submit(slow)
    assert entered.wait(5)
    workers.submit(ran.append, 2)  # in the backlog: dropped by stop
    workers.stop(5)
    assert ran == [1] and not workers._threads[0].is_alive()
    workers.submit(ran.append, 3)  # after stop: ignored
    time.sleep(0.05)
    assert ran == [1]
