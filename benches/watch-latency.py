#!/usr/bin/env python3
"""Times `yarlung watch` from saving a one-fact edit in data/provinces/hubei.yaml to the
updated PDFs: the province's leaflet and the brochure, in both editions. Prints the median
over RUNS edits.

    benches/watch-latency.py [RUNS]      (default 7)

Environment: YARLUNG (the binary, default target/release/yarlung), PROJECT (default: this
repository; copied to a temporary folder first).
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "target"))
YARLUNG = os.environ.get("YARLUNG", os.path.join(TARGET, "release", "yarlung"))
PROJECT = os.environ.get("PROJECT", HERE)
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def stamp(path):
    try:
        st = os.stat(path)
        return (st.st_mtime_ns, st.st_size)
    except FileNotFoundError:
        return None


def wait_log(log, text, count, timeout=120):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        with open(log, encoding="utf-8", errors="replace") as f:
            if f.read().count(text) >= count:
                return True
        time.sleep(0.01)
    return False


def main():
    tmp = tempfile.mkdtemp(prefix="yarlung-watch-")
    try:
        for entry in ["yarlung.yaml", "data", "templates", "images"]:
            src = os.path.join(PROJECT, entry)
            (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(tmp, entry))
        log = os.path.join(tmp, "watch.log")
        with open(log, "w") as out:
            child = subprocess.Popen([YARLUNG, "watch", "--project", tmp], stderr=out, stdout=subprocess.DEVNULL)
        try:
            if not wait_log(log, "watching", 1):
                sys.exit("the first build did not finish:\n" + open(log).read())
            fact = os.path.join(tmp, "data", "provinces", "hubei.yaml")
            names = ["leaflet-hubei", "leaflet-hubei.bo-zh", "brochure", "brochure.bo-zh"]
            paths = [os.path.join(tmp, "out", "print", f"{n}.pdf") for n in names]
            text = open(fact, encoding="utf-8").read()
            first = re.search(r"value: (\d+)", text)
            times = {n: [] for n in names}
            for i in range(RUNS):
                time.sleep(0.5)
                before = [stamp(p) for p in paths]
                edited = text[: first.start(1)] + str(int(first.group(1)) + i + 1) + text[first.end(1):]
                with open(fact, "w", encoding="utf-8") as f:
                    f.write(edited)
                saved = time.monotonic()
                got = [None] * len(paths)
                while None in got and time.monotonic() - saved < 60:
                    for k, path in enumerate(paths):
                        if got[k] is None and stamp(path) != before[k]:
                            got[k] = (time.monotonic() - saved) * 1000
                    time.sleep(0.001)
                if None in got:
                    sys.exit("no rebuild after an edit:\n" + open(log).read())
                for n, t in zip(names, got):
                    times[n].append(t)
                wait_log(log, "watching", i + 2)
            rss = 0
            with open(f"/proc/{child.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        rss = int(line.split()[1]) // 1024
        finally:
            child.kill()
            child.wait()
        fmt = lambda xs: " ".join(f"{x:.0f}" for x in xs)
        for n, xs in times.items():
            print(f"watch, one-fact edit, {n + ' ready:':27s} median {statistics.median(xs):.0f} ms "
                  f"(runs: {fmt(xs)})")
        print(f"watch, peak RSS: {rss} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
