#!/usr/bin/env python3
"""Run an emulator and timestamp the bench guest's serial markers live.

Part of `make bench` (scripts/bench.sh); standard library only.

The guest prints "BENCH START" right before its timed work and "BENCH END"
right after it.  This helper starts the emulator, reads its serial output as
it arrives and records the wall-clock time at which each marker is complete.

Serial output is read either
  * from the emulator's stdout (default; QEMU/glassvm `-nographic`).  stdout
    is a pseudo-terminal, so an emulator that writes its serial port through
    stdio is line-buffered rather than block-buffered and lines still arrive
    as the guest prints them; or
  * from a FIFO (--fifo PATH; Bochs `com1: mode=file, dev=PATH`).  The FIFO is
    held open read-write here, so the emulator's open() never blocks and
    we never see a spurious end-of-file.

Markers are matched as substrings anywhere in the byte stream (QEMU prints
"Booting from ROM.." with no newline right before the guest's first byte).

Result: key=value lines on stdout (or --result FILE), times in seconds:
  status        ok | no_start | no_end | timeout | spawn_error
  exit_code     emulator exit status (negative: killed by that signal;
                empty if we killed it after BENCH END with --kill-on-end)
  start_s       BENCH START seen, seconds after spawn
  end_s         BENCH END seen, seconds after spawn
  workload_s    end_s - start_s
  total_s       spawn to exit (or to the kill, with --kill-on-end)
  burst         1 if both markers arrived in one read: the emulator buffers
                its serial output and workload_s is meaningless
Exit status of this script: 0 if status=ok, 1 otherwise.
"""

import argparse
import errno
import os
import select
import signal
import stat
import subprocess
import sys
import time

START = b"BENCH START"
END = b"BENCH END"
KEEP = max(len(START), len(END))  # tail kept to match markers split over reads


def open_pty_raw():
    """Pseudo-terminal pair with output post-processing and echo off."""
    master, slave = os.openpty()
    try:
        import termios
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.OPOST                       # oflag: no \n -> \r\n
        attrs[3] &= ~(termios.ECHO | termios.ICANON)     # lflag
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
    except (ImportError, OSError):
        pass
    return master, slave


def group_members(pgid):
    """PIDs in process group pgid (Linux /proc), leader excluded."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == pgid:
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()   # state ppid pgrp ...
        if int(fields[2]) == pgid:
            pids.append(int(d))
    return pids


def signal_pids(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def kill_group(proc, grace=5.0):
    """Stop the emulator and everything in the process group we made for it.

    A wrapper leader (xvfb-run) is left to clean up after itself: its
    children (Bochs, Xvfb) get SIGTERM first, so Xvfb removes its lock file
    and xvfb-run its temporary directory.  Whatever is left after the grace
    period gets SIGTERM, then SIGKILL."""
    pgid = proc.pid
    members = group_members(pgid) if proc.poll() is None else []
    if members:
        signal_pids(members, signal.SIGTERM)
    else:
        signal_pids([pgid], signal.SIGTERM)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        end = time.monotonic() + grace
        while time.monotonic() < end:
            proc.poll()
            if proc.returncode is not None and not group_alive(pgid):
                return
            time.sleep(0.02)
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass
    proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="wall-clock limit for the whole run (s)")
    ap.add_argument("--serial-log", required=True,
                    help="file receiving the raw serial bytes")
    ap.add_argument("--output-log",
                    help="file receiving the emulator's stdout+stderr "
                         "(--fifo mode; default: discarded)")
    ap.add_argument("--fifo", help="read serial from this FIFO (created if "
                                   "missing) instead of the emulator's stdout")
    ap.add_argument("--kill-on-end", action="store_true",
                    help="kill the emulator as soon as BENCH END appears")
    ap.add_argument("--result", help="write key=value results here")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command given")

    res = {"status": "spawn_error", "exit_code": "", "start_s": "",
           "end_s": "", "workload_s": "", "total_s": "", "burst": "0"}

    serial_log = open(a.serial_log, "wb")
    out_target = subprocess.DEVNULL
    if a.output_log:
        out_target = open(a.output_log, "wb")

    master = slave = None
    if a.fifo:
        if not os.path.exists(a.fifo):
            os.mkfifo(a.fifo, 0o600)
        elif not stat.S_ISFIFO(os.stat(a.fifo).st_mode):
            sys.exit("timed_run: %s exists and is not a FIFO" % a.fifo)
        rfd = os.open(a.fifo, os.O_RDWR | os.O_NONBLOCK)
        stdout, stderr = out_target, subprocess.STDOUT
    else:
        master, slave = open_pty_raw()
        os.set_blocking(master, False)
        rfd = master
        stdout, stderr = slave, (out_target if a.output_log else slave)

    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=stderr, start_new_session=True)
    except OSError as e:
        print("timed_run: cannot run %s: %s" % (cmd[0], e), file=sys.stderr)
        emit(res, a.result)
        return 1
    if slave is not None:
        os.close(slave)

    deadline = t0 + a.timeout
    tail = b""
    t_start = t_end = None
    chunk_start = chunk_end = None
    nchunk = 0
    killed_by_us = False
    eof = False
    exited_at = None

    while True:
        now = time.monotonic()
        if now >= deadline:
            res["status"] = "timeout"
            kill_group(proc)
            break
        exited = proc.poll() is not None
        if exited and exited_at is None:
            exited_at = now
        # pty mode: wait for EOF, unless a left-over child keeps it open.
        if exited and (eof or a.fifo or now - exited_at > 2.0):
            # Drain whatever is still buffered, then stop.
            data = read_some(rfd)
            if data:
                nchunk += 1
                serial_log.write(data)
                tail, t_start, t_end, chunk_start, chunk_end = scan(
                    tail + data, time.monotonic(), nchunk,
                    t_start, t_end, chunk_start, chunk_end)
                continue
            break
        if eof:                    # stdout closed, process still running
            time.sleep(0.02)
            continue
        r, _, _ = select.select([rfd], [], [], min(0.05, deadline - now))
        if not r:
            continue
        data = read_some(rfd)
        stamp = time.monotonic()
        if data is None:           # pty: all writers gone
            eof = True
            continue
        if not data:
            continue
        nchunk += 1
        serial_log.write(data)
        serial_log.flush()
        tail, t_start, t_end, chunk_start, chunk_end = scan(
            tail + data, stamp, nchunk, t_start, t_end, chunk_start, chunk_end)
        if t_end is not None and a.kill_on_end:
            killed_by_us = True
            kill_group(proc)
            break

    t_total = time.monotonic() - t0
    if proc.poll() is None:
        kill_group(proc)
    serial_log.close()
    if not killed_by_us and res["status"] != "timeout":
        res["exit_code"] = str(proc.returncode)
    res["total_s"] = "%.6f" % t_total
    if t_start is not None:
        res["start_s"] = "%.6f" % (t_start - t0)
    if t_end is not None:
        res["end_s"] = "%.6f" % (t_end - t0)
    if t_start is not None and t_end is not None:
        res["workload_s"] = "%.6f" % (t_end - t_start)
        if chunk_start == chunk_end:
            res["burst"] = "1"
    if res["status"] != "timeout":
        if t_start is None:
            res["status"] = "no_start"
        elif t_end is None:
            res["status"] = "no_end"
        else:
            res["status"] = "ok"
    elif t_end is not None:
        # BENCH END seen but the emulator would not exit in time.
        res["status"] = "ok"
        res["exit_code"] = ""
    emit(res, a.result)
    return 0 if res["status"] == "ok" else 1


def read_some(fd):
    """Read available bytes; b'' if none right now, None at pty EOF."""
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return b""
    except OSError as e:
        if e.errno == errno.EIO:   # Linux pty master after the slave closes
            return None
        raise


def scan(buf, stamp, nchunk, t_start, t_end, c_start, c_end):
    """Look for the markers in buf; return the tail to keep and the times."""
    if t_start is None:
        i = buf.find(START)
        if i >= 0:
            t_start, c_start = stamp, nchunk
            buf = buf[i + len(START):]
    if t_start is not None and t_end is None:
        if buf.find(END) >= 0:
            t_end, c_end = stamp, nchunk
    return buf[-(KEEP - 1):], t_start, t_end, c_start, c_end


def emit(res, path):
    text = "".join("%s=%s\n" % kv for kv in res.items())
    if path:
        with open(path, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    sys.exit(main())
