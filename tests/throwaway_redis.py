"""A Redis server of one test's own, on a free port: one a test may stall
(SIGSTOP), kill, or start with or without persistence, which it may not do
to the shared one at 127.0.0.1:6379."""

import contextlib
import os
import signal
import subprocess
import time

import pytest
import redis

from .serving import free_port

REDIS_SERVER = "/usr/bin/redis-server"

# Nothing written to disk unless a test asks for it.
NO_PERSISTENCE = ("--save", "", "--appendonly", "no")


class ThrowawayRedis:
    def __init__(self, folder, *options):
        if not os.path.exists(REDIS_SERVER):
            pytest.fail(f"{REDIS_SERVER} is missing: apt-get install redis-server")
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(folder),
                *(options or NO_PERSISTENCE),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"redis-server did not start on port {self.port}")
                time.sleep(0.05)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    @contextlib.contextmanager
    def stalled(self):
        """Redis stops answering (SIGSTOP: it takes connections and commands,
        and runs them all once it goes on, SIGCONT)."""
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def throwaway_redis(tmp_path):
    """Starts throwaway Redis servers (options: redis-server's, persistence
    off unless given), all stopped after the test."""
    servers = []

    def start(*options):
        folder = tmp_path / f"redis-{len(servers)}"
        folder.mkdir()
        servers.append(ThrowawayRedis(folder, *options))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
