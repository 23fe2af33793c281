"""One deadline for the whole read of a cluster, enforced even against a server that drips or stalls.

Socket timeouts bound each ``recv``, not a request: a server that sends one byte a second, or streams
without end, never trips them.  So every connection made for one cluster is tracked, and when the
deadline passes a timer shuts down their sockets: a blocked read returns at once, new connections are
refused, and the read ends with ``DeadlineExceeded`` (exit 3) however the server behaves.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Mapping
from typing import Any

from gitops_gen.base.errors import ExternalError


class DeadlineExceeded(ExternalError):
    """The cluster did not answer completely within its deadline."""


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._connections: weakref.WeakSet[Any] = weakref.WeakSet()
        self._timer = threading.Timer(max(0.0, seconds), self.expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.end

    def expire(self) -> None:
        """Give up: wake every blocked read on this cluster's connections."""
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            sock = getattr(connection, "sock", None)
            if sock is not None:  # the plain socket's shutdown, also under TLS: the reader owns the TLS state
                with contextlib.suppress(OSError):  # already closed
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()

    def _register(self, connection: Any) -> None:
        with self._lock:
            if self.expired:
                raise OSError("deadline passed")  # urllib3 reports it as a failed connection
            self._connections.add(connection)

    def track(self, pool_classes: Mapping[str, type]) -> dict[str, type]:
        """Connection-pool classes (urllib3's, by scheme) whose connections this deadline can cut."""
        return {scheme: self._tracked_pool(cls) for scheme, cls in pool_classes.items()}

    def _tracked_pool(self, pool_cls: type) -> type:
        deadline = self
        base: type = pool_cls.ConnectionCls  # type: ignore[attr-defined]

        class Connection(base):  # type: ignore[misc]
            def connect(self) -> None:
                deadline._register(self)
                super().connect()

        return type(pool_cls.__name__, (pool_cls,), {"ConnectionCls": Connection})
