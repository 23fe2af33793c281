"""API servers that misbehave at the socket level: real local TCP servers for deadline tests.

* ``drip``: answers every request one byte per ``interval`` seconds (status line and headers too), with a
  body it announces as far longer than it will ever send;
* ``endless``: answers 200 and streams a chunked JSON body that never ends, as fast as it can;
* ``silent``: accepts connections and never reads or answers.

    with MisbehavingServer("drip") as server:
        server.write_kubeconfig(path, ["slow"])
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterable
from pathlib import Path

from tests.kubeapi.server import TOKEN

MODES = ("drip", "endless", "silent")
_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"
         b'{"kind": "APIVersions", "versions": ["v1"], "padding": "')


class MisbehavingServer:
    def __init__(self, mode: str, interval: float = 1.0) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode, self.interval = mode, interval
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._clients: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> MisbehavingServer:
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for client in self._clients:
                with contextlib.suppress(OSError):
                    client.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def write_kubeconfig(self, path: Path, contexts: Iterable[str]) -> Path:
        names = list(contexts)
        lines = ["apiVersion: v1", "kind: Config", f"current-context: {names[0]}", "clusters:",
                 "- name: bad", "  cluster:", f"    server: {self.url}", "users:", "- name: u", "  user:",
                 f"    token: {TOKEN}", "contexts:"]
        for name in names:
            lines += [f"- name: {name}", "  context:", "    cluster: bad", "    user: u"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._clients.append(client)
                self.connections += 1
            if self.mode != "silent":  # a silent server holds the connection and does nothing at all
                self._spawn(self._drip if self.mode == "drip" else self._endless, client)

    def _drip(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError):
            client.recv(65536)
            for byte in _HEAD + b"x" * 100_000:
                if self._stop.wait(self.interval):
                    return
                client.sendall(bytes([byte]))

    def _endless(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError):
            client.recv(65536)
            client.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b'{"kind": "List", "items": [' + b'{"metadata": {"name": "x"}},' * 2000
            frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
            while not self._stop.is_set():
                client.sendall(frame)
