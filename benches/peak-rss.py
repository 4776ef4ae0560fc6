#!/usr/bin/env python3
"""Runs a command and reports the peak memory of its whole process tree: the largest sum of
the resident set sizes of the command and all its descendants (worker processes included),
sampled every 50 ms from /proc, and the largest single process. Linux only.

    benches/peak-rss.py CMD [ARG ...]
"""
import os
import subprocess
import sys
import time


def tree(root: int) -> list:
    """The pids of `root` and its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def rss_kib(pid: int) -> int:
    """The resident set size of `pid` in KiB (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    start = time.monotonic()
    proc = subprocess.Popen(sys.argv[1:])
    total = single = 0
    while proc.poll() is None:
        sizes = [rss_kib(pid) for pid in tree(proc.pid)]
        total, single = max(total, sum(sizes)), max(single, max(sizes, default=0))
        time.sleep(0.05)
    wall = time.monotonic() - start
    print(f"peak RSS: {total / 1024:.0f} MB all processes, {single / 1024:.0f} MB the largest; "
          f"{wall:.2f} s; exit {proc.returncode}", file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
