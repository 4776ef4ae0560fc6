#!/usr/bin/env python3
"""Draw the seven placeholder figures of the Shannan brochure.

No real photographs are available yet, so each figure is a flat-vector
illustration of its subject, clearly labelled as a placeholder
("示意图 · 待替换为实拍照片" / "PLACEHOLDER ...": no figure number, which is a fact of data/figures.yaml).  Replace a file with a
real photograph of the same name (see README.md) and it is used instead.

Usage:
    python3 images/make-placeholders.py                 # all seven
    python3 images/make-placeholders.py fig1 fig5       # some of them
    python3 images/make-placeholders.py --font /path/NotoSansCJK-Regular.ttc

Fonts: /work/main/fonts/NotoSansCJKsc-Regular.otf and -Bold.otf (the
repository's fonts/ directory) are preferred; otherwise the font given with
--font (a .ttc defaults to face index 2, Simplified Chinese), then a system
Noto Sans CJK if one is installed.

Deterministic: every bit of irregularity comes from random.Random(seed) with
fixed seeds, so the same Pillow version always produces the same files.
"""

import argparse
import math
import os
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FONTS = None  # ((regular path, index), (bold path, index)), set by main()
SS = 2  # supersampling factor: drawn at 2x, downscaled for smooth edges
DPI = 300

# --------------------------------------------------------------------------
# Palette: plateau sky, snow, warm earth, Tibetan red / ochre accents.
# --------------------------------------------------------------------------
SKY_TOP = (26, 68, 130)
SKY_MID = (60, 118, 184)
SKY_LOW = (150, 192, 226)
SKY_HAZE = (204, 224, 238)
SNOW = (246, 248, 251)
SNOW_SH = (192, 208, 228)
ROCK_FAR = (112, 138, 174)
ROCK_FAR_SH = (86, 109, 147)
EARTH = (168, 136, 104)
EARTH_SH = (128, 100, 82)
GRASS = (190, 170, 108)
GRASS_DK = (150, 132, 84)
OCHRE = (204, 146, 62)
GOLD = (222, 172, 72)
TIB_RED = (164, 46, 38)
MAROON = (122, 40, 35)
WALL_WHITE = (245, 241, 233)
WALL_SIDE = (214, 206, 192)
INK = (44, 46, 56)
SKIN_A = (224, 182, 146)
SKIN_B = (198, 150, 112)
SKIN_C = (176, 128, 94)
HAIR = (38, 34, 36)
FLAG_COLS = [(64, 112, 182), (244, 242, 236), (186, 62, 50), (86, 150, 104), (232, 190, 74)]


def mix(a, b, t):
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


class Grad:
    """A linear gradient: stops are colours (evenly spaced) or (t, colour)
    pairs; t=0 at design coordinate a, t=1 at b, along axis 'y' or 'x'."""

    def __init__(self, stops, a, b, axis="y"):
        if isinstance(stops[0][1], tuple):
            self.stops = list(stops)
        else:
            n = len(stops) - 1
            self.stops = [(i / n, c) for i, c in enumerate(stops)]
        self.a, self.b, self.axis = a, b, axis

    def at(self, t):
        st = self.stops
        if t <= st[0][0]:
            return st[0][1]
        for (t0, c0), (t1, c1) in zip(st, st[1:]):
            if t <= t1:
                return mix(c0, c1, (t - t0) / (t1 - t0) if t1 > t0 else 1)
        return st[-1][1]

    def render(self, bbox, ss):
        x0, y0, x1, y1 = bbox
        w, h = x1 - x0, y1 - y0
        span = (self.b - self.a) or 1
        if self.axis == "y":
            vals = [self.at(((y0 + i + 0.5) / ss - self.a) / span) for i in range(h)]
            strip = Image.new("RGB", (1, h))
        else:
            vals = [self.at(((x0 + i + 0.5) / ss - self.a) / span) for i in range(w)]
            strip = Image.new("RGB", (w, 1))
        strip.putdata(vals)
        return strip.resize((w, h), Image.NEAREST)


class Canvas:
    """Design coordinates are final pixels; drawing happens at SS x."""

    def __init__(self, w, h, bg=(255, 255, 255), ss=SS):
        self.w, self.h, self.ss = w, h, ss
        self.img = Image.new("RGB", (w * ss, h * ss), bg)
        self.draw = ImageDraw.Draw(self.img)

    # ---- low level ------------------------------------------------------
    def _scale(self, kind, geom, kw):
        ss = self.ss
        kw = dict(kw)
        if "width" in kw:
            kw["width"] = max(1, int(round(kw["width"] * ss)))
        if "radius" in kw:
            kw["radius"] = kw["radius"] * ss
        if kind in ("polygon", "line"):
            g = [(x * ss, y * ss) for x, y in geom]
            xs = [p[0] for p in g]
            ys = [p[1] for p in g]
            pad = kw.get("width", 0)
            bb = (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
        else:
            g = [v * ss for v in geom]
            pad = kw.get("width", 0)
            bb = (g[0] - pad, g[1] - pad, g[2] + pad, g[3] + pad)
        return kind, g, kw, bb

    @staticmethod
    def _prim(d, kind, g, fill, kw):
        if kind == "polygon":
            d.polygon(g, fill=fill)
        elif kind == "line":
            d.line(g, fill=fill, width=kw["width"], joint="curve")
        elif kind == "ellipse":
            d.ellipse(g, fill=fill)
        elif kind == "rect":
            d.rectangle(g, fill=fill)
        elif kind == "rrect":
            r = min(kw["radius"], (g[2] - g[0]) / 2, (g[3] - g[1]) / 2)
            d.rounded_rectangle(g, radius=max(0, r), fill=fill)
        elif kind == "pieslice":
            d.pieslice(g, kw["start"], kw["end"], fill=fill)
        elif kind == "chord":
            d.chord(g, kw["start"], kw["end"], fill=fill)
        elif kind == "arc":
            d.arc(g, kw["start"], kw["end"], fill=fill, width=kw["width"])
        else:
            raise ValueError(kind)

    @staticmethod
    def _shift(kind, g, dx, dy):
        if kind in ("polygon", "line"):
            return [(x + dx, y + dy) for x, y in g]
        return [g[0] + dx, g[1] + dy, g[2] + dx, g[3] + dy]

    def clip_box(self, bb):
        W, H = self.w * self.ss, self.h * self.ss
        x0 = max(0, int(math.floor(bb[0])) - 2)
        y0 = max(0, int(math.floor(bb[1])) - 2)
        x1 = min(W, int(math.ceil(bb[2])) + 2)
        y1 = min(H, int(math.ceil(bb[3])) + 2)
        if x1 <= x0 or y1 <= y0:
            return None
        return (x0, y0, x1, y1)

    def mask(self, items, box=None):
        """Return (scaled box, L mask) of the union of items."""
        sc = [self._scale(k, g, kw) for k, g, kw in items]
        if box is None:
            bb = (min(s[3][0] for s in sc), min(s[3][1] for s in sc),
                  max(s[3][2] for s in sc), max(s[3][3] for s in sc))
            box = self.clip_box(bb)
        if box is None:
            return None, None
        m = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
        d = ImageDraw.Draw(m)
        for kind, g, kw, _ in sc:
            self._prim(d, kind, self._shift(kind, g, -box[0], -box[1]), 255, kw)
        return box, m

    def paint(self, box, fill, m, opacity=1.0):
        if box is None:
            return
        if opacity < 1:
            m = m.point(lambda v: int(v * opacity + 0.5))
        if isinstance(fill, Grad):
            src = fill.render(box, self.ss)
        else:
            src = Image.new("RGB", (box[2] - box[0], box[3] - box[1]), fill)
        self.img.paste(src, box[:2], m)

    def group(self, items, fill, op=1.0):
        if not isinstance(fill, Grad) and op >= 1:
            for k, g, kw in items:
                kind, sg, skw, _ = self._scale(k, g, kw)
                self._prim(self.draw, kind, sg, fill, skw)
            return
        box, m = self.mask(items)
        self.paint(box, fill, m, op)

    # ---- conveniences ---------------------------------------------------
    def poly(self, pts, fill, op=1.0):
        self.group([("polygon", pts, {})], fill, op)

    def rect(self, box, fill, op=1.0):
        self.group([("rect", box, {})], fill, op)

    def rrect(self, box, r, fill, op=1.0):
        self.group([("rrect", box, {"radius": r})], fill, op)

    def ell(self, box, fill, op=1.0):
        self.group([("ellipse", box, {})], fill, op)

    def circle(self, cx, cy, r, fill, op=1.0):
        self.group([("ellipse", (cx - r, cy - r, cx + r, cy + r), {})], fill, op)

    def line(self, pts, fill, w, op=1.0):
        self.group([("line", pts, {"width": w})], fill, op)

    def stroke(self, pts, fill, w, op=1.0):
        """A polyline with round caps and joints."""
        r = w / 2
        items = [("line", pts, {"width": w})]
        items += [("ellipse", (x - r, y - r, x + r, y + r), {}) for x, y in pts]
        self.group(items, fill, op)

    def sub(self, box, painter):
        """Paint a scene into a sub-canvas and paste it at box (design)."""
        x0, y0, x1, y1 = box
        sc = Canvas(int(x1 - x0), int(y1 - y0), ss=self.ss)
        painter(sc)
        self.img.paste(sc.img, (int(x0 * self.ss), int(y0 * self.ss)))

    def finish(self):
        return self.img.resize((self.w, self.h), Image.LANCZOS)


# --------------------------------------------------------------------------
# Shared motifs
# --------------------------------------------------------------------------

def sky(c, y0, y1, stops=None):
    stops = stops or [(0.0, SKY_TOP), (0.45, SKY_MID), (0.85, SKY_LOW), (1.0, SKY_HAZE)]
    c.rect((0, 0, c.w, y1), Grad(stops, y0, y1))


def sun(c, cx, cy, r):
    for k, op in ((3.2, 0.05), (2.4, 0.07), (1.7, 0.1)):
        c.circle(cx, cy, r * k, (255, 244, 214), op)
    c.circle(cx, cy, r, (255, 247, 226))


def cloud(c, cx, cy, s, op=0.9, col=(255, 255, 255)):
    c.group([
        ("rrect", (cx - 230 * s, cy - 20 * s, cx + 230 * s, cy + 42 * s), {"radius": 31 * s}),
        ("ellipse", (cx - 165 * s, cy - 75 * s, cx - 25 * s, cy + 40 * s), {}),
        ("ellipse", (cx - 70 * s, cy - 130 * s, cx + 120 * s, cy + 40 * s), {}),
        ("ellipse", (cx + 60 * s, cy - 70 * s, cx + 190 * s, cy + 40 * s), {}),
    ], col, op)


def ridge_points(keys, rng, rough=0.11, step=30):
    """Midpoint-displaced ridge through key points; returns (pts, key_idx)."""
    pts = [keys[0]]
    idx = [0]

    def md(a, b, depth):
        if depth == 0 or abs(b[0] - a[0]) < step:
            return [b]
        m = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + rng.uniform(-1, 1) * abs(b[0] - a[0]) * rough)
        return md(a, m, depth - 1) + md(m, b, depth - 1)

    for a, b in zip(keys, keys[1:]):
        pts += md(a, b, 7)
        idx.append(len(pts) - 1)
    return pts, idx


def mountain(c, keys, base, col, shade, seed, snow=SNOW, snow_sh=SNOW_SH,
             snowline=None, teeth=90, rough=0.11):
    """A range with lit and shaded facets and a toothed snow cap."""
    rng = random.Random(seed)
    ridge, idx = ridge_points(keys, rng, rough)
    poly = [(ridge[0][0], base)] + ridge + [(ridge[-1][0], base)]
    box, m = c.mask([("polygon", poly, {})])
    if box is None:
        return
    c.paint(box, col, m)
    shadows = []
    for k in range(1, len(keys) - 1):
        if keys[k][1] < keys[k - 1][1] and keys[k][1] < keys[k + 1][1]:
            a, b = idx[k], idx[k + 1]
            px, py = ridge[a]
            vx = ridge[b][0]
            # a jagged spur running down from the peak bounds the shaded face
            spur = [(px, py)]
            n = 6
            for j in range(1, n + 1):
                t = j / n
                sx = px + (vx - px) * 0.42 * t ** 1.4 + rng.uniform(-1, 1) * (vx - px) * 0.05 * (1 - t * 0.5)
                spur.append((sx, py + (base - py) * t))
            vy = ridge[b][1]
            gully = []
            for j in range(1, n + 1):
                t = j / n
                gx = vx - (vx - px) * 0.22 * t + rng.uniform(-1, 1) * (vx - px) * 0.03
                gully.append((gx, vy + (base - vy) * t))
            shadows.append(("polygon", ridge[a:b + 1] + gully + spur[::-1], {}))
    sh = None
    if shadows:
        _, sh = c.mask(shadows, box)
        sh = ImageChops.multiply(sh, m)
        c.paint(box, shade, sh)
    if snowline is not None:
        top = min(p[1] for p in ridge) - 20
        x = ridge[0][0]
        y = snowline
        line = []
        down = True
        while x < ridge[-1][0] + teeth:
            amp = teeth * rng.uniform(0.25, 1.0)
            line.append((x, snowline + (amp if down else -amp * 0.6)))
            down = not down
            x += teeth * rng.uniform(0.55, 1.1) * (1.0 if down else 0.7)
        snowpoly = [(ridge[0][0], top)] + line + [(line[-1][0], top)]
        _, sm = c.mask([("polygon", snowpoly, {})], box)
        sm = ImageChops.multiply(sm, m)
        c.paint(box, snow, sm)
        if sh is not None:
            c.paint(box, snow_sh, ImageChops.multiply(sm, sh))


def hill(c, fn, base, fill, x0=None, x1=None, step=12):
    x0 = -20 if x0 is None else x0
    x1 = c.w + 20 if x1 is None else x1
    pts = [(x0, base)]
    x = x0
    while x <= x1:
        pts.append((x, fn(x)))
        x += step
    pts += [(x1, fn(x1)), (x1, base)]
    c.poly(pts, fill)


def landscape(c, horizon=None, seed=1, sun_at=None, clouds=True):
    """Sky, snowy range and warm foothills filling canvas c (window views)."""
    W, H = c.w, c.h
    hz = horizon or H * 0.78
    sky(c, 0, hz)
    if sun_at:
        sun(c, sun_at[0] * W, sun_at[1] * H, H * 0.05)
    if clouds:
        cloud(c, W * 0.22, H * 0.2, H / 900, 0.85)
        cloud(c, W * 0.75, H * 0.3, H / 1300, 0.7)
    k = [(-0.05, 0.66), (0.1, 0.42), (0.24, 0.58), (0.4, 0.34), (0.55, 0.54), (0.7, 0.38),
         (0.86, 0.56), (1.05, 0.44)]
    mountain(c, [(x * W, y * H) for x, y in k], H + 10,
             Grad([ROCK_FAR, mix(ROCK_FAR, SKY_HAZE, 0.5)], H * 0.35, H * 0.9),
             ROCK_FAR_SH, seed, snowline=H * 0.5, teeth=H * 0.05)
    k2 = [(-0.05, 0.8), (0.15, 0.66), (0.33, 0.78), (0.52, 0.7), (0.7, 0.82), (0.88, 0.68), (1.05, 0.76)]
    mountain(c, [(x * W, y * H) for x, y in k2], H + 10,
             Grad([EARTH, mix(EARTH, GRASS, 0.6)], H * 0.65, H), EARTH_SH, seed + 1, rough=0.07)


def turbine(c, x, base, hub, ang, tint=0.0, tint_to=SKY_HAZE):
    H = base - hub
    white = mix((247, 249, 251), tint_to, tint)
    shade = mix((196, 207, 221), tint_to, tint)
    mid = mix((222, 229, 238), tint_to, tint)
    w0, w1 = H * 0.026, H * 0.012
    c.poly([(x - w0, base), (x + w0, base), (x + w1, hub), (x - w1, hub)], white)
    c.poly([(x + w0 * 0.15, base), (x + w0, base), (x + w1, hub), (x + w1 * 0.15, hub)], shade)
    c.rrect((x - H * 0.03, hub - H * 0.032, x + H * 0.075, hub + H * 0.03), H * 0.026, mid)
    c.rrect((x - H * 0.03, hub + H * 0.004, x + H * 0.075, hub + H * 0.03), H * 0.02, shade)
    L = H * 0.68
    lead = [(H * 0.02, H * 0.016), (L * 0.18, H * 0.031), (L * 0.55, H * 0.017), (L, H * 0.003)]
    trail = [(L, -H * 0.002), (L * 0.5, -H * 0.010), (L * 0.15, -H * 0.016), (H * 0.02, -H * 0.012)]
    for k in range(3):
        a = math.radians(ang + 120 * k)
        dx, dy = math.sin(a), -math.cos(a)
        px, py = math.cos(a), math.sin(a)

        def tf(u, v):
            return (x + u * dx + v * px, hub + u * dy + v * py)
        c.poly([tf(*p) for p in lead + trail], white)
        c.poly([tf(*p) for p in [(H * 0.02, 0), (L, 0)] + trail], mid)
    c.circle(x, hub, H * 0.03, white)
    c.circle(x + H * 0.006, hub + H * 0.006, H * 0.018, mid)


def prayer_flags(c, p0, p1, sag, n, size, op=1.0):
    """A string of lung-ta flags hanging between two points."""
    pts = []
    for i in range(n + 1):
        t = i / n
        pts.append((p0[0] + (p1[0] - p0[0]) * t, p0[1] + (p1[1] - p0[1]) * t + sag * 4 * t * (1 - t)))
    c.line(pts, (120, 110, 100), max(2, size * 0.06), op)
    for i in range(n):
        t = (i + 0.5) / n
        x = p0[0] + (p1[0] - p0[0]) * t
        y = p0[1] + (p1[1] - p0[1]) * t + sag * 4 * t * (1 - t)
        col = FLAG_COLS[i % 5]
        c.poly([(x - size * 0.42, y - size * 0.05), (x + size * 0.42, y - size * 0.05),
                (x + size * 0.38, y + size), (x - size * 0.38, y + size * 0.96)], col, op)


def person(c, x, feet, h, skin, top, bottom, hair=HAIR, shoes=(58, 54, 56),
           arms=None, hair_style="short", hat=None, skirt=False, gloves=None,
           apron=None, top_shade=None, collar=None):
    """A faceless, front-facing flat figure. arms: two point lists
    (shoulder→elbow→hand) in design coordinates, or None for hanging arms."""
    r = h * 0.068
    hcy = feet - h + r
    sh_y = feet - h * 0.805
    hip_y = feet - h * 0.47
    shw, hipw = h * 0.118, h * 0.095
    aw = h * 0.06
    if hair_style == "long":
        c.rrect((x - r * 1.08, hcy - r * 0.9, x + r * 1.08, sh_y + h * 0.1), r * 0.9, hair)
    # legs / skirt
    if skirt:
        c.poly([(x - hipw, hip_y - h * 0.02), (x + hipw, hip_y - h * 0.02),
                (x + hipw * 1.35, feet - h * 0.05), (x - hipw * 1.35, feet - h * 0.05)], bottom)
        for s in (-1, 1):
            c.rect((x + s * h * 0.05 - h * 0.025, feet - h * 0.06, x + s * h * 0.05 + h * 0.025, feet - h * 0.01), shoes)
    else:
        for s in (-1, 1):
            c.stroke([(x + s * h * 0.05, hip_y), (x + s * h * 0.056, feet - h * 0.04)], bottom, h * 0.085)
    for s in (-1, 1):
        c.ell((x + s * h * 0.06 - h * 0.05, feet - h * 0.04, x + s * h * 0.06 + h * 0.05, feet + h * 0.005), shoes)
    # torso
    rr = h * 0.045
    torso = [("polygon", [(x - shw + rr, sh_y), (x + shw - rr, sh_y), (x + shw, sh_y + rr),
                          (x + hipw, hip_y + h * 0.03), (x - hipw, hip_y + h * 0.03), (x - shw, sh_y + rr)], {}),
             ("ellipse", (x - shw, sh_y, x - shw + 2 * rr, sh_y + 2 * rr), {}),
             ("ellipse", (x + shw - 2 * rr, sh_y, x + shw, sh_y + 2 * rr), {})]
    c.group(torso, top)
    if top_shade:
        c.poly([(x + shw * 0.35, sh_y + h * 0.02), (x + shw, sh_y + rr), (x + hipw, hip_y + h * 0.03),
                (x + hipw * 0.45, hip_y + h * 0.03)], top_shade)
    if apron:
        ax0, ax1 = x - hipw * 0.8, x + hipw * 0.8
        ytop, ybot = hip_y - h * 0.04, feet - h * 0.1
        n = len(apron) * 2
        for i in range(n):
            c.rect((ax0 + (ax1 - ax0) * i / n, ytop, ax0 + (ax1 - ax0) * (i + 1) / n + 0.5, ybot), apron[i % len(apron)])
    if collar:
        c.poly([(x - h * 0.045, sh_y - h * 0.005), (x + h * 0.045, sh_y - h * 0.005), (x, sh_y + h * 0.07)], collar)
    # neck & head
    c.rect((x - h * 0.022, hcy + r * 0.6, x + h * 0.022, sh_y + h * 0.01), skin)
    c.circle(x, hcy, r, skin)
    if hair_style in ("short", "long", "bun"):
        c.group([("chord", (x - r * 1.05, hcy - r * 1.12, x + r * 1.05, hcy + r * 0.95), {"start": 180, "end": 360}),
                 ("ellipse", (x - r * 1.05, hcy - r * 0.5, x - r * 0.7, hcy + r * 0.25), {}),
                 ("ellipse", (x + r * 0.7, hcy - r * 0.5, x + r * 1.05, hcy + r * 0.25), {})], hair)
    if hair_style == "bun":
        c.circle(x + r * 0.55, hcy - r * 1.0, r * 0.42, hair)
    if hat == "cap":
        capc = top
        c.group([("chord", (x - r * 1.08, hcy - r * 1.2, x + r * 1.08, hcy + r * 0.8), {"start": 180, "end": 360})], capc)
        c.rrect((x - r * 1.15, hcy - r * 0.28, x + r * 1.15, hcy - r * 0.08), r * 0.1, mix(capc, (0, 0, 0), 0.25))
    elif hat == "sunhat":
        straw = (222, 190, 124)
        c.ell((x - r * 2.0, hcy - r * 0.75, x + r * 2.0, hcy - r * 0.15), straw)
        c.rrect((x - r * 0.95, hcy - r * 1.55, x + r * 0.95, hcy - r * 0.4), r * 0.6, mix(straw, (255, 255, 255), 0.12))
        c.rect((x - r * 0.96, hcy - r * 0.72, x + r * 0.96, hcy - r * 0.5), (150, 66, 48))
    # arms
    if arms is None:
        arms = [[(x - shw + aw * 0.5, sh_y + aw * 0.5), (x - shw - h * 0.012, sh_y + h * 0.17), (x - shw + h * 0.01, hip_y + h * 0.02)],
                [(x + shw - aw * 0.5, sh_y + aw * 0.5), (x + shw + h * 0.012, sh_y + h * 0.17), (x + shw - h * 0.01, hip_y + h * 0.02)]]
    for a in arms:
        c.stroke(a, top, aw)
        hx, hy = a[-1]
        c.circle(hx, hy, h * 0.031, gloves or skin)
    return {"head": (x, hcy, r), "shoulder_y": sh_y, "hip_y": hip_y, "shw": shw, "aw": aw}


def shoulders_xy(x, feet, h):
    """Shoulder points of person() for building custom arms."""
    sh_y = feet - h * 0.805
    shw = h * 0.118
    aw = h * 0.06
    return (x - shw + aw * 0.5, sh_y + aw * 0.5), (x + shw - aw * 0.5, sh_y + aw * 0.5)


def tibetan_window(c, x, y, w, h, glass=(84, 104, 128), frame=(46, 40, 40), lintel=True):
    """Window with the black trapezoid frame and painted lintel of Tibetan houses."""
    fw = w * 0.28
    c.poly([(x - fw * 0.55, y - h * 0.02), (x + w + fw * 0.55, y - h * 0.02),
            (x + w + fw, y + h + h * 0.06), (x - fw, y + h + h * 0.06)], frame)
    c.rect((x, y, x + w, y + h), glass)
    c.rect((x + w * 0.46, y, x + w * 0.54, y + h), mix(glass, WALL_WHITE, 0.55))
    if lintel:
        lh = h * 0.09
        c.rect((x - fw * 0.7, y - h * 0.02 - lh * 2.2, x + w + fw * 0.7, y - h * 0.02 - lh * 1.1), TIB_RED)
        c.rect((x - fw * 0.7, y - h * 0.02 - lh * 1.1, x + w + fw * 0.7, y - h * 0.02), (70, 110, 160))


def tibetan_house(c, x, base, w, h, side=0.32, flags=True, seed=0, door=True):
    """A new two-storey Tibetan-style village house with its right side wall."""
    band = h * 0.13
    sw = w * side
    rise = h * 0.07
    # side wall (receding to the upper right)
    c.poly([(x + w, base), (x + w + sw, base - rise), (x + w + sw, base - h - rise), (x + w, base - h)], WALL_SIDE)
    c.poly([(x + w, base - h), (x + w + sw, base - h - rise), (x + w + sw, base - h - rise + band),
            (x + w, base - h + band)], mix(MAROON, (0, 0, 0), 0.22))
    # roof cap
    c.poly([(x - w * 0.01, base - h - h * 0.025), (x + w + w * 0.01, base - h - h * 0.025),
            (x + w + sw, base - h - rise - h * 0.025), (x + sw - w * 0.01, base - h - rise - h * 0.025)],
           (96, 84, 78))
    # front wall
    c.rect((x, base - h, x + w, base), WALL_WHITE)
    c.rect((x, base - h - h * 0.03, x + w, base - h), (62, 50, 48))
    c.rect((x, base - h, x + w, base - h + band), MAROON)
    c.rect((x, base - h + band, x + w, base - h + band + h * 0.025), GOLD)
    c.rect((x, base - h * 0.06, x + w, base), mix(WALL_WHITE, EARTH, 0.35))
    # windows
    ww, wh = w * 0.16, h * 0.2
    for row, wy in enumerate((base - h * 0.66, base - h * 0.33)):
        for wx in (x + w * 0.16, x + w * 0.68):
            if row == 1 and door and wx > x + w * 0.5:
                continue
            tibetan_window(c, wx, wy, ww, wh)
    if door:
        dx, dw = x + w * 0.66, w * 0.2
        c.rect((dx - w * 0.03, base - h * 0.4, dx + dw + w * 0.03, base - h * 0.36), TIB_RED)
        c.rect((dx, base - h * 0.36, dx + dw, base - h * 0.06), (150, 50, 40))
        c.rect((dx + dw * 0.48, base - h * 0.36, dx + dw * 0.52, base - h * 0.06), (110, 36, 30))
    if flags:
        px = x + w * 0.06
        c.rect((px - h * 0.008, base - h - h * 0.32, px + h * 0.008, base - h), (110, 90, 70))
        rng = random.Random(seed)
        for i in range(3):
            col = FLAG_COLS[(i + rng.randint(0, 4)) % 5]
            fy = base - h - h * 0.3 + i * h * 0.07
            c.poly([(px, fy), (px + h * 0.09, fy + h * 0.02), (px, fy + h * 0.05)], col)


def concentrator(c, x, bottom, w, h, open_=False, tube=True):
    """A home oxygen concentrator: white case, dark control panel, grille,
    humidifier bottle; open_ shows the two blue sieve columns inside."""
    sd = w * 0.22
    body = (238, 241, 245)
    side = (203, 211, 222)
    top = bottom - h
    # side face
    c.poly([(x + w, top + w * 0.06), (x + w + sd, top - sd * 0.35 + w * 0.06),
            (x + w + sd, bottom - sd * 0.35), (x + w, bottom)], side)
    c.poly([(x + w * 0.06, top), (x + w * 0.94, top), (x + w + sd - w * 0.04, top - sd * 0.35),
            (x + sd + w * 0.06, top - sd * 0.35)], (250, 251, 253))
    c.rrect((x, top, x + w, bottom), w * 0.08, body)
    # handle recess
    c.rrect((x + sd * 0.2 + w * 0.3, top - sd * 0.25, x + sd * 0.2 + w * 0.7, top - sd * 0.1), sd * 0.08, (186, 194, 206))
    # control panel
    c.rrect((x + w * 0.1, top + h * 0.05, x + w * 0.9, top + h * 0.2), w * 0.04, (52, 62, 80))
    c.rrect((x + w * 0.17, top + h * 0.08, x + w * 0.5, top + h * 0.15), w * 0.02, (122, 214, 228))
    c.circle(x + w * 0.7, top + h * 0.125, w * 0.06, (210, 216, 226))
    c.circle(x + w * 0.7, top + h * 0.125, w * 0.03, (150, 160, 174))
    if open_:
        c.rrect((x + w * 0.07, top + h * 0.25, x + w * 0.93, bottom - h * 0.06), w * 0.03, (176, 184, 196))
        c.rect((x + w * 0.07, top + h * 0.25, x + w * 0.93, top + h * 0.28), (150, 158, 172))
        for cx in (x + w * 0.32, x + w * 0.64):
            cw = w * 0.22
            c.rrect((cx - cw / 2, top + h * 0.3, cx + cw / 2, bottom - h * 0.27), cw * 0.45, (78, 136, 204))
            c.rect((cx - cw * 0.25, top + h * 0.33, cx - cw * 0.1, bottom - h * 0.3), (136, 182, 230))
            c.rrect((cx - cw * 0.58, top + h * 0.3, cx + cw * 0.58, top + h * 0.34), cw * 0.1, (226, 230, 236))
            c.rrect((cx - cw * 0.58, bottom - h * 0.3, cx + cw * 0.58, bottom - h * 0.26), cw * 0.1, (226, 230, 236))
        c.rrect((x + w * 0.2, bottom - h * 0.23, x + w * 0.8, bottom - h * 0.09), w * 0.05, (92, 100, 116))
        for i in range(4):
            fx = x + w * 0.27 + i * w * 0.13
            c.rect((fx, bottom - h * 0.21, fx + w * 0.05, bottom - h * 0.11), (122, 130, 146))
        c.stroke([(x + w * 0.32, top + h * 0.3), (x + w * 0.32, top + h * 0.27), (x + w * 0.64, top + h * 0.27),
                  (x + w * 0.64, top + h * 0.3)], (240, 242, 246), w * 0.025)
    else:
        c.rect((x, top + h * 0.24, x + w, top + h * 0.26), (84, 140, 204))
        for i in range(6):
            gy = bottom - h * 0.36 + i * h * 0.045
            c.rrect((x + w * 0.2, gy, x + w * 0.8, gy + h * 0.018), h * 0.009, (204, 210, 220))
        # humidifier bottle and tube
        bx, by = x + w * 0.62, top + h * 0.32
        c.rrect((bx, by, bx + w * 0.24, by + h * 0.2), w * 0.05, (190, 222, 238))
        c.rect((bx + w * 0.03, by + h * 0.09, bx + w * 0.21, by + h * 0.185), (160, 204, 228))
        c.rrect((bx + w * 0.04, by - h * 0.03, bx + w * 0.2, by + h * 0.01), w * 0.02, (120, 132, 150))
        if tube:
            c.stroke([(bx + w * 0.12, by - h * 0.03), (bx + w * 0.12, by - h * 0.07), (bx - w * 0.25, by - h * 0.06),
                      (x + w * 0.12, by + h * 0.05), (x + w * 0.16, by + h * 0.2)], (150, 204, 196), w * 0.022)
    # casters
    for cxp in (x + w * 0.15, x + w * 0.85):
        c.circle(cxp, bottom + w * 0.02, w * 0.05, (60, 64, 72))


# --------------------------------------------------------------------------
# The seven figures
# --------------------------------------------------------------------------

def yak(c, x, y, s, facing=1):
    """A grazing yak, s = body height; (x, y) = hooves centre."""
    f = facing
    body = (66, 50, 42)
    dark = (48, 36, 32)
    c.ell((x - 1.1 * s, y - 1.45 * s, x + 1.1 * s, y - 0.45 * s), body)
    c.ell((x + f * 0.1 * s - 0.8 * s, y - 1.75 * s, x + f * 0.1 * s + 0.3 * s, y - 0.9 * s), body)  # hump
    c.poly([(x - 1.05 * s, y - 0.9 * s), (x + 1.05 * s, y - 0.9 * s), (x + 0.95 * s, y - 0.35 * s),
            (x - 0.95 * s, y - 0.35 * s)], dark)  # long skirt of hair
    for lx in (-0.75, -0.45, 0.45, 0.75):
        c.rect((x + lx * s - 0.08 * s, y - 0.5 * s, x + lx * s + 0.08 * s, y), dark)
    hx = x + f * 1.25 * s
    c.ell((hx - 0.32 * s, y - 1.2 * s, hx + 0.32 * s, y - 0.55 * s), body)  # lowered head
    c.stroke([(hx - 0.2 * s, y - 1.1 * s), (hx - 0.4 * s, y - 1.35 * s)], (226, 218, 200), 0.1 * s)
    c.stroke([(hx + 0.2 * s, y - 1.1 * s), (hx + 0.4 * s, y - 1.35 * s)], (226, 218, 200), 0.1 * s)
    c.stroke([(x - f * 1.05 * s, y - 1.2 * s), (x - f * 1.25 * s, y - 0.6 * s)], dark, 0.12 * s)


def fig1(c):
    """措美哲古风电场: turbines on a high plateau ridge under snow peaks."""
    W, H = c.w, c.h
    sky(c, 0, 2250, [(0.0, (22, 60, 122)), (0.4, (52, 108, 176)), (0.8, (140, 186, 224)), (1.0, (200, 222, 238))])
    sun(c, 3560, 700, 100)
    cloud(c, 880, 760, 1.5, 0.88)
    cloud(c, 4650, 480, 1.0, 0.75)
    cloud(c, 2000, 1180, 0.8, 0.6)
    far = [(-100, 1750), (420, 1470), (900, 1640), (1400, 1330), (1950, 1590), (2550, 1250), (3150, 1560),
           (3750, 1380), (4300, 1620), (4850, 1330), (5500, 1600)]
    mountain(c, far, 2400, Grad([(176, 194, 214), (200, 216, 232)], 1250, 2200),
             (150, 170, 196), 11, snowline=1560, teeth=110, snow=(248, 250, 252), snow_sh=(206, 218, 234))
    mid = [(-100, 2080), (520, 1830), (1150, 2000), (1700, 1870), (2350, 2020), (3000, 1880), (3700, 2040),
           (4350, 1800), (5000, 1960), (5500, 1900)]
    mountain(c, mid, 2500, Grad([(150, 146, 150), (176, 170, 160)], 1800, 2300), (124, 120, 128), 12,
             snowline=1880, teeth=70, snow=(240, 243, 247), snow_sh=(196, 204, 220), rough=0.09)

    def h0(x):
        return 2170 + 45 * math.sin(x / 520) + 30 * math.sin(x / 230 + 1)
    hill(c, h0, 2700, Grad([(188, 170, 116), (170, 152, 104)], 2100, 2500))
    for tx, th, ta in ((620, 300, 40), (1180, 420, 75), (4420, 430, 20), (5020, 330, 95), (3300, 280, 60)):
        turbine(c, tx, h0(tx) + 8, h0(tx) + 8 - th, ta, tint=0.35, tint_to=(200, 214, 228))

    def h1(x):
        return 2400 - 150 * math.exp(-((x - 2700) / 1400) ** 2) + 35 * math.sin(x / 380)
    hill(c, h1, 3700, Grad([(200, 178, 112), (172, 150, 92)], 2200, 3000))
    turbine(c, 2000, h1(2000) + 10, h1(2000) + 10 - 760, 78)
    turbine(c, 3520, h1(3520) + 10, h1(3520) + 10 - 700, 30)
    turbine(c, 2760, h1(2760) + 12, 1150, 8)

    hill(c, lambda x: 2700 + 70 * math.sin((x - 800) / 1100) + 25 * math.sin(x / 300), 3700,
         Grad([(184, 164, 104), (164, 144, 92)], 2600, 3200))

    def h2(x):
        return 2980 + 120 * math.sin((x + 300) / 900) + 40 * math.sin(x / 260)
    hill(c, h2, 3700, Grad([(160, 140, 88), (124, 108, 72)], 2800, 3600))
    for yx, yy, ys, yf in ((1640, 2700, 62, 1), (1800, 2745, 70, -1), (3350, 2640, 56, -1), (3560, 2690, 64, 1),
                           (3700, 2655, 50, 1)):
        yak(c, yx, yy, ys, yf)
    # dirt track winding up to the big turbine
    left, right = [], []
    for i in range(41):
        t = i / 40
        cx = 2760 + (1 - t) * (260 * math.sin(t * 4.2) - 120) * 1.0
        cy = h1(2760) + 20 + (3650 - h1(2760) - 20) * t ** 1.3
        hw = 8 + 150 * t ** 1.5
        left.append((cx - hw, cy))
        right.append((cx + hw, cy))
    c.poly(left + right[::-1], (214, 192, 150))
    c.poly(left + [(p[0] + 22 * (i / 40) ** 1.5 + 4, p[1]) for i, p in enumerate(left)][::-1], (186, 162, 120))
    # prayer flags on a small cairn by the track
    c.ell((1880, 3030, 2140, 3110), (150, 140, 128))
    c.ell((1920, 2985, 2100, 3060), (172, 162, 150))
    c.rect((2004, 2700, 2016, 3020), (110, 92, 72))
    prayer_flags(c, (2010, 2710), (2560, 2880), 70, 12, 46)
    prayer_flags(c, (2010, 2710), (1560, 2960), 70, 10, 46)


def text_font(size, bold=False):
    (rp, ri), (bp, bi) = FONTS
    return ImageFont.truetype(bp if bold else rp, int(size), index=bi if bold else ri)


def text(c, x, y, s, size, fill, op=1.0, bold=False, anchor="la"):
    """Text drawn as a mask so that it can be semi-transparent (chalk)."""
    f = text_font(size * c.ss, bold)
    d = ImageDraw.Draw(Image.new("L", (1, 1)))
    bb = d.textbbox((x * c.ss, y * c.ss), s, font=f, anchor=anchor)
    box = c.clip_box(bb)
    if box is None:
        return
    m = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
    ImageDraw.Draw(m).text((x * c.ss - box[0], y * c.ss - box[1]), s, font=f, fill=255, anchor=anchor)
    c.paint(box, fill, m, op)


def fig2(c):
    """雅江1号智算中心机房: a cold aisle between rows of server racks."""
    W, H = c.w, c.h
    vx, vy, f, cam = 1800, 1180, 1450, 1.5

    def P(X, Y, Z):
        return (vx + X / Z * f, vy - (Y - cam) / Z * f)

    def xface(X, Y0, Y1, Z0, Z1):
        return [P(X, Y0, Z0), P(X, Y1, Z0), P(X, Y1, Z1), P(X, Y0, Z1)]

    def yface(Y, X0, X1, Z0, Z1):
        return [P(X0, Y, Z0), P(X1, Y, Z0), P(X1, Y, Z1), P(X0, Y, Z1)]

    ZN, ZF, RW, RT, CE = 0.8, 8.0, 2.0, 2.3, 3.3
    c.rect((0, 0, W, H), (24, 34, 54))
    c.poly(yface(CE, -RW, RW, ZN, ZF), Grad([(14, 22, 38), (40, 56, 84)], 0, P(0, CE, ZF)[1]))
    for s in (-1, 1):
        c.poly(xface(s * RW, RT, CE, ZN, ZF), (30, 42, 64))
    # far wall with a window onto the plateau
    x0, y0 = P(-RW, CE, ZF)
    x1, y1 = P(RW, 0, ZF)
    c.rect((x0, y0, x1, y1), (46, 62, 92))
    wx0, wy0 = P(-1.25, 2.7, ZF)
    wx1, wy1 = P(1.25, 0.35, ZF)
    c.sub((wx0, wy0, wx1, wy1), lambda s: landscape(s, seed=21, clouds=False))
    for X in (-0.42, 0.42):
        a, _ = P(X, 0, ZF)
        c.rect((a - 5, wy0, a + 5, wy1), (60, 76, 104))
    c.rect((wx0 - 8, wy0 - 8, wx1 + 8, wy0 + 4), (60, 76, 104))
    c.rect((wx0 - 8, wy1 - 4, wx1 + 8, wy1 + 8), (60, 76, 104))
    # floor: raised-floor tiles
    c.poly(yface(0, -RW, RW, ZN, ZF), Grad([(124, 138, 160), (178, 188, 202)], P(0, 0, ZF)[1], H))
    X = -1.0
    while X <= 1.001:
        c.line([P(X, 0, ZN), P(X, 0, ZF)], (110, 124, 148), 3, 0.7)
        X += 0.5
    Z = ZN + 0.2
    while Z < ZF:
        c.line([P(-1.0, 0, Z), P(1.0, 0, Z)], (110, 124, 148), max(2, 6 / Z), 0.7)
        Z += 0.6
    for s in (-1, 1):
        c.poly(yface(0, s * 0.28, s * 0.42, ZN, ZF), (236, 244, 250), 0.12)
        c.poly(yface(0, s * 0.8, s * 1.0, ZN, ZF), (110, 214, 236), 0.16)
    # ceiling light strips
    for s in (-1, 1):
        Z = 1.0
        while Z < ZF - 0.3:
            c.poly(yface(CE, s * 0.22, s * 0.48, Z - 0.05, Z + 1.05), (200, 222, 240), 0.18)
            c.poly(yface(CE, s * 0.28, s * 0.42, Z, Z + 1.0), (232, 242, 250))
            Z += 1.3
    # ochre cable trays above the racks
    for s in (-1, 1):
        c.poly(yface(2.62, s * 1.02, s * 1.7, ZN, ZF), (142, 112, 66))
        c.poly(xface(s * 1.02, 2.62, 2.74, ZN, ZF), (204, 160, 84))
    # rack rows
    rng = random.Random(22)
    leds = [(110, 222, 236), (110, 222, 236), (126, 226, 170), (96, 170, 240), (240, 184, 86)]
    for s in (-1, 1):
        racks = []
        Z = 1.0
        while Z + 0.6 <= ZF - 0.3:
            racks.insert(0, (Z, Z + 0.6))
            Z += 0.62
        for z0, z1 in racks:
            X = s * 1.0
            c.poly(xface(X, 0, RT, z0, z1), (50, 66, 98))
            c.poly(xface(X, 0.08, RT - 0.12, z0 + 0.03, z1 - 0.03), Grad([(34, 48, 76), (24, 36, 60)], 0, H))
            Y = 0.2
            while Y < RT - 0.2:
                c.line([P(X, Y, z0 + 0.05), P(X, Y, z1 - 0.05)], (46, 64, 98), max(2, 5 / z0))
                Y += 0.135
            c.line([P(X, 0.15, z0 + 0.3), P(X, RT - 0.2, z0 + 0.3)], (40, 56, 86), max(2, 6 / z0))
            for _ in range(rng.randint(5, 9)):
                Y = 0.25 + rng.random() * (RT - 0.5)
                zz = z0 + 0.08 + rng.random() * 0.18
                px, py = P(X, Y, zz)
                r = 0.011 / zz * f
                col = leds[rng.randint(0, len(leds) - 1)]
                c.circle(px, py, r * 2.6, col, 0.18)
                c.circle(px, py, r, col)
        # glowing kick strip along the row
        c.poly(xface(s * 1.0, 0.03, 0.07, 1.0, racks[0][1]), (120, 224, 242))
        # near end panel of the row
        ex0, ey0 = P(s * 1.0, RT, 1.0)
        ex1, ey1 = P(s * 2.0, 0, 1.0)
        c.rect((min(ex0, ex1), ey0, max(ex0, ex1), H), (56, 74, 108))
        c.rect((min(ex0, ex1), ey0, max(ex0, ex1), ey0 + 30), (72, 92, 128))
        lx = ex0 + s * 60
        c.rect((min(lx, lx + s * 16), ey0 + 120, max(lx, lx + s * 16), H), (120, 224, 242), 0.7)
    # an engineer with a tablet walking down the aisle
    Zp = 4.2
    fx, fy = P(0.15, 0, Zp)
    hp = 1.72 / Zp * f
    sl, sr = shoulders_xy(fx, fy, hp)
    person(c, fx, fy, hp, SKIN_B, (236, 240, 244), (54, 60, 76), hair_style="short",
           top_shade=(206, 214, 224),
           arms=[[sl, (fx - hp * 0.13, fy - hp * 0.5), (fx - hp * 0.02, fy - hp * 0.56)],
                 [sr, (fx + hp * 0.14, fy - hp * 0.5), (fx + hp * 0.05, fy - hp * 0.58)]])
    c.rrect((fx - hp * 0.09, fy - hp * 0.66, fx + hp * 0.09, fy - hp * 0.55), hp * 0.01, (40, 48, 64))
    c.rect((fx - hp * 0.08, fy - hp * 0.65, fx + hp * 0.08, fy - hp * 0.56), (120, 214, 236))


def fig3(c):
    """清匠电器: workers assembling oxygen concentrators on a bench."""
    W, H = c.w, c.h
    c.rect((0, 0, W, 1500), Grad([(228, 222, 210), (240, 236, 226)], 0, 1500))
    c.rect((0, 0, W, 150), (210, 204, 192))
    # ribbon window with the plateau outside
    wx0, wy0, wx1, wy1 = 240, 330, 3360, 1110
    c.rect((wx0 - 22, wy0 - 22, wx1 + 22, wy1 + 22), (250, 250, 248))
    c.sub((wx0, wy0, wx1, wy1), lambda s: landscape(s, seed=31, sun_at=(0.83, 0.22)))
    for i in range(1, 5):
        mx = wx0 + (wx1 - wx0) * i / 5
        c.rect((mx - 11, wy0, mx + 11, wy1), (250, 250, 248))
    c.rect((wx0 - 40, wy1 + 22, wx1 + 40, wy1 + 44), (214, 208, 196))
    # pendant lamps
    for lx in (700, 1800, 2900):
        c.line([(lx - 300, 150), (lx - 300, 220)], (150, 146, 140), 5)
        c.line([(lx + 300, 150), (lx + 300, 220)], (150, 146, 140), 5)
        c.poly([(lx - 360, 262), (lx + 360, 262), (lx + 600, 620), (lx - 600, 620)], (255, 252, 236), 0.1)
        c.rrect((lx - 360, 218, lx + 360, 262), 18, (244, 246, 248))
        c.rect((lx - 340, 252, lx + 340, 262), (255, 250, 226))
    # floor with a safety line
    c.rect((0, 1500, W, H), Grad([(190, 194, 198), (166, 170, 178)], 1500, H))
    c.rect((0, 2110, W, 2135), (222, 176, 72))
    # workers behind the bench
    fy, hh = 2160, 1300
    uni, uni_sh, glove = (60, 100, 158), (50, 86, 140), (242, 242, 238)
    units = [(760, False), (1620, True), (2480, False)]
    bench_top = 1455
    uw, uh = 250, 430
    for (wxp, skin, style), (ux, op_) in zip(((560, SKIN_A, "short"), (1420, SKIN_B, "long"), (2280, SKIN_C, "short")), units):
        sl, sr = shoulders_xy(wxp, fy, hh)
        if op_:
            arms = [[sl, (wxp - 200, 1330), (wxp - 120, 1405)], [sr, (wxp + 190, 1280), (ux + uw * 0.5, bench_top - uh - 6)]]
        elif ux > 2000:
            arms = [[sl, (wxp - 190, 1360), (wxp - 60, 1280)], [sr, (wxp + 210, 1250), (ux + uw * 0.3, bench_top - uh + 60)]]
        else:
            arms = [[sl, (wxp - 160, 1390), (ux + uw * 0.05, 1290)], [sr, (wxp + 220, 1240), (ux + uw * 0.55, bench_top - uh - 10)]]
        person(c, wxp, fy, hh, skin, uni, (52, 60, 78), hat="cap", hair_style=style, gloves=glove,
               top_shade=uni_sh, collar=(236, 238, 240), arms=[])
        concentrator(c, ux, bench_top, uw, uh, open_=op_, tube=not op_)
        for a in arms:
            c.stroke(a, uni, hh * 0.06)
            c.circle(a[-1][0], a[-1][1], hh * 0.031, glove)
        if ux > 2000:  # a checklist
            c.poly([(wxp - 110, 1250), (wxp + 10, 1232), (wxp + 30, 1360), (wxp - 90, 1378)], (250, 248, 240))
            for i in range(4):
                c.line([(wxp - 84 + i * 3, 1275 + i * 24), (wxp - 4 + i * 3, 1262 + i * 24)], (150, 160, 176), 5)
            c.circle(wxp - 60, 1280, hh * 0.031, glove)
    # the bench
    c.rect((200, 1430, 2860, 1470), (226, 206, 170))
    c.rect((200, 1470, 2860, 1500), (186, 156, 116))
    c.rect((240, 1500, 2820, 1880), Grad([(112, 132, 158), (92, 110, 136)], 1500, 1880))
    for bx in range(240, 2820, 430):
        c.rect((bx + 24, 1530, bx + 406, 1850), (104, 124, 150))
        c.rrect((bx + 165, 1560, bx + 265, 1578), 9, (196, 204, 214))
    c.rect((240, 1880, 2820, 1905), (70, 82, 100))
    for lx in (270, 2750):
        c.rect((lx, 1905, lx + 40, 2150), (80, 92, 110))
        c.rect((lx - 20, 2140, lx + 60, 2158), (60, 70, 86))
    # parts bins and a screwdriver on the bench
    for bx, col in ((330, (222, 176, 72)), (1210, (84, 140, 204)), (2100, (222, 176, 72))):
        c.poly([(bx, 1372), (bx + 150, 1372), (bx + 138, 1450), (bx + 12, 1450)], col)
        c.rect((bx, 1372, bx + 150, 1386), mix(col, (255, 255, 255), 0.3))
    # finished units waiting on the floor
    for i, fx in enumerate((2960, 3180)):
        concentrator(c, fx - i * 10, 2040, 185, 330, tube=False)


def fig4(c):
    """山南市第二高级中学: a school with Tibetan detailing and 'smart campus' icons."""
    W, H = c.w, c.h
    sky(c, 0, 1450)
    sun(c, 520, 330, 70)
    cloud(c, 3050, 300, 0.85, 0.8)
    mountain(c, [(-100, 1150), (300, 820), (800, 1000), (1300, 700), (1900, 960), (2500, 660), (3050, 940),
                 (3700, 780)], 1500, Grad([ROCK_FAR, mix(ROCK_FAR, SKY_HAZE, 0.55)], 700, 1400), ROCK_FAR_SH, 41,
             snowline=860, teeth=60)
    mountain(c, [(-100, 1260), (600, 1130), (1300, 1240), (2100, 1150), (2900, 1250), (3700, 1120)], 1550,
             Grad([EARTH, mix(EARTH, GRASS, 0.5)], 1100, 1500), EARTH_SH, 42, rough=0.06)
    c.rect((0, 1440, W, H), Grad([(226, 216, 196), (206, 192, 168)], 1440, H))
    for i in range(-8, 9):
        c.line([(1800 + i * 90, 1540), (1800 + i * 520, H + 40)], (214, 202, 180), 6)
    base = 1540

    def block(x0, x1, top, floors, win_w=92):
        c.rect((x0, top, x1, base), WALL_WHITE)
        c.rect((x0 - 8, top - 18, x1 + 8, top), (62, 50, 48))
        c.rect((x0, top, x1, top + 62), MAROON)
        for i in range(int((x1 - x0) / 30)):
            c.circle(x0 + 15 + i * 30, top + 31, 7, (236, 220, 190))
        c.rect((x0, top + 62, x1, top + 72), GOLD)
        fh = (base - top - 110) / floors
        n = int((x1 - x0) / 150)
        gap = (x1 - x0) / n
        for fl in range(floors):
            wy = top + 110 + fl * fh + fh * 0.18
            for i in range(n):
                wx = x0 + gap * i + (gap - win_w) / 2
                tibetan_window(c, wx, wy, win_w, fh * 0.55, glass=(112, 150, 190), lintel=False)
                c.poly([(wx, wy), (wx + win_w * 0.45, wy), (wx, wy + fh * 0.3)], (160, 192, 222))
        c.rect((x0, base - 26, x1, base), mix(WALL_WHITE, EARTH, 0.3))

    block(520, 1460, 930, 3)
    block(2140, 3080, 930, 3)
    # centre block: glass entrance, big screen
    cx0, cx1, ctop = 1460, 2140, 760
    c.rect((cx0, ctop, cx1, base), (236, 232, 224))
    c.rect((cx0 - 10, ctop - 20, cx1 + 10, ctop), (62, 50, 48))
    c.rect((cx0, ctop, cx1, ctop + 70), MAROON)
    for i in range(int((cx1 - cx0) / 30)):
        c.circle(cx0 + 15 + i * 30, ctop + 35, 8, (236, 220, 190))
    c.rect((cx0, ctop + 70, cx1, ctop + 82), GOLD)
    c.rrect((cx0 + 70, 880, cx1 - 70, 1200), 14, (30, 44, 70))
    c.rrect((cx0 + 88, 898, cx1 - 88, 1182), 8, Grad([(34, 70, 120), (24, 48, 86)], 898, 1182))
    text(c, (cx0 + cx1) / 2, 960, "智慧校园", 92, (236, 244, 250), bold=True, anchor="mt")
    for i, bh in enumerate((40, 70, 55, 95, 80, 120)):
        bx = cx0 + 140 + i * 48
        c.rect((bx, 1160 - bh, bx + 32, 1160), (110, 214, 236))
    c.stroke([(cx0 + 440, 1150), (cx0 + 480, 1110), (cx0 + 515, 1130), (cx0 + 560, 1075)], (240, 190, 90), 10)
    c.rect((cx0, 1240, cx1, 1262), TIB_RED)
    c.rect((cx0 + 90, 1262, cx1 - 90, base), Grad([(120, 160, 198), (84, 122, 166)], 1262, base))
    for i in range(1, 5):
        gx = cx0 + 90 + (cx1 - cx0 - 180) * i / 5
        c.rect((gx - 5, 1262, gx + 5, base), (220, 226, 232))
    c.rect((cx0 - 40, base, cx1 + 40, base + 22), (232, 228, 220))
    c.rect((cx0 - 80, base + 22, cx1 + 80, base + 44), (218, 212, 202))
    # connected icons above the roof
    hub = (1800, ctop - 18)
    c.rect((hub[0] - 6, hub[1] - 110, hub[0] + 6, hub[1]), (90, 100, 116))
    c.circle(hub[0], hub[1] - 118, 18, (110, 214, 236))
    icons = [(900, 560, "cloud"), (1420, 380, "wifi"), (2180, 380, "cap"), (2700, 560, "play")]
    for ix, iy, kind in icons:
        n = 16
        for k in range(n):
            if k % 2 == 0:
                t0, t1 = k / n, (k + 1) / n
                a = (hub[0] + (ix - hub[0]) * t0, hub[1] - 118 + (iy - hub[1] + 118) * t0)
                b = (hub[0] + (ix - hub[0]) * t1, hub[1] - 118 + (iy - hub[1] + 118) * t1)
                c.line([a, b], (255, 255, 255), 7, 0.75)
    blue = (44, 100, 170)
    for ix, iy, kind in icons:
        c.circle(ix, iy, 118, (255, 255, 255), 0.25)
        c.circle(ix, iy, 96, (250, 252, 255), 0.95)
        if kind == "wifi":
            for rr in (62, 42, 22):
                c.group([("arc", (ix - rr, iy - rr + 20, ix + rr, iy + rr + 20), {"start": 225, "end": 315, "width": 12})], blue)
            c.circle(ix, iy + 22, 10, blue)
        elif kind == "cloud":
            c.group([("rrect", (ix - 56, iy - 4, ix + 56, iy + 34), {"radius": 19}),
                     ("ellipse", (ix - 40, iy - 30, ix + 4, iy + 14), {}),
                     ("ellipse", (ix - 18, iy - 50, ix + 38, iy + 6), {})], blue)
            c.stroke([(ix, iy + 58), (ix, iy + 18)], (222, 172, 72), 10)
            c.poly([(ix - 16, iy + 28), (ix + 16, iy + 28), (ix, iy + 8)], (222, 172, 72))
        elif kind == "cap":
            c.poly([(ix - 66, iy - 10), (ix, iy - 40), (ix + 66, iy - 10), (ix, iy + 20)], blue)
            c.poly([(ix - 38, iy + 4), (ix + 38, iy + 4), (ix + 38, iy + 38), (ix - 38, iy + 38)], blue)
            c.stroke([(ix + 52, iy - 8), (ix + 52, iy + 40)], (222, 172, 72), 8)
            c.circle(ix + 52, iy + 44, 10, (222, 172, 72))
        else:
            c.rrect((ix - 60, iy - 44, ix + 60, iy + 34), 10, blue)
            c.poly([(ix - 14, iy - 24), (ix + 22, iy - 5), (ix - 14, iy + 14)], (255, 255, 255))
            c.rect((ix - 20, iy + 40, ix + 20, iy + 52), blue)
    # flagpole
    c.rect((2660, 700, 2672, 1700), (170, 176, 186))
    c.circle(2666, 696, 12, (222, 172, 72))
    pts = [(2672 + t * 260, 716 + 18 * math.sin(t * 5)) for t in [i / 20 for i in range(21)]]
    pts += [(2672 + t * 260, 886 + 18 * math.sin(t * 5 + 0.4)) for t in [i / 20 for i in range(20, -1, -1)]]
    c.poly(pts, (196, 44, 38))
    c.rect((2630, 1690, 2710, 1712), (200, 194, 184))
    # trees and shrubs
    for tx, ty, tr in ((430, 1440, 130), (3170, 1440, 130), (330, 1500, 90), (3280, 1500, 90)):
        c.rect((tx - 10, ty, tx + 10, ty + 110), (110, 86, 64))
        c.ell((tx - tr * 0.8, ty - tr * 2.0, tx + tr * 0.8, ty + tr * 0.3), (118, 142, 92))
        c.ell((tx - tr * 0.1, ty - tr * 1.7, tx + tr * 0.75, ty + tr * 0.2), (100, 124, 80))
    for sx in range(620, 1420, 160):
        c.ell((sx, 1500, sx + 130, 1570), (126, 150, 96))
    for sx in range(2180, 3000, 160):
        c.ell((sx, 1500, sx + 130, 1570), (126, 150, 96))
    # running track and pitch in the foreground
    c.ell((-900, 2060, 2300, 3200), (180, 86, 66))
    for k in range(1, 4):
        c.group([("arc", (-900 + k * 40, 2060 + k * 40, 2300 - k * 40, 3200 - k * 40), {"start": 180, "end": 360, "width": 5})],
                (240, 232, 224))
    c.ell((-900 + 170, 2060 + 170, 2300 - 170, 3200 - 170), (124, 160, 98))
    c.group([("arc", (-300, 2400, 1700, 2900), {"start": 180, "end": 360, "width": 8})], (236, 240, 230), 0.8)
    # students crossing the square
    for sx, sy, sh, skin, hs in ((1560, 1790, 250, SKIN_B, "long"), (1700, 1820, 262, SKIN_C, "short"),
                                 (2250, 1760, 230, SKIN_B, "bun")):
        c.rrect((sx - sh * 0.12, sy - sh * 0.8, sx + sh * 0.12, sy - sh * 0.5), sh * 0.04, TIB_RED)
        person(c, sx, sy, sh, skin, (58, 96, 156), (58, 96, 156), hair_style=hs, collar=(240, 240, 240))


def fig5(c):
    """扎嘎新村: rows of new Tibetan-style houses by the river."""
    W, H = c.w, c.h
    sky(c, 0, 1150)
    cloud(c, 700, 330, 0.9, 0.85)
    cloud(c, 2700, 220, 0.7, 0.7)
    mountain(c, [(-100, 900), (400, 560), (900, 760), (1500, 470), (2100, 740), (2700, 520), (3250, 720), (3700, 600)],
             1250, Grad([ROCK_FAR, mix(ROCK_FAR, SKY_HAZE, 0.5)], 470, 1150), ROCK_FAR_SH, 51, snowline=700, teeth=60)
    mountain(c, [(-100, 760), (300, 880), (800, 1100), (1300, 1220), (2300, 1230), (2800, 1050), (3300, 900),
                 (3700, 820)], 1400, Grad([EARTH, mix(EARTH, GRASS, 0.55)], 800, 1300), EARTH_SH, 52, rough=0.08)
    hill(c, lambda x: 1210 + 20 * math.sin(x / 400), 2100, Grad([(194, 176, 116), (176, 156, 100)], 1200, 2000))
    # rows of houses, back to front, with trees and lanes
    rows = [(1330, 150, 100, 215, 560, 2950), (1555, 220, 146, 300, 380, 3100), (1830, 310, 205, 420, 200, 3200)]
    rng = random.Random(53)
    for ri, (base, w, h, gap, xs, xe) in enumerate(rows):
        c.rect((0, base - 6, W, base + h * 0.16), (220, 206, 176))
        x = xs
        i = 0
        while x < xe:
            if rng.random() < 0.55:
                tx = x - gap * 0.08
                th = h * rng.uniform(1.3, 1.7)
                col = [(134, 150, 84), (206, 170, 82), (116, 134, 76)][rng.randint(0, 2)]
                c.rect((tx - h * 0.02, base - th * 0.3, tx + h * 0.02, base), (110, 86, 64))
                c.ell((tx - h * 0.16, base - th, tx + h * 0.16, base - th * 0.22), col)
            x += gap
            i += 1
        x = xs
        i = 0
        while x < xe:
            tibetan_house(c, x, base, w, h, seed=ri * 100 + i)
            x += gap
            i += 1
    # prayer flags across the front row
    prayer_flags(c, (200 + 310 * 0.06, 1830 - 205 * 1.3), (620 + 310 * 0.06, 1830 - 205 * 1.3), 50, 9, 26)
    prayer_flags(c, (1460 + 310 * 0.06, 1830 - 205 * 1.3), (1880 + 310 * 0.06, 1830 - 205 * 1.3), 50, 9, 26)
    # river bank and the river
    c.rect((0, 1895, W, 2000), (206, 190, 150))

    def bank(x):
        return 1990 + 40 * math.sin(x / 500 + 0.5) + 18 * math.sin(x / 170)
    hill(c, bank, H + 20, Grad([(104, 162, 196), (70, 126, 170)], 1960, H))
    rng = random.Random(54)
    for _ in range(22):
        y = rng.uniform(2060, 2360)
        x = rng.uniform(-100, W)
        L = rng.uniform(120, 420) * (y - 1900) / 300
        c.rrect((x, y, x + L, y + 8 + (y - 2000) / 40), 6, (196, 226, 240), 0.45)
    hill(c, lambda x: 2330 - 60 * math.exp(-((x - 300) / 500) ** 2) + 12 * math.sin(x / 90), H + 20,
         (150, 140, 96), x1=900)


def pupil_back(c, x, sh_y, s, hair, skin, raise_=0, tails=False, uniform=(58, 96, 156)):
    """A seated pupil seen from behind: s = half shoulder width."""
    if raise_:
        c.stroke([(x + raise_ * 0.6 * s, sh_y + 0.2 * s), (x + raise_ * 0.8 * s, sh_y - 0.7 * s),
                  (x + raise_ * 0.72 * s, sh_y - 1.5 * s)], uniform, 0.36 * s)
        c.circle(x + raise_ * 0.72 * s, sh_y - 1.62 * s, 0.17 * s, skin)
    c.rrect((x - s, sh_y, x + s, sh_y + 2.4 * s), 0.4 * s, uniform)
    c.rect((x - s, sh_y + 0.35 * s, x + s, sh_y + 0.5 * s), (240, 242, 244))
    c.rect((x - 0.17 * s, sh_y - 0.3 * s, x + 0.17 * s, sh_y + 0.05 * s), skin)
    c.poly([(x - 0.32 * s, sh_y - 0.02 * s), (x + 0.32 * s, sh_y - 0.02 * s), (x, sh_y + 0.62 * s)], (200, 50, 42))
    hcy = sh_y - 0.62 * s
    c.circle(x - 0.56 * s, hcy + 0.05 * s, 0.13 * s, skin)
    c.circle(x + 0.56 * s, hcy + 0.05 * s, 0.13 * s, skin)
    c.circle(x, hcy, 0.56 * s, hair)
    if tails:
        for t in (-1, 1):
            c.ell((x + t * 0.42 * s - 0.16 * s, hcy + 0.2 * s, x + t * 0.42 * s + 0.16 * s, hcy + 0.8 * s), hair)
            c.circle(x + t * 0.42 * s, hcy + 0.24 * s, 0.09 * s, (200, 50, 42))


def fig6(c):
    """山南市第三小学: a teacher at the blackboard and her pupils."""
    W, H = c.w, c.h
    c.rect((0, 0, W, H), Grad([(240, 234, 220), (228, 220, 200)], 0, 1500))
    c.rect((0, 1450, W, H), (208, 190, 160))
    c.rect((0, 1440, W, 1456), (186, 160, 124))
    # window with a view of the mountains, ochre curtain
    c.rect((2600, 300, 3380, 1300), (252, 252, 250))
    c.sub((2630, 330, 3350, 1270), lambda s: landscape(s, seed=61, sun_at=(0.7, 0.2)))
    c.rect((2981, 330, 3001, 1270), (252, 252, 250))
    c.rect((2630, 790, 3350, 808), (252, 252, 250))
    c.rect((3260, 260, 3420, 1330), (214, 162, 86))
    for fx in (3300, 3350, 3390):
        c.line([(fx, 270), (fx, 1320)], (190, 138, 70), 8)
    c.rect((2560, 250, 3440, 268), (150, 110, 76))
    # blackboard with chalk
    c.rect((400, 340, 2320, 1230), (150, 108, 72))
    c.rect((430, 370, 2290, 1200), Grad([(52, 88, 74), (40, 72, 60)], 370, 1200))
    c.rect((400, 1230, 2320, 1262), (172, 130, 90))
    chalk = (244, 244, 236)
    c.stroke([(560, 1040), (760, 700), (880, 860), (1030, 600), (1240, 1040)], chalk, 12, 0.85)
    c.stroke([(700, 800), (760, 760), (800, 810)], chalk, 9, 0.8)
    c.stroke([(960, 720), (1030, 660), (1090, 730)], chalk, 9, 0.8)
    c.group([("arc", (1150, 470, 1290, 610), {"start": 0, "end": 360, "width": 10})], chalk, 0.85)
    for a in range(0, 360, 45):
        r0, r1 = 95, 130
        c.line([(1220 + r0 * math.cos(math.radians(a)), 540 + r0 * math.sin(math.radians(a))),
                (1220 + r1 * math.cos(math.radians(a)), 540 + r1 * math.sin(math.radians(a)))], chalk, 8, 0.8)
    text(c, 1380, 560, "雪山  蓝天", 150, chalk, 0.88)
    text(c, 1400, 780, "xuě shān  lán tiān", 74, chalk, 0.75)
    c.stroke([(1400, 960), (2150, 960)], chalk, 7, 0.6)
    c.rect((1800, 1236, 1860, 1252), (250, 250, 246))
    c.rect((1880, 1238, 1920, 1252), (240, 200, 120))
    # the teacher, pointing at the board
    tx, tfy, th = 2440, 2080, 1330
    sl, sr = shoulders_xy(tx, tfy, th)
    top, pants = (176, 72, 56), (66, 70, 86)
    person(c, tx, tfy, th, SKIN_B, top, pants, hair_style="bun", top_shade=(150, 58, 46), collar=(240, 236, 226),
           arms=[[sl, (tx - 260, 900), (2250, 700)], [sr, (tx + 150, 1190), (tx + 60, 1110)]])
    c.poly([(tx - 10, 1060), (tx + 150, 1040), (tx + 170, 1200), (tx + 5, 1220)], (64, 110, 170))
    c.circle(tx + 60, 1110, th * 0.031, SKIN_B)
    # pupils, far row then near row, with desks
    rng = random.Random(62)
    c.rect((150, 1660, 3450, 1700), (214, 178, 128))
    hairs = [(40, 34, 32), (56, 42, 34), (30, 28, 30)]
    skins = [SKIN_A, SKIN_B, SKIN_C]
    for i, px in enumerate((420, 800, 1180, 1560, 1940, 2320, 2700, 3080)):
        pupil_back(c, px, 1650, 95, hairs[i % 3], skins[(i + 1) % 3], raise_=(1 if i in (2, 5) else 0),
                   tails=(i in (1, 4, 6)))
    c.rect((0, 1960, W, 2020), (222, 188, 138))
    c.rect((0, 2020, W, 2050), (176, 142, 100))
    for i, px in enumerate((330, 900, 1470, 2040, 2610, 3180)):
        pupil_back(c, px, 2080, 150, hairs[(i + 1) % 3], skins[i % 3], raise_=(-1 if i == 1 else (1 if i == 3 else 0)),
                   tails=(i in (0, 3)))


def chili(c, x, y, L, col=(200, 46, 36), lean=0.0):
    """A hanging chili pod: curved, tapering, with a green calyx and stem."""
    if L < 14:
        c.ell((x - L * 0.14, y, x + L * 0.14, y + L), col)
        return
    left, right = [], []
    n = 10
    for i in range(n + 1):
        t = i / n
        cx = x + lean * L * t * t + 0.05 * L * math.sin(t * math.pi)
        cy = y + L * t * (1 - 0.08 * abs(lean))
        w = L * 0.12 * (1 - t ** 1.8) + L * 0.012
        left.append((cx - w, cy))
        right.append((cx + w, cy))
    c.poly(left + right[::-1], col)
    c.poly([(p[0] + L * 0.035, p[1]) for p in left[1:7]] + [(p[0] + L * 0.075, p[1]) for p in left[1:7]][::-1],
           mix(col, (255, 255, 255), 0.35))
    c.stroke([(x, y), (x + L * 0.05, y - L * 0.16), (x + L * 0.12, y - L * 0.24)], (72, 118, 60), L * 0.05)
    c.ell((x - L * 0.14, y - L * 0.06, x + L * 0.14, y + L * 0.07), (72, 118, 60))


def fig7(c):
    """措美县辣椒种植: an agricultural expert and a farmer among chili rows."""
    W, H = c.w, c.h
    sky(c, 0, 1100)
    sun(c, 2950, 300, 70)
    cloud(c, 800, 300, 0.8, 0.85)
    mountain(c, [(-100, 820), (350, 520), (900, 760), (1450, 470), (2050, 720), (2600, 540), (3150, 780),
                 (3700, 600)], 1150, Grad([ROCK_FAR, mix(ROCK_FAR, SKY_HAZE, 0.5)], 470, 1100), ROCK_FAR_SH, 71,
             snowline=680, teeth=55)
    mountain(c, [(-100, 1000), (500, 920), (1100, 1060), (1800, 960), (2500, 1070), (3100, 930), (3700, 1010)],
             1260, Grad([EARTH, mix(EARTH, GRASS, 0.5)], 900, 1220), EARTH_SH, 72, rough=0.06)
    c.rect((0, 1180, W, H), Grad([(184, 138, 94), (150, 104, 70)], 1180, H))
    # polytunnel greenhouses
    for gx in (330, 1060, 1790, 2520, 3250):
        gw, gh, base = 640, 250, 1250
        back = [(gx - gw / 2 + 70 + gw / 2 * math.cos(math.pi * t / 30) * -1, base - 60 - gh * math.sin(math.pi * t / 30))
                for t in range(31)]
        c.poly([(p[0], p[1]) for p in back] + [(gx + gw / 2, base), (gx - gw / 2, base)], (214, 222, 226))
        arch = [(gx - gw / 2 * math.cos(math.pi * t / 30), base - gh * math.sin(math.pi * t / 30)) for t in range(31)]
        c.poly(arch, (238, 243, 245), 0.95)
        c.rect((gx - gw / 2, base - 70, gx + gw / 2, base), (106, 146, 86), 0.6)
        c.rect((gx - 60, base - 170, gx + 60, base), (188, 200, 206))
        for k in (0.3, 0.6):
            c.group([("arc", (gx - gw / 2 * k - 8, base - gh * k, gx + gw / 2 * k + 8, base + gh * k),
                      {"start": 180, "end": 360, "width": 6})], (204, 212, 218))
    # chili rows in perspective, drawn back to front with the people
    vx, vy, hc = 1800, 1000, 1.6
    items = []
    rng = random.Random(73)
    for row in range(-6, 7):
        X = row * 1.2
        Zs = 0.9
        z = 6.2
        while z > Zs:
            y = vy + hc * 1000 / z
            if y > 1270:
                items.append((y, "bush", X + rng.uniform(-0.05, 0.05), z, rng.random()))
            z -= 0.42
    items.append((2070, "expert", 0.6, None, None))
    items.append((2010, "farmer", -0.6, None, None))
    items.sort(key=lambda it: it[0])
    for y, kind, X, z, r in items:
        px = (y - vy) / hc  # pixels per metre at this depth
        x = vx + X * px
        if kind == "bush":
            bw, bh = 0.62 * px, 0.5 * px
            c.ell((x - bw / 2, y - bh, x + bw / 2, y + bh * 0.12), (78, 124, 64))
            c.ell((x - bw * 0.42, y - bh * 1.05, x + bw * 0.15, y - bh * 0.25), (96, 146, 74))
            c.ell((x - bw * 0.05, y - bh * 0.9, x + bw * 0.45, y - bh * 0.15), (88, 136, 70))
            n = 3 + int(r * 4)
            for k in range(n):
                cx_ = x + (((k * 0.37 + r) % 1) - 0.5) * bw * 0.8
                cy_ = y - bh * (0.2 + ((k * 0.61 + r * 1.7) % 1) * 0.55)
                col = [(206, 44, 36), (178, 34, 30), (206, 44, 36), (104, 150, 62)][(k + int(r * 10)) % 4]
                chili(c, cx_, cy_, max(6, 0.16 * px), col, lean=(k % 3 - 1) * 0.18)
        elif kind == "expert":
            hh = 1.55 * px * 0.62
            sl, sr = shoulders_xy(x, y, hh)
            person(c, x, y, hh, SKIN_A, (176, 204, 230), (70, 74, 88), hat="sunhat", top_shade=(150, 178, 208),
                   arms=[[sl, (x - hh * 0.2, y - hh * 0.55), (x - hh * 0.33, y - hh * 0.44)],
                         [sr, (x + hh * 0.16, y - hh * 0.5), (x + hh * 0.02, y - hh * 0.58)]])
            c.poly([(x - hh * 0.11, y - hh * 0.8), (x - hh * 0.03, y - hh * 0.8), (x - hh * 0.05, y - hh * 0.45),
                    (x - hh * 0.1, y - hh * 0.45)], (178, 150, 100))
            c.poly([(x + hh * 0.11, y - hh * 0.8), (x + hh * 0.03, y - hh * 0.8), (x + hh * 0.05, y - hh * 0.45),
                    (x + hh * 0.1, y - hh * 0.45)], (178, 150, 100))
            c.rrect((x - hh * 0.1, y - hh * 0.66, x + hh * 0.1, y - hh * 0.52), hh * 0.012, (44, 52, 66))
            c.rect((x - hh * 0.088, y - hh * 0.65, x + hh * 0.088, y - hh * 0.535), (150, 216, 170))
            c.circle(x + hh * 0.02, y - hh * 0.58, hh * 0.031, SKIN_A)
            chili(c, x - hh * 0.33, y - hh * 0.46, hh * 0.08, (206, 48, 38), lean=0.2)
            c.circle(x - hh * 0.33, y - hh * 0.44, hh * 0.031, SKIN_A)
        else:
            hh = 1.5 * px * 0.62
            sl, sr = shoulders_xy(x, y, hh)
            person(c, x, y, hh, SKIN_C, (110, 44, 40), (96, 38, 34), hair_style="long", skirt=True,
                   apron=[(190, 62, 50), (70, 120, 170), (230, 184, 74), (80, 140, 96)], top_shade=(92, 36, 32),
                   collar=(236, 226, 206),
                   arms=[[sl, (x - hh * 0.17, y - hh * 0.58), (x - hh * 0.12, y - hh * 0.5)],
                         [sr, (x + hh * 0.17, y - hh * 0.58), (x + hh * 0.12, y - hh * 0.5)]])
            bx0, bx1, by0, by1 = x - hh * 0.2, x + hh * 0.2, y - hh * 0.55, y - hh * 0.36
            for k in range(9):
                chili(c, bx0 + hh * 0.04 + k * hh * 0.04, by0 - hh * 0.03 - (k % 2) * hh * 0.02, hh * 0.07,
                      (206, 44, 36) if k % 3 else (178, 34, 30), lean=((k % 3) - 1) * 0.3)
            c.poly([(bx0, by0), (bx1, by0), (bx1 - hh * 0.03, by1), (bx0 + hh * 0.03, by1)], (196, 150, 78))
            for k in range(1, 4):
                yy = by0 + (by1 - by0) * k / 4
                c.line([(bx0 + hh * 0.01, yy), (bx1 - hh * 0.01, yy)], (168, 124, 60), hh * 0.008)
            c.circle(x - hh * 0.12, y - hh * 0.5, hh * 0.031, SKIN_C)
            c.circle(x + hh * 0.12, y - hh * 0.5, hh * 0.031, SKIN_C)


FIGS = [
    ("fig1", "fig1-wind-farm.png", (5400, 3600), "①", "措美哲古风电场", fig1),
    ("fig2", "fig2-computing-centre.png", (3600, 2400), "②", "“雅江1号”智算中心机房", fig2),
    ("fig3", "fig3-oxygen-factory.png", (3600, 2400), "③", "清匠电器组装制氧机", fig3),
    ("fig4", "fig4-smart-campus.png", (3600, 2400), "④", "山南二高“智慧校园”", fig4),
    ("fig5", "fig5-zhaga-village.png", (3600, 2400), "⑤", "桑日县扎嘎新村", fig5),
    ("fig6", "fig6-teachers.png", (3600, 2400), "⑥", "山南市第三小学课堂", fig6),
    ("fig7", "fig7-chili-farm.png", (3600, 2400), "⑦", "措美县辣椒种植", fig7),
]


# --------------------------------------------------------------------------
# Label, fonts, output
# --------------------------------------------------------------------------

def font_covers(path, index, chars):
    """True if the font has a glyph for every non-space character (a missing
    one renders exactly like the .notdef glyph of an unassigned code point)."""
    try:
        f = ImageFont.truetype(path, 40, index=index)
    except OSError:
        return False

    def sig(ch):
        m = f.getmask(ch)
        return m.size, bytes(m)
    notdef = sig("\U0010FFFD")
    return all(sig(ch) != notdef for ch in set(chars) if not ch.isspace())


def needed_chars():
    s = "示意图 · 待替换为实拍照片PLACEHOLDER  图" + "智慧校园雪山蓝天xuě shān lán tiān"
    for _key, _name, _size, num, subject, _fn in FIGS:
        s += num + subject
    return s


def find_fonts(cli_font, cli_bold, cli_index):
    chars = needed_chars()
    cands = []
    reg = os.path.join(ROOT, "fonts", "NotoSansCJKsc-Regular.otf")
    bold = os.path.join(ROOT, "fonts", "NotoSansCJKsc-Bold.otf")
    cands.append(((reg, 0), (bold, 0)))
    if cli_font:
        idx = cli_index if cli_index is not None else (2 if cli_font.lower().endswith(".ttc") else 0)
        b = cli_bold or cli_font.replace("Regular", "Bold")
        cands.append(((cli_font, idx), (b, idx)))
    for p in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"):
        idx = 2 if p.endswith(".ttc") else 0
        cands.append(((p, idx), (p.replace("Regular", "Bold"), idx)))
    for (rp, ri), (bp, bi) in cands:
        if not os.path.exists(rp):
            continue
        if not font_covers(rp, ri, chars):
            print(f"note: {rp} lacks some label characters, trying the next font", file=sys.stderr)
            continue
        if not (os.path.exists(bp) and font_covers(bp, bi, chars)):
            bp, bi = rp, ri
        return (rp, ri), (bp, bi)
    sys.exit("no CJK font: put NotoSansCJKsc-Regular.otf in fonts/ or pass --font PATH "
             "(e.g. NotoSansCJK-Regular.ttc from Debian's fonts-noto-cjk, face index 2)")


def add_label(img, num, subject, right, bottom, scale, fonts):
    (rp, ri), (bp, bi) = fonts
    f1 = ImageFont.truetype(bp, int(56 * scale), index=ri if bp == rp else bi)
    f2 = ImageFont.truetype(rp, int(38 * scale), index=ri)
    l1 = "示意图 · 待替换为实拍照片"
    l2 = f"PLACEHOLDER  {subject}"
    d = ImageDraw.Draw(img)
    b1 = d.textbbox((0, 0), l1, font=f1)
    b2 = d.textbbox((0, 0), l2, font=f2)
    pad, gap, bar = 34 * scale, 18 * scale, 8 * scale
    bw = max(b1[2] - b1[0], b2[2] - b2[0]) + 2 * pad + bar + 6 * scale
    bh = (b1[3] - b1[1]) + gap + (b2[3] - b2[1]) + 2 * pad
    x0, y0 = int(right - bw), int(bottom - bh)
    region = img.crop((x0, y0, int(right), int(bottom))).convert("RGBA")
    ov = Image.new("RGBA", region.size, (0, 0, 0, 0))
    od = ImageDraw.Draw(ov)
    od.rounded_rectangle((0, 0, region.size[0] - 1, region.size[1] - 1), radius=int(20 * scale),
                         fill=(18, 28, 44, 168), outline=(255, 255, 255, 70), width=max(1, int(2 * scale)))
    od.rounded_rectangle((pad * 0.55, pad, pad * 0.55 + bar, region.size[1] - pad), radius=int(bar / 2),
                         fill=(222, 172, 72, 235))
    tx = pad + bar + 6 * scale
    od.text((tx - b1[0], pad - b1[1]), l1, font=f1, fill=(255, 255, 255, 255))
    od.text((tx - b2[0], pad + (b1[3] - b1[1]) + gap - b2[1]), l2, font=f2, fill=(214, 224, 236, 255))
    region = Image.alpha_composite(region, ov).convert("RGB")
    img.paste(region, (x0, y0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("figs", nargs="*", help="fig1 … fig7 (default: all)")
    ap.add_argument("--font", help="CJK font (.otf/.ttc) if fonts/NotoSansCJKsc-Regular.otf is absent")
    ap.add_argument("--bold-font", help="bold CJK font (default: the --font file with Regular→Bold)")
    ap.add_argument("--font-index", type=int, help="face index in a .ttc (default 2 = SC)")
    ap.add_argument("--outdir", default=HERE)
    args = ap.parse_args()
    global FONTS
    fonts = FONTS = find_fonts(args.font, args.bold_font, args.font_index)
    print(f"fonts: {fonts[0][0]} [{fonts[0][1]}], {fonts[1][0]} [{fonts[1][1]}]")
    for key, name, (w, h), num, subject, painter in FIGS:
        if args.figs and key not in args.figs:
            continue
        c = Canvas(w, h)
        painter(c)
        img = c.finish()
        del c
        if key == "fig1":
            # the cover crops a centred portrait (2551 x 3579 at 300 ppi):
            # keep the label inside that crop's safe area
            cw = h * 2551 / 3579
            right = (w + cw) / 2 - cw * 0.08
            add_label(img, num, subject, right, h * 0.92, 1.25, fonts)
        else:
            add_label(img, num, subject, w * 0.92, h * 0.92, 1.0, fonts)
        path = os.path.join(args.outdir, name)
        img.save(path, optimize=True, dpi=(DPI, DPI))
        print(f"{path}: {w}x{h}, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
