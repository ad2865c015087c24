"""Charts as inline SVG, drawn on the server: no script, no CDN (the page CSP allows neither).

Colours come from classes in dashboard.css; values hidden for privacy show as "<n".
"""

from __future__ import annotations

from markupsafe import Markup, escape


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def hbars(
    rows: list[tuple[str, int | None]],
    *,
    title: str,
    hidden: str = "",
    css: str = "bar",
    width: int = 640,
    label_width: int = 220,
) -> Markup:
    """Horizontal bars, one per (label, value); None shows ``hidden`` instead of a bar."""
    step, bar = 28, 20
    top = max((v for _l, v in rows if v), default=0) or 1
    room = width - label_width - 70
    body = []
    for i, (label, value) in enumerate(rows):
        y = i * step + 4
        body.append(
            f'<text class="label" x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        )
        if value is None:
            body.append(f'<text class="value" x="{label_width + 4}" y="{y + 15}">{escape(hidden)}</text>')
            continue
        w = round(room * value / top) if value else 0
        body.append(f'<rect class="{css}" x="{label_width}" y="{y}" width="{w}" height="{bar}" rx="2"/>')
        body.append(f'<text class="value" x="{label_width + w + 6}" y="{y + 15}">{value}</text>')
    return _svg(width, max(len(rows), 1) * step + 8, title, body)


def columns(
    groups: list[tuple[str, list[int | None]]],
    *,
    series: list[str],
    title: str,
    hidden: str = "",
    width: int = 640,
    height: int = 240,
) -> Markup:
    """Grouped vertical columns: one group per label (e.g. school year), one column per series."""
    base, left, top_pad = height - 40, 10, 24
    top = max((v for _l, vals in groups for v in vals if v), default=0) or 1
    group_w = (width - left) / max(len(groups), 1)
    col_w = min(40, (group_w - 16) / max(len(series), 1))
    body = [f'<line class="axis" x1="{left}" y1="{base}" x2="{width}" y2="{base}"/>']
    for g, (label, values) in enumerate(groups):
        x0 = left + g * group_w + (group_w - col_w * len(series)) / 2
        for s, value in enumerate(values):
            x = x0 + s * col_w
            h = 0 if not value else round((base - top_pad) * value / top)
            if h:
                body.append(
                    f'<rect class="series-{s}" x="{x:.1f}" y="{base - h}" '
                    f'width="{col_w - 4:.1f}" height="{h}"/>'
                )
            text = escape(hidden) if value is None else str(value)
            body.append(
                f'<text class="value" x="{x + (col_w - 4) / 2:.1f}" y="{base - h - 4}" '
                f'text-anchor="middle">{text}</text>'
            )
        body.append(
            f'<text class="label" x="{left + g * group_w + group_w / 2:.1f}" y="{base + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    legend = [
        f'<rect class="series-{s}" x="{left + s * 190}" y="{height - 14}" width="12" height="12"/>'
        f'<text class="label" x="{left + s * 190 + 18}" y="{height - 3}">{escape(name)}</text>'
        for s, name in enumerate(series)
    ]
    return _svg(width, height, title, body + legend)
