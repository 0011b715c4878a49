"""
Small charts for the admin, drawn on the server as SVG: no script, no external
service, no style attribute (colours come from a stylesheet), so they are
Content-Security-Policy-safe and readable without JavaScript.
"""

from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, TOP = 600, 120, 16


def daily_bar_chart(series: list[tuple[date, int]], *, label: str) -> SafeString:
    """One bar per day, with the peak marked; each bar's value is in its tooltip and the label names the total."""
    if not series:
        return SafeString("")
    peak = max(value for _, value in series) or 1
    step = WIDTH / len(series)
    gap = min(2.0, step / 4)
    bars = format_html_join(
        "",
        '<rect class="chart__bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                f"{i * step + gap / 2:.1f}",
                f"{TOP + (HEIGHT - TOP) * (1 - value / peak):.1f}",
                f"{step - gap:.1f}",
                f"{(HEIGHT - TOP) * value / peak:.1f}",
                day.strftime("%-d %b"),
                value,
            )
            for i, (day, value) in enumerate(series)
        ),
    )
    total = sum(value for _, value in series)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="100%" height="{}" role="img" aria-label="{}">'
        '<line class="chart__axis" x1="0" y1="{}" x2="{}" y2="{}"></line>{}'
        '<text class="chart__peak" x="2" y="11">peak {}</text></svg>',
        WIDTH,
        HEIGHT + 1,
        HEIGHT + 1,
        f"{label}: {total} from {series[0][0]:%-d %b} to {series[-1][0]:%-d %b}, at most {peak} a day",
        HEIGHT,
        WIDTH,
        HEIGHT,
        bars,
        peak,
    )


def ratio_bar(part: int, whole: int, *, label: str) -> SafeString:
    """A thin horizontal bar showing part of whole (e.g. helpful votes of all votes)."""
    if not whole:
        return SafeString("")
    share = part / whole
    return format_html(
        '<svg class="ratio" viewBox="0 0 100 8" width="100" height="8" role="img" aria-label="{}">'
        '<rect class="ratio__whole" x="0" y="0" width="100" height="8"></rect>'
        '<rect class="ratio__part" x="0" y="0" width="{}" height="8"></rect></svg>',
        f"{label}: {part} of {whole}",
        f"{share * 100:.1f}",
    )
