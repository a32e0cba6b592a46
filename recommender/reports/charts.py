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


def _svg(fig):
    """The figure as an <svg> element string (no XML prolog, no fixed pixel size)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    # matplotlib names elements figure_1, text_3...: the same ids in every chart, so drop them
    # (clip-path ids are random and stay) to keep several charts valid in one page.
    svg = re.sub(r' id="(?:figure|patch|axes|matplotlib\.axis|[xy]tick|line2d|text|legend|'
                 r'PathCollection|LineCollection|BarContainer|Line2D)_\d+"', "", svg)
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="chart"', svg, count=1)


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


def cost_headroom_svg(document):
    """Cost (x) vs tightest headroom (y) per proposal, the Pareto front joined; None if nothing to plot."""
    points = [(p["cost_usd"], _min_headroom(p), p) for p in document.get("proposals") or []
              if p.get("cost_usd") and _min_headroom(p) is not None]
    if not points:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for cost, headroom, p in points:
        color = OK if p.get("meets_requirements") else WARN
        ax.scatter(cost, headroom, s=36, color=color, zorder=3)
        ax.annotate(f"#{p['rank']} {p['architecture']}", (cost, headroom), textcoords="offset points",
                    xytext=(5, 4), fontsize=7.5, color=INK)
    front = sorted((c, h) for c, h, p in points if p["architecture"] in (document.get("pareto") or []))
    if len(front) > 1:
        ax.plot(*zip(*front), color=ACCENT, linewidth=1.2, linestyle="--", zorder=2, label="Pareto front")
        ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.axhline(1.0, color=MUTED, linewidth=0.8, linestyle=":")
    costs = [c for c, _, _ in points]
    if max(costs) > 20 * min(costs):
        ax.set_xscale("log")
    usd_axis(ax, "x")
    ax.margins(x=0.15, y=0.15)
    ax.set_xlabel("cost (USD)")
    ax.set_ylabel("tightest headroom (× need)")
    ax.set_title("Cost vs headroom (green meets every need, red does not)", fontsize=9, color=INK)
    return _svg(fig)


def tier_bandwidth_svg(document):
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
    return _svg(fig)


def sweep_svg(sweep, metric="cost_usd"):
    """Top proposal cost over the GPU-count sweep, with a marker where each architecture breaks."""
    points = [p for p in (sweep or {}).get("points", []) if (p.get("top") or {}).get(metric)]
    if not points:
        return None
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    ax.plot([p["gpus"] for p in points], [p["top"][metric] for p in points], color=ACCENT,
            marker="o", markersize=2.5, linewidth=1.2, label="cheapest proposal that meets every need")
    breaks = sorted(((b["gpus"], arch, b.get("requirement")) for arch, b in (sweep.get("breaks") or {}).items()
                     if b.get("gpus")), key=lambda item: item[0])
    for i, (gpus, arch, requirement) in enumerate(breaks):
        ax.axvline(gpus, color=WARN, linewidth=0.8, linestyle=":")
        ax.annotate(f"{arch} breaks ({requirement})", (gpus, 0.96 - 0.08 * (i % 8)),
                    xycoords=("data", "axes fraction"), fontsize=6.5, color=WARN, rotation=0,
                    xytext=(3, 0), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("GPUs (log scale)")
    usd_axis(ax, "y")
    ax.set_ylabel("cost (USD)")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.set_title("Scale: top proposal cost and where each architecture breaks", fontsize=9, color=INK)
    return _svg(fig)


def proposal_charts(document):
    """The charts that need only the stored document (the page adds the live GPU sweep)."""
    return {"cost_headroom": cost_headroom_svg(document), "tier_bandwidth": tier_bandwidth_svg(document)}


def proposal_chart_uris(document):
    return {name: data_uri(svg) for name, svg in proposal_charts(document).items()}
