"""Keep a command running: start it, and start it again whenever it stops, until told to stop.

`make run` runs the background worker under this (`scripts/supervise.py -- .venv/bin/python manage.py
worker`), so a worker killed by the out-of-memory killer or `kill -9` comes back by itself. In production
the same job is done by systemd (`Restart=always`, see docs/deployment.md). Standard library only: the
restart loop is all we need, and a process manager from PyPI (supervisor, circus) brings its own
daemon, configuration and control socket; honcho does not restart what stops.

A restart waits --delay seconds, doubling after each quick failure up to --max-delay, so a worker that
cannot start (a bad setting, the database down) does not spin; a run longer than a minute resets it.
SIGTERM or SIGINT is passed on to the command, and the supervisor stops once the command has.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from types import FrameType

RAN_WELL_SECONDS = 60.0


def log(message: str) -> None:
    print(f"supervise: {message}", file=sys.stderr, flush=True)


def describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=1.0, help="seconds before restarting (default 1)")
    parser.add_argument("--max-delay", type=float, default=30.0, help="longest wait between restarts")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to keep running")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")

    stopping = False
    child: subprocess.Popen[bytes] | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    delay = args.delay
    shown = " ".join(command)
    while not stopping:
        started = time.monotonic()
        child = subprocess.Popen(command)  # noqa: S603 - the command is our own, from make run
        log(f"started pid {child.pid}: {shown}")
        returncode = child.wait()
        if stopping:
            break
        if time.monotonic() - started > RAN_WELL_SECONDS:
            delay = args.delay
        log(f"pid {child.pid} stopped ({describe(returncode)}); restarting in {delay:g} s: {shown}")
        restart_at = time.monotonic() + delay
        while not stopping and time.monotonic() < restart_at:
            time.sleep(0.05)
        delay = min(delay * 2, args.max_delay)
    if child is not None and child.poll() is None:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
