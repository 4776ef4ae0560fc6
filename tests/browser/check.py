#!/usr/bin/env python3
"""Real-browser check of `yarlung serve`'s proof room.

    python3 tests/browser/check.py URL PROJECT_DIR [OUT_DIR]

Drives headless Chromium through the DevTools protocol (needs the `websocket-client`
package and a `chromium` binary; CHROMIUM=path overrides): opens the reader of
leaflet-hubei (screen), waits for page 1's image, saves a screenshot to OUT_DIR
(default: a temporary folder) and checks that the page image is not blank, then edits
one fact in PROJECT_DIR/data/provinces/hubei.yaml and waits until page 2's
`data-version` changes without the page reloading. Exits non-zero on any failure.
The edit is undone at the end.
"""
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

try:
    import websocket  # websocket-client
except ImportError:
    sys.exit("check.py: the Python package websocket-client is missing (pip install websocket-client)")

DOCUMENT = ("screen", "leaflet-hubei")
FACT_FILE = "data/provinces/hubei.yaml"
FACT_OLD = "        value: 15"
FACT_NEW = "        value: 16"
FIRST_LOAD_TIMEOUT = float(os.environ.get("FIRST_LOAD_TIMEOUT", "180"))  # the first build may still run
UPDATE_TIMEOUT = float(os.environ.get("UPDATE_TIMEOUT", "10"))


class Failure(Exception):
    pass


def log(msg):
    print(f"check: {msg}", flush=True)


# ---------------------------------------------------------------- Chromium

def find_chromium():
    for name in [os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]:
        if name and shutil.which(name):
            return shutil.which(name)
    raise Failure("no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)")


class Browser:
    def __init__(self, width=1280, height=800):
        self.profile = tempfile.mkdtemp(prefix="yarlung-chromium-")
        self.proc = subprocess.Popen(
            [find_chromium(), "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
             "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--mute-audio", "--hide-scrollbars",
             "--remote-allow-origins=*", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.ws = None
        self.next_id = 0
        self.events = []
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")[-2000:]
                raise Failure(f"Chromium exited at start (code {self.proc.returncode}):\n{err}")
            try:
                with open(port_file) as f:
                    port = int(f.readline().strip())
                break
            except (OSError, ValueError):
                if time.time() > deadline:
                    raise Failure("Chromium did not write DevToolsActivePort within 30 s")
                time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        pages = [t for t in targets if t.get("type") == "page"]
        if not pages:
            raise Failure("Chromium has no page target")
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def call(self, method, timeout=30, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        deadline = time.time() + timeout
        while True:
            self.ws.settimeout(max(0.1, deadline - time.time()))
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                raise Failure(f"no answer to {method} within {timeout} s")
            if msg.get("id") == mid:
                if "error" in msg:
                    raise Failure(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def eval(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise Failure(f"script failed: {d.get('exception', {}).get('description') or d.get('text')}")
        return r["result"].get("value")

    def page_errors(self):
        """Uncaught exceptions and console errors the page reported so far."""
        out = []
        for e in self.events:
            if e["method"] == "Runtime.exceptionThrown":
                d = e["params"]["exceptionDetails"]
                out.append((d.get("exception") or {}).get("description") or d.get("text"))
            elif e["method"] == "Runtime.consoleAPICalled" and e["params"].get("type") == "error":
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"]))
        return out

    def close(self):
        try:
            if self.ws:
                self.ws.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# ---------------------------------------------------------------- PNG

def png_pixels(data):
    """Decode an 8-bit RGB or RGBA PNG (what Chromium writes): (width, height, channels, rows)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failure("the screenshot is not a PNG")
    pos, idat = 8, []
    width = height = channels = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise Failure(f"unexpected PNG format (depth {depth}, colour type {colour}, interlace {interlace})")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def ink_ratio(png, rect):
    """Share of the pixels inside rect (x, y, w, h in screenshot pixels) that are not near-white."""
    width, height, ch, rows = png_pixels(png)
    x0, y0 = max(0, int(rect[0])), max(0, int(rect[1]))
    x1, y1 = min(width, int(rect[0] + rect[2])), min(height, int(rect[1] + rect[3]))
    if x1 <= x0 or y1 <= y0:
        return 0.0
    ink = total = 0
    for y in range(y0, y1, 2):
        line = rows[y]
        for x in range(x0, x1, 2):
            i = x * ch
            total += 1
            if line[i] < 235 or line[i + 1] < 235 or line[i + 2] < 235:
                ink += 1
    return ink / total


# ---------------------------------------------------------------- the check

PAGE = 'document.querySelector(\'[data-page="{n}"][data-version]\')'


def wait_for(browser, expression, timeout, what):
    deadline = time.time() + timeout
    while True:
        value = browser.eval(expression)
        if value:
            return value
        if time.time() > deadline:
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def run(url, project, out_dir):
    fact_path = os.path.join(project, FACT_FILE)
    with open(fact_path, encoding="utf-8") as f:
        original = f.read()
    if not re.search("^" + re.escape(FACT_OLD) + "$", original, re.M):
        raise Failure(f"{fact_path} has no line {FACT_OLD.strip()!r} to edit")
    os.makedirs(out_dir, exist_ok=True)
    profile, name = DOCUMENT
    reader = url.rstrip("/") + f"/#/doc/{profile}/{name}"

    browser = Browser()
    edited = False
    try:
        log(f"opening {reader}")
        browser.call("Page.navigate", url=reader)
        started = time.time()
        wait_for(browser, f"(() => {{ const w = {PAGE.format(n=1)}; const i = w && w.querySelector('img');"
                          f" return !!(i && i.complete && i.naturalWidth > 0); }})()",
                 FIRST_LOAD_TIMEOUT, "page 1's image to load")
        log(f"page 1 shown after {time.time() - started:.1f} s")
        if browser.eval("typeof window.yarlungLoadedAt") != "number":
            raise Failure("window.yarlungLoadedAt is not set")
        loaded_at = browser.eval("window.yarlungLoadedAt")
        if not browser.eval(f"!!{PAGE.format(n=2)}"):
            raise Failure(f"{name} has no page 2 element ([data-page=\"2\"][data-version])")

        # screenshot of the reader and a look at page 1 in it
        time.sleep(0.3)  # let the last paint settle
        shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
        shot_path = os.path.join(out_dir, "reader.png")
        with open(shot_path, "wb") as f:
            f.write(shot)
        rect = browser.eval(f"(() => {{ const r = {PAGE.format(n=1)}.querySelector('img').getBoundingClientRect();"
                            " return [r.left, r.top, r.width, Math.min(r.height, innerHeight - r.top)]; })()")
        if rect[2] < 200 or rect[3] < 100:
            raise Failure(f"page 1 is shown too small or off screen: {rect}")
        ratio = ink_ratio(shot, rect)
        log(f"screenshot {shot_path}: page 1 at {[round(v) for v in rect]}, {ratio:.1%} of it not white")
        if ratio < 0.01:
            raise Failure(f"page 1 looks blank in the screenshot ({ratio:.2%} non-white); see {shot_path}")

        # bring page 2 into view, then change a fact printed on it
        browser.eval(f"{PAGE.format(n=2)}.scrollIntoView({{block: 'start'}})")
        time.sleep(0.5)
        before = browser.eval(f"{PAGE.format(n=2)}.dataset.version")
        scroll_before = browser.eval("window.scrollY")
        log(f"page 2 version {before}, scrollY {scroll_before}")
        with open(fact_path, "w", encoding="utf-8") as f:
            f.write(re.sub("^" + re.escape(FACT_OLD) + "$", FACT_NEW, original, count=1, flags=re.M))
        edited = True
        t0 = time.time()
        log(f"edited {FACT_FILE}: {FACT_OLD.strip()} -> {FACT_NEW.strip()}")
        probe = (f"(() => {{ const w = {PAGE.format(n=2)};"
                 " return {v: w && w.dataset.version, at: window.yarlungLoadedAt,"
                 " y: window.scrollY, loaded: !!(w && w.querySelector('img').naturalWidth)}; })()")
        while True:
            try:
                state = browser.eval(probe)
            except Failure:
                # a navigation in progress destroys the page's script context: look again
                time.sleep(0.3)
                state = browser.eval(probe)
            if state["at"] != loaded_at:
                raise Failure("the page reloaded (window.yarlungLoadedAt changed) instead of swapping the image")
            if state["v"] and state["v"] != before:
                took = time.time() - t0
                break
            if time.time() - t0 > UPDATE_TIMEOUT:
                raise Failure(f"page 2 still has version {before} {UPDATE_TIMEOUT:.0f} s after the edit")
            time.sleep(0.1)
        log(f"page 2 updated to version {state['v']} in {took:.2f} s, no reload")
        if not state["loaded"]:
            raise Failure("page 2's new image did not load")
        if abs(state["y"] - scroll_before) > 2:
            raise Failure(f"the scroll position moved from {scroll_before} to {state['y']} during the update")
        src = browser.eval(f"{PAGE.format(n=2)}.querySelector('img').getAttribute('src')")
        if state["v"] not in src:
            log(f"note: page 2's image src {src} does not name its new hash {state['v']}")
        time.sleep(0.4)
        shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
        with open(os.path.join(out_dir, "reader-updated.png"), "wb") as f:
            f.write(shot)

        errors = browser.page_errors()
        if errors:
            raise Failure("the page reported errors:\n  " + "\n  ".join(errors))
        print(f"browser check passed: page 2 updated {took:.2f} s after the edit without a reload"
              f" (screenshots in {out_dir})", flush=True)
    except Failure as e:
        # say what the page itself reported, and keep a picture of the failure
        extra = browser.page_errors()
        try:
            shot = base64.b64decode(browser.call("Page.captureScreenshot", timeout=10, format="png")["data"])
            with open(os.path.join(out_dir, "failure.png"), "wb") as f:
                f.write(shot)
            extra.append(f"screenshot of the failure: {os.path.join(out_dir, 'failure.png')}")
        except Exception:
            pass
        if extra:
            raise Failure(f"{e}\n  " + "\n  ".join(extra)) from None
        raise
    finally:
        if edited:
            with open(fact_path, "w", encoding="utf-8") as f:
                f.write(original)
        browser.close()


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    url, project = sys.argv[1], sys.argv[2]
    out_dir = sys.argv[3] if len(sys.argv) == 4 else tempfile.mkdtemp(prefix="yarlung-browser-")
    try:
        run(url, project, out_dir)
    except Failure as e:
        print(f"browser check FAILED: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    except (OSError, websocket.WebSocketException, socket.error) as e:
        print(f"browser check FAILED: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
