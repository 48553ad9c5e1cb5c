# SPDX-License-Identifier: GPL-3.0-or-later
"""What the command-line and contract tests share: a TAP runner, running the CLI, WAV files,
free ports and a demo backend in a child process. Python standard library only."""

import io
import json
import math
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import wave

CLI = os.environ.get("PLAYTEST_CLI", "")
COMMAND_TIMEOUT = 60


class TestFailure(Exception):
    pass


def check(condition, message, result=None):
    """Fails the current test with message (and what the CLI printed) unless condition holds."""
    if not condition:
        if result is not None:
            message += "\n" + describe(result)
        raise TestFailure(message)


def describe(result):
    return (f"command: {' '.join(result.args)}\nexit status: {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")


def run_cli(*args, key="", env=None, timeout=COMMAND_TIMEOUT):
    """Runs the CLI with the given arguments and CONVAI_API_KEY=key; returns the result."""
    environment = dict(os.environ)
    environment["CONVAI_API_KEY"] = key
    environment.update(env or {})
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=environment,
                          timeout=timeout, check=False)


def expect_exit(result, status, what):
    check(result.returncode == status,
          f"{what}: expected exit status {status}, got {result.returncode}", result)


def parse_json(result):
    try:
        return json.loads(result.stdout)
    except ValueError as error:
        raise TestFailure(f"stdout is not JSON ({error})\n{describe(result)}") from None


def write_work_file(folder, name, contents=None):
    """The path of name in folder; with contents (text or bytes), the file is written first."""
    path = os.path.join(folder, name)
    if contents is not None:
        with open(path, "wb" if isinstance(contents, bytes) else "w") as out:
            out.write(contents)
    return path


def closed_port():
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wav_bytes(rate=16000, channels=1, seconds=1.0, frequency=220.0):
    """A 16-bit PCM WAV file with a tone in it."""
    frames = int(rate * seconds)
    samples = bytearray()
    for i in range(frames):
        value = int(12000 * math.sin(2 * math.pi * frequency * i / rate))
        samples += struct.pack("<h", value) * channels
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(samples))
    return buffer.getvalue()


def header_only_wav():
    """A 44-byte WAV: a header and no samples, which must never be sent."""
    return wav_bytes(seconds=0.0)


class ChildServer:
    """A server in a child process that prints a line once it listens, and stops on SIGTERM.
    Its output goes to files, so a chatty server never blocks on a full pipe."""

    def __init__(self, argv, ready, timeout=30, env=None):
        self.argv = argv
        self.stdout_file = tempfile.TemporaryFile()
        self.stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdout=self.stdout_file, stderr=self.stderr_file,
                                     env=env)
        self.line = self._wait_for(ready, timeout)

    def _read(self, file):
        file.seek(0)
        return file.read().decode(errors="replace")

    @property
    def stdout(self):
        return self._read(self.stdout_file)

    @property
    def stderr(self):
        return self._read(self.stderr_file)

    def _wait_for(self, ready, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.stdout.splitlines():
                if ready(line):
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise TestFailure(f"{' '.join(self.argv)} did not start (exit status "
                          f"{self.proc.returncode}):\n{self.stdout}\n{self.stderr}")

    def stop(self):
        """Stops the server with SIGTERM; returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode


class DemoServer(ChildServer):
    """`convai-playtest-cli demo-server --port 0` and the URL it prints."""

    def __init__(self, *args):
        super().__init__([CLI, "demo-server", "--port", "0", *args],
                         lambda line: line.startswith("listening on http://"))
        self.url = self.line.split(" ", 2)[2].strip()


def run_tests(tests):
    """Runs (name, function) pairs and reports them as TAP; returns the exit status."""
    print(f"1..{len(tests)}", flush=True)
    failed = 0
    for number, (name, function) in enumerate(tests, 1):
        try:
            function()
        except Exception as error:  # a test that breaks in any way has failed
            failed += 1
            print(f"not ok {number} - {name}")
            details = str(error) if isinstance(error, TestFailure) else traceback.format_exc()
            for line in details.splitlines():
                print(f"# {line}")
        else:
            print(f"ok {number} - {name}")
        sys.stdout.flush()
    return 1 if failed else 0


def start_demo_servers(*argument_lists):
    """A DemoServer per argument list; None, after a TAP bail-out, when one does not start."""
    if not CLI:
        print("Bail out! PLAYTEST_CLI is not set")
        return None
    servers = []
    try:
        for arguments in argument_lists:
            servers.append(DemoServer(*arguments))
    except Exception as error:
        for server in servers:
            server.stop()
        print("Bail out! the demo backend did not start")
        for line in str(error).splitlines():
            print(f"# {line}")
        return None
    return servers


def run_tests_with_servers(tests, servers):
    """run_tests(), then stops @servers: one that does not exit cleanly fails the run."""
    status = 1
    try:
        status = run_tests(tests)
    finally:
        for server in servers:
            if server.stop() != 0:
                print(f"# demo-server did not exit cleanly: {server.stderr}")
                status = 1
    return status
