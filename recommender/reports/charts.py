"""Charts of a proposal as inline SVG strings (matplotlib Agg), shared by the web page and the PDF."""
import base64
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

INK, MUTED, ACCENT, WARN, OK = "#1f2933", "#7b8794", "#2f6f9f", "#b4462f", "#3f7f4f"
plt.rcParams.update({
    "font.size": 9, "axes.edgecolor": MUTED, "axes.labelcolor": INK, "xtick.color": INK,
    "ytick.color": INK, "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none",  # real <text>: searchable, smaller; DejaVu ships with the image
})


# The PDF's copy is a JPEG: WeasyPrint passes JPEG data straight into the PDF, while it re-encodes
# PNGs and draws SVGs element by element (together ~0.5 s of a report's render, measured).
PDF_DPI, PDF_JPEG_QUALITY = 150, 90


def _svg(fig, close=True):
    """The figure as an <svg> element string (no XML prolog, no fixed pixel size)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    if close:
        plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    # matplotlib names elements figure_1, text_3...: the same ids in every chart, so drop them
    # (clip-path ids are random and stay) to keep several charts valid in one page.
    svg = re.sub(r' id="(?:figure|patch|axes|matplotlib\.axis|[xy]tick|line2d|text|legend|'
                 r'PathCollection|LineCollection|BarContainer|Line2D)_\d+"', "", svg)
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="chart"', svg, count=1)


def _svg_and_jpeg(fig):
    """Both copies of one figure: SVG for the page, a JPEG data: URI for the PDF."""
    svg = _svg(fig, close=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=PDF_DPI, bbox_inches="tight", facecolor="white",
                pil_kwargs={"quality": PDF_JPEG_QUALITY})
    plt.close(fig)
    return {"svg": svg, "raster": "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()}


def data_uri(svg):
    """An SVG string as a data: URI, for <img> in the PDF (WeasyPrint draws it as an image)."""
    return None if svg is None else "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def usd_axis(ax, axis="x"):
    """Tick labels like $250k / $1.2M, log scale when the values span more than 20×."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: _usd_short(v)))
    target.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def _usd_short(value):
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:.3g}{suffix}"
    return f"${value:.0f}"


def _min_headroom(proposal):
    values = list((proposal.get("headroom") or {}).values())
    return min(values) if values else None


def _grouped(points):
    """Proposals at the same spot share one label ('#2, #3 pfs-only, ...') instead of overprinting."""
    groups = {}
    for cost, headroom, p in points:
        groups.setdefault((round(cost, -2), round(headroom, 2)), []).append(p)
    return [(key[0], key[1], ps) for key, ps in groups.items()]


def cost_headroom_svg(document, out=None):
    """Cost (x) vs tightest headroom (y) per proposal, the Pareto front joined; None if nothing to plot."""
    points = [(p["cost_usd"], _min_headroom(p), p) for p in document.get("proposals") or []
              if p.get("cost_usd") and _min_headroom(p) is not None]
    if not points:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for cost, headroom, group in _grouped(points):
        color = OK if all(p.get("meets_requirements") for p in group) else WARN
        ax.scatter(cost, headroom, s=36, color=color, zorder=3)
        label = ", ".join(f"#{p['rank']}" for p in group) + " " + group[0]["architecture"]
        label += f" (+{len(group) - 1})" if len(group) > 1 else ""
        ax.annotate(label, (cost, headroom), textcoords="offset points", xytext=(5, 4), fontsize=7.5, color=INK)
    front = sorted((c, h) for c, h, p in points if p["architecture"] in (document.get("pareto") or []))
    if len(front) > 1:
        ax.plot(*zip(*front), color=ACCENT, linewidth=1.2, linestyle="--", zorder=2, label="Pareto front")
        ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.axhline(1.0, color=MUTED, linewidth=0.8, linestyle=":")
    costs, headrooms = [c for c, _, _ in points], [h for _, h, _ in points]
    if max(costs) > 20 * min(costs):
        ax.set_xscale("log")
    if max(headrooms) > 20:
        ax.set_yscale("symlog", linthresh=1.0)  # symlog: keeps a 0× headroom (an unmet need) on the chart
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
    usd_axis(ax, "x")
    ax.margins(x=0.15, y=0.15)
    ax.set_xlabel("cost (USD)")
    ax.set_ylabel("tightest headroom (× need)")
    ax.set_title("Cost vs headroom (green meets every need, red does not)", fontsize=9, color=INK)
    return (out or _svg)(fig)


def tier_bandwidth_svg(document, out=None):
    """Read and write bandwidth per tier, in GB/s (decimal)."""
    tiers = [t for t in document.get("tiers") or [] if t.get("read_bytes_per_s") or t.get("write_bytes_per_s")]
    if not tiers:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 0.5 + 0.45 * len(tiers)))
    names = [t["tier"] for t in tiers]
    rows = range(len(tiers))
    ax.barh([r + 0.2 for r in rows], [t.get("read_bytes_per_s", 0) / 1e9 for t in tiers], 0.4,
            color=ACCENT, label="read")
    ax.barh([r - 0.2 for r in rows], [t.get("write_bytes_per_s", 0) / 1e9 for t in tiers], 0.4,
            color=WARN, label="write")
    ax.set_yticks(list(rows), names)
    ax.set_xlabel("GB/s")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title("Bandwidth each tier must deliver", fontsize=9, color=INK)
    return (out or _svg)(fig)


def sweep_svg(sweep, out=None):
    """Over the GPU-count sweep: the bandwidth needed (top); each architecture's cost, solid while it
    meets every need, and a marker where it stops (bottom)."""
    points = [p for p in (sweep or {}).get("points", []) if (p.get("top") or {}).get("cost_usd")]
    if not points:
        return None
    gpus = [p["gpus"] for p in points]
    fig, (need, cost) = plt.subplots(2, 1, figsize=(8.6, 5.2), sharex=True, height_ratios=[1, 1.2])
    for key, color, label in (("write_bytes_per_s", WARN, "write"), ("read_bytes_per_s", ACCENT, "read")):
        values = [(p.get("requirements") or {}).get(key) or 0 for p in points]
        if any(values):
            need.plot(gpus, [v / 1e9 for v in values], color=color, linewidth=1.2, label=f"{label} needed")
    need.set_yscale("symlog", linthresh=0.1)
    need.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    need.set_ylabel("GB/s")
    if need.get_lines():
        need.legend(frameon=False, fontsize=8, loc="upper left")
    need.set_title("Scale: what the same use case needs, and what it costs, from 8 to 100,000 GPUs",
                   fontsize=9, color=INK)
    _architecture_costs(cost, points)
    cost.plot(gpus, [p["top"]["cost_usd"] for p in points], color=INK, marker="o", markersize=2.5,
              linewidth=1.4, label="top proposal")
    _mark_breaks(cost, sweep.get("breaks") or {})
    cost.set_xscale("log")
    cost.set_yscale("log")
    usd_axis(cost, "y")
    cost.set_xlabel("GPUs (log scale)")
    cost.set_ylabel("cost (USD)")
    cost.legend(frameon=False, fontsize=6.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return (out or _svg)(fig)


PALETTE = ["#2f6f9f", "#3f7f4f", "#8a5a9e", "#c08a2e", "#4f8f8f", "#9e5a5a", "#6b7d2f", "#5a6b9e"]


def _architecture_costs(ax, points):
    """Each architecture's cost over the sweep: solid where it meets every need, dotted where not."""
    names = sorted({a for p in points for a in (p.get("cost_usd") or {})})
    for i, name in enumerate(names):
        color = PALETTE[i % len(PALETTE)]
        xs = [p["gpus"] for p in points if name in (p.get("cost_usd") or {})]
        ys = [p["cost_usd"][name] for p in points if name in (p.get("cost_usd") or {})]
        meets = [name in (p.get("meeting") or []) for p in points if name in (p.get("cost_usd") or {})]
        ax.plot(xs, ys, color=color, linewidth=0.8, linestyle=":", alpha=0.8)
        ax.plot(xs, [y if m else None for y, m in zip(ys, meets)], color=color, linewidth=0.9, label=name)


def _mark_breaks(ax, breaks):
    found = sorted((b["gpus"], arch, b.get("requirement")) for arch, b in breaks.items() if b.get("gpus"))
    for i, (gpus, arch, requirement) in enumerate(found):
        ax.axvline(gpus, color=WARN, linewidth=0.8, linestyle=":")
        ax.annotate(f"{arch} breaks ({requirement})", (gpus, 0.95 - 0.09 * (i % 8)),
                    xycoords=("data", "axes fraction"), fontsize=6.5, color=WARN,
                    xytext=(3, 0), textcoords="offset points")


COST_TERMS = (("gpu_usd_per_day", "idle and lost GPU time"), ("storage_usd_per_day", "storage bandwidth"),
              ("cost_usd_per_day", "total"))


def _curve_points(curve):
    """The cost curve's points that carry a write bandwidth and every cost term (rules/checkpoint_plan.py)."""
    keys = ("write_bytes_per_s",) + tuple(k for k, _ in COST_TERMS)
    points = [p for p in curve or [] if isinstance(p, dict)
              and all(isinstance(p.get(k), (int, float)) for k in keys)]
    return sorted(points, key=lambda p: p["write_bytes_per_s"]) if len(points) >= 2 else None


def checkpoint_cost_svg(document, out=None):
    """Expected cost per day against checkpoint write bandwidth, each term drawn, the optimum marked.

    Reads requirements.checkpoint.cost_curve: points with write_bytes_per_s, interval_s and the
    gpu / storage / total USD per day at that bandwidth (the interval chosen with it)."""
    points = _curve_points(((document.get("requirements") or {}).get("checkpoint") or {}).get("cost_curve"))
    if not points:
        return None
    xs = [p["write_bytes_per_s"] / 1e9 for p in points]
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    for i, (key, label) in enumerate(COST_TERMS):
        total = key == "cost_usd_per_day"
        ax.plot(xs, [p[key] for p in points], color=INK if total else PALETTE[i % len(PALETTE)],
                linewidth=1.6 if total else 1, label=label)
    best = min(range(len(points)), key=lambda i: points[i]["cost_usd_per_day"])
    interval_min = points[best].get("interval_s", 0) / 60
    ax.axvline(xs[best], color=OK, linewidth=0.9, linestyle="--")
    ax.annotate(f"optimum {xs[best]:.3g} GB/s, every {interval_min:.3g} min", (xs[best], 0.92),
                xycoords=("data", "axes fraction"), fontsize=7.5, color=OK, xytext=(4, 0), textcoords="offset points")
    ax.set_xscale("log")
    usd_axis(ax, "y")
    ax.set_xlabel("checkpoint write bandwidth (GB/s)")
    ax.set_ylabel("expected cost (USD per day)")
    ax.legend(frameon=False, fontsize=7.5)
    ax.set_title("Cost-optimal checkpoint write bandwidth", fontsize=9, color=INK)
    return (out or _svg)(fig)


CHART_NAMES = ("cost_headroom", "tier_bandwidth", "sweep", "checkpoint_cost")


def draw_all(document, sweep=None, out=None):
    """Every chart of a proposal as SVG (None where nothing to draw), drawn once when it is built."""
    return {"cost_headroom": cost_headroom_svg(document, out), "tier_bandwidth": tier_bandwidth_svg(document, out),
            "sweep": sweep_svg(sweep, out), "checkpoint_cost": checkpoint_cost_svg(document, out)}


def draw_stored(document, sweep=None):
    """{"svg": {name: svg}, "raster": {name: data URI}}: what a proposal stores (page SVG, PDF JPEG)."""
    both = draw_all(document, sweep, out=_svg_and_jpeg)
    return {kind: {name: (copies or {}).get(kind) for name, copies in both.items()} for kind in ("svg", "raster")}


def as_uris(svgs):
    """Stored SVG strings as data: URIs for the PDF's <img>."""
    return {name: data_uri(svg) for name, svg in (svgs or {}).items()}


def pdf_images(stored):
    """The PDF's chart sources: the stored JPEGs, else data: URIs of the stored SVGs (older proposals)."""
    stored = stored or {}
    return stored.get("raster") or as_uris(stored.get("svg"))
