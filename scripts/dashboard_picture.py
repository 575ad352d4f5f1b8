#!/usr/bin/env python3
"""Draws the Grafana dashboard's panels as one SVG from a Prometheus server's data.

Reads the dashboard JSON (panel types, titles, grid positions, queries, legend formats, units,
thresholds, value mappings), asks Prometheus's HTTP API (/api/v1/query, /api/v1/query_range) for
each query over [start, end], and places each panel where the dashboard's gridPos puts it.
Stat panels show the last value coloured by their thresholds, time series draw lines with a
legend (series that stayed 0 throughout are left out), tables list the last value of each series.
Standard library only.

  dashboard_picture.py --prometheus URL --dashboard FILE --start UNIX --end UNIX --out FILE.svg
"""

import argparse
import json
import math
import sys
import time
import urllib.parse
import urllib.request
from xml.sax.saxutils import escape

WIDTH = 1600
MARGIN = 12
ROW = 30  # pixels per gridPos height unit, as Grafana draws them
HEADER = 44
BG, PANEL, BORDER, TEXT, DIM, GRID = "#111217", "#181b1f", "#2c3235", "#ccccdc", "#8e8e9e", "#25282d"
PALETTE = ["#73BF69", "#F2CC0C", "#5794F2", "#FF9830", "#F2495C", "#B877D9",
           "#8AB8FF", "#FADE2A", "#FFB357", "#CA95E5", "#96D98D", "#FF7383"]
NAMED = {"red": "#F2495C", "green": "#73BF69", "orange": "#FF9830", "yellow": "#FADE2A"}
FONT = "font-family='Inter, Helvetica, Arial, sans-serif'"


def prom(base, path, **params):
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        sys.exit(f"Prometheus refused {params.get('query')!r}: {body.get('error')}")
    return body["data"]["result"]


def legend(fmt, labels, expr):
    if not fmt:
        return expr if not labels else "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"
    out = fmt
    for k, v in labels.items():
        out = out.replace("{{" + k + "}}", v)
    while "{{" in out:  # a label the series does not carry
        a = out.index("{{")
        b = out.find("}}", a)
        out = out[:a] + out[b + 2:] if b >= 0 else out[:a]
    return out.strip()


def num(v):
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if math.isnan(v):
        return "NaN"
    if v == 0:
        return "0"
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{v:.3g}"


def fmt(v, unit):
    if v == 0 or math.isinf(v) or math.isnan(v) or unit not in ("s", "d"):
        return num(v)
    secs = v * 86400 if unit == "d" else v
    for size, name in ((365 * 86400, "years"), (86400, "days"), (3600, "h"), (60, "min")):
        if abs(secs) >= size:
            return f"{secs / size:.1f} {name}"
    return f"{secs:.1f} s"


def threshold_color(v, cfg):
    steps = cfg.get("thresholds", {}).get("steps") or []
    color = None
    for s in steps:
        if s.get("value") is None or (not math.isnan(v) and v >= s["value"]):
            color = s["color"]
    return NAMED.get(color, color)


def mapped(v, cfg):
    for m in cfg.get("mappings") or []:
        if m.get("type") == "value":
            hit = m["options"].get(num(v).replace(",", ""))
            if hit:
                return hit.get("text"), NAMED.get(hit.get("color"), hit.get("color"))
    return None, None


def text(x, y, s, size=12, color=TEXT, anchor="start", weight="normal"):
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' fill='{color}' text-anchor='{anchor}' "
            f"font-weight='{weight}' {FONT}>{escape(s)}</text>")


def stat(svg, box, panel, series):
    x, y, w, h = box
    cfg = panel.get("fieldConfig", {}).get("defaults", {})
    values = [(name, v) for name, points in series for v in [points[-1][1]] if points]
    if not values:
        svg.append(text(x + w / 2, y + h / 2 + 6, "No data", 16, DIM, "middle"))
        return
    cell = w / len(values)
    for i, (name, v) in enumerate(values):
        cx = x + i * cell
        label, color = mapped(v, cfg)
        color = color or threshold_color(v, cfg)
        if color and panel.get("options", {}).get("colorMode") == "background":
            svg.append(f"<rect x='{cx + 2:.1f}' y='{y:.1f}' width='{cell - 4:.1f}' height='{h:.1f}' rx='3' fill='{color}'/>")
            fg = "#ffffff"
        else:
            fg = color or TEXT
        if len(values) > 1 or panel["targets"][0].get("legendFormat"):
            svg.append(text(cx + cell / 2, y + 16, name, 11, fg, "middle"))
        size = min(34, h * 0.45, cell / max(4, len(label or fmt(v, cfg.get("unit")))) * 1.6)
        svg.append(text(cx + cell / 2, y + h / 2 + size / 2 + 6, label or fmt(v, cfg.get("unit")), size, fg, "middle", "bold"))


def legend_rows(names, width):
    rows, row, used = [], [], 0
    for i, n in enumerate(names):
        need = 24 + 6.2 * len(n)
        if row and used + need > width:
            rows.append(row)
            row, used = [], 0
        row.append((i, n))
        used += need
    if row:
        rows.append(row)
    return rows


def timeseries(svg, box, panel, series, t0, t1):
    x, y, w, h = box
    unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
    finite = [v for _, pts in series for _, v in pts if math.isfinite(v)]
    if not finite:
        svg.append(text(x + w / 2, y + h / 2 + 6, "No data", 16, DIM, "middle"))
        return
    rows = legend_rows([n for n, _ in series], w)
    shown = rows[:3]
    legend_h = 16 * len(shown) + 4
    left, bottom = 58, 18
    px, py, pw, ph = x + left, y + 4, w - left - 4, h - legend_h - bottom - 4
    lo, hi = min(finite), max(finite)
    lo = min(lo, 0) if lo >= 0 else lo
    if hi == lo:
        hi = lo + 1
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        yy = py + ph - ph * k / 4
        svg.append(f"<line x1='{px:.1f}' y1='{yy:.1f}' x2='{px + pw:.1f}' y2='{yy:.1f}' stroke='{GRID}'/>")
        svg.append(text(px - 6, yy + 4, fmt(v, unit), 10, DIM, "end"))
    for k in range(5):
        t = t0 + (t1 - t0) * k / 4
        xx = px + pw * k / 4
        svg.append(text(xx, py + ph + 14, time.strftime("%H:%M:%S", time.gmtime(t)), 10, DIM, "middle"))
    for i, (_, pts) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        path, pen = [], "M"
        for t, v in pts:
            if not math.isfinite(v):
                pen = "M"
                continue
            xx = px + pw * (t - t0) / (t1 - t0)
            yy = py + ph - ph * (v - lo) / (hi - lo)
            path.append(f"{pen}{xx:.1f},{yy:.1f}")
            pen = "L"
        if path:
            svg.append(f"<path d='{' '.join(path)}' fill='none' stroke='{color}' stroke-width='1.6'/>")
    ly = py + ph + bottom + 12
    for r, row in enumerate(shown):
        lx = x + 4
        for i, n in row:
            svg.append(f"<rect x='{lx:.1f}' y='{ly + 16 * r - 8:.1f}' width='14' height='4' rx='1' fill='{PALETTE[i % len(PALETTE)]}'/>")
            svg.append(text(lx + 18, ly + 16 * r - 2, n, 11, TEXT))
            lx += 24 + 6.2 * len(n)
    hidden = sum(len(r) for r in rows[3:])
    if hidden:
        svg.append(text(x + w - 4, ly + 16 * (len(shown) - 1) - 2, f"+{hidden} more", 11, DIM, "end"))


def table(svg, box, panel, series):
    x, y, w, h = box
    svg.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{w:.1f}' height='20' fill='{GRID}'/>")
    svg.append(text(x + 8, y + 14, "Series", 11, DIM, weight="bold"))
    svg.append(text(x + w - 8, y + 14, "Last value", 11, DIM, "end", "bold"))
    rows = [(n, pts[-1][1]) for n, pts in series if pts]
    if not rows:
        svg.append(text(x + w / 2, y + h / 2 + 6, "No data", 16, DIM, "middle"))
    for i, (n, v) in enumerate(rows[: int((h - 24) // 20)]):
        yy = y + 38 + 20 * i
        svg.append(text(x + 8, yy, n, 12))
        svg.append(text(x + w - 8, yy, num(v), 12, anchor="end"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prometheus", required=True)
    ap.add_argument("--dashboard", required=True)
    ap.add_argument("--start", type=float, required=True)
    ap.add_argument("--end", type=float, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.end <= a.start:
        sys.exit(f"--end {a.end} is not after --start {a.start}")
    dash = json.load(open(a.dashboard))
    # The router's own span: from its first scrape to its last (after that every series is stale).
    up = [(float(t), v) for s in prom(a.prometheus, "/api/v1/query_range", query="up",
                                     start=a.start, end=a.end, step=1)
          for t, v in s["values"] if v == "1"]
    if not up:
        sys.exit(f"Prometheus at {a.prometheus} never scraped the router between --start and --end")
    a.start, a.end = min(t for t, _ in up), max(t for t, _ in up)
    panels = dash["panels"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    height = HEADER + rows * ROW + MARGIN
    col = (WIDTH - 2 * MARGIN) / 24
    step = max(1, int((a.end - a.start) / 300))
    svg = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' viewBox='0 0 {WIDTH} {height}'>",
           f"<rect width='100%' height='100%' fill='{BG}'/>",
           text(MARGIN, 28, dash.get("title", "dashboard"), 18, TEXT, weight="bold"),
           text(WIDTH - MARGIN, 28, f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(a.start))} to "
                f"{time.strftime('%H:%M:%S', time.gmtime(a.end))} UTC · series that stayed 0 are not drawn when others moved", 12, DIM, "end")]
    for p in panels:
        g = p["gridPos"]
        x, y = MARGIN + g["x"] * col + 4, HEADER + g["y"] * ROW + 4
        w, h = g["w"] * col - 8, g["h"] * ROW - 8
        svg.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{w:.1f}' height='{h:.1f}' rx='4' fill='{PANEL}' stroke='{BORDER}'/>")
        svg.append(text(x + 10, y + 19, p["title"], 13, TEXT, weight="bold"))
        series = []
        for t in p["targets"]:
            if p["type"] == "timeseries":
                res = prom(a.prometheus, "/api/v1/query_range", query=t["expr"], start=a.start, end=a.end, step=step)
                for s in res:
                    points = [(float(ts), float(v)) for ts, v in s["values"]]
                    series.append((legend(t.get("legendFormat"), s["metric"], t["expr"]), points))
            else:
                res = prom(a.prometheus, "/api/v1/query", query=t["expr"], time=a.end)
                for s in res:
                    ts, v = s["value"]
                    series.append((legend(t.get("legendFormat"), s["metric"], t["expr"]), [(float(ts), float(v))]))
        box = (x + 8, y + 28, w - 16, h - 36)
        if p["type"] == "timeseries":
            # Series that stayed 0 are left out, unless every series did.
            moving = [(n, pts) for n, pts in series if any(v != 0 for _, v in pts)]
            series = moving or series
        if p["type"] == "stat":
            stat(svg, box, p, series)
        elif p["type"] == "timeseries":
            timeseries(svg, box, p, series, a.start, a.end)
        elif p["type"] == "table":
            table(svg, box, p, series)
        else:
            svg.append(text(x + w / 2, y + h / 2, f"panel type {p['type']} is not drawn", 12, DIM, "middle"))
    svg.append("</svg>")
    with open(a.out, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
