"""Starts `taskport serve` for the Python suite, drives its control API, and
counts checks; a failed check names the call, the request and the answer."""

from __future__ import annotations

import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any, Callable

import httpx


def _cli_path() -> pathlib.Path:
    if os.environ.get("TASKPORT_CLI"):
        return pathlib.Path(os.environ["TASKPORT_CLI"])
    here = pathlib.Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "dist" / "cli.js"
        if candidate.exists():
            return candidate
    raise RuntimeError("dist/cli.js not found: run npm run build")


class Fake:
    """One `taskport serve --port 0 --host 127.0.0.1` process (the system picks the port)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(_cli_path()), "serve", "--port", "0", "--host", "127.0.0.1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                self.url = match.group(1).rstrip("/")
                return
            if line == "" or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("taskport serve did not start listening")

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_taskport{path}",
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=15) as response:
            return json.loads(response.read() or b"{}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Recorder:
    """httpx event hooks that keep the last exchange."""

    def __init__(self) -> None:
        self.last = ""

    def on_request(self, request: httpx.Request) -> None:
        self.last = f"request: {request.method} {request.url} {request.content[:2000].decode(errors='replace')}"

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self.last += f"\n    answer: {response.status_code} {response.text[:2000]}"

    def client(self) -> httpx.Client:
        return httpx.Client(
            timeout=15,
            event_hooks={"request": [self.on_request], "response": [self.on_response]},
        )


class Suite:
    def __init__(self, name: str, recorder: Recorder) -> None:
        self.name = name
        self.recorder = recorder
        self.passed = 0
        self.failed = 0

    def check(self, call: str, fn: Callable[[], None]) -> bool:
        self.recorder.last = ""
        try:
            fn()
        except Exception as error:  # a check's failure, whatever raised it
            self.failed += 1
            print(f"FAIL {self.name}: {call}: {type(error).__name__}: {error}")
            print(f"    {self.recorder.last or 'request: (none sent)'}")
            return False
        self.passed += 1
        print(f"ok   {self.name}: {call}")
        return True

    def finish(self) -> int:
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        sys.stdout.flush()
        return 1 if self.failed else 0


def expect(what: str, got: Any, want: Any) -> None:
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")
