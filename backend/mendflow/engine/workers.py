"""The inline executor's step threads: a bounded set of threads, the most recently idle one first."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class Workers:
    """Up to `size` threads running calls, handed to the most recently idle thread first (LIFO).

    A thread pool whose threads all take turns on one queue keeps every thread runnable; under
    the GIL, short CPU-bound steps then spend their time handing the interpreter lock around
    (measured on 2 cores: 20-25 % more CPU per event at 8 threads than at 4). Handing each call
    to the thread that went idle last keeps the work on as few threads as it needs: a burst of
    short steps runs on a few warm threads, while steps that block (a playbook, a slow API)
    still get a thread each, up to `size`. Calls beyond that wait in a backlog, in order.

    Calls are fire-and-forget: a step posts its own result to the coordinator, and an exception
    escaping a call is logged. `stop()` drops the backlog and waits (bounded) for running calls.
    """

    def __init__(self, size: int, name: str) -> None:
        self.size = size
        self.name = name
        self._lock = threading.Lock()
        self._backlog: deque[_Call] = deque()
        self._idle: list[queue.SimpleQueue[_Call | None]] = []
        self._inboxes: list[queue.SimpleQueue[_Call | None]] = []
        self._threads: list[threading.Thread] = []
        self._stopping = False

    def submit(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        item = (call, args, kwargs)
        with self._lock:
            if self._stopping:
                return
            if self._idle:
                inbox = self._idle.pop()
            elif len(self._threads) < self.size:
                inbox = queue.SimpleQueue()
                thread = threading.Thread(target=self._run, args=(inbox,), daemon=True,
                                          name=f"{self.name}_{len(self._threads)}")
                self._inboxes.append(inbox)
                self._threads.append(thread)
                thread.start()
            else:
                self._backlog.append(item)
                return
        inbox.put(item)

    def _run(self, inbox: queue.SimpleQueue[_Call | None]) -> None:
        item = inbox.get()
        while item is not None:
            call, args, kwargs = item
            try:
                call(*args, **kwargs)
            except BaseException:  # a worker thread must survive whatever a call raises
                log.exception("a call on %s failed", threading.current_thread().name)
            with self._lock:
                if self._stopping:
                    return
                if self._backlog:
                    item = self._backlog.popleft()
                    continue
                self._idle.append(inbox)
            item = inbox.get()

    def stop(self, timeout: float) -> None:
        """Take no more calls, drop the backlog, and wait up to `timeout` s for the running calls."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._stopping = True
            self._backlog.clear()
            self._idle.clear()
        for inbox in self._inboxes:
            inbox.put(None)
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
