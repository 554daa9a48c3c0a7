"""The report's blocks as one self-contained HTML file: the styles are in the page, the charts are
PNG images written into it (data: addresses), and a Content-Security-Policy tells the browser to
fetch nothing at all. Every piece of text is escaped, so what a user typed shows exactly as typed.
Printed from a browser, it keeps the PDF's page breaks."""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from typing import Any

from collab_assess.report import chart_images
from collab_assess.report.chart_images import Progress
from collab_assess.report.content import BoardReport
from collab_assess.report.document import (
    Block,
    Bullets,
    Callout,
    Divider,
    Figure,
    Heading,
    KeepTogether,
    Metrics,
    OnePage,
    Paragraph,
    Table,
    Title,
    figures_in,
)
from collab_assess.report.outline import report_blocks

NOTHING_FETCHED = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

STYLE = """
:root { color: #222; background: #fff; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 15px;
       line-height: 1.5; margin: 0; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1, h2, h3, h4 { line-height: 1.25; }
h1 { color: #0054a6; font-size: 2rem; margin: 0.2rem 0 0.4rem; overflow-wrap: anywhere; }
h2 { color: #0054a6; font-size: 1.6rem; border-bottom: 1px solid #aaa; padding-bottom: 0.2rem;
     margin-top: 2.5rem; }
h3 { color: #0054a6; font-size: 1.25rem; margin-top: 1.8rem; }
h4 { font-size: 1.05rem; margin: 1.2rem 0 0.3rem; }
.kicker, .small, .metric .label, .metric .note, footer { color: #505050; }
.kicker { margin: 0; }
.subtitle { font-size: 1.25rem; margin: 0 0 0.5rem; padding-bottom: 0.6rem;
            border-bottom: 3px solid #0054a6; }
.small { font-size: 0.85rem; }
p, li { overflow-wrap: anywhere; white-space: normal; }
ul { padding-left: 1.3rem; }
li { margin-bottom: 0.3rem; }
table { border-collapse: collapse; table-layout: fixed; width: 100%; margin: 0.4rem 0 1rem;
        font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.45rem;
         border-bottom: 1px solid #aaa; overflow-wrap: anywhere; }
th { background: #e8e8e8; }
.numeric { text-align: right; }
figure { margin: 0.5rem 0 0.8rem; }
hr { border: 0; border-top: 1px solid #aaa; margin: 0.8rem 0; }
figure img { display: block; width: 100%; height: auto; }
details { margin-top: 0.3rem; font-size: 0.9rem; }
.metrics { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0.5rem 0 1rem; }
.metric { flex: 1 1 12rem; border: 1px solid #aaa; padding: 0.5rem 0.75rem; }
.metric p { margin: 0; }
.metric .label, .metric .note { font-size: 0.85rem; }
.metric .value { font-size: 1.5rem; font-weight: bold; }
.callout { border: 1px solid #aaa; border-left: 6px solid #3c3c3c; padding: 0.2rem 0.9rem;
           margin: 0.6rem 0 1rem; }
footer { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem 2rem; font-size: 0.85rem; }
@page { size: A4; margin: 16mm 18mm 20mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  .new-page { break-before: page; }
  .keep, figure, tr { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  details { display: none; }
}
"""


def text(value: str) -> str:
    """Typed text as HTML text: escaped, with its line breaks kept."""
    return escape(value, quote=True).replace("\r\n", "\n").replace("\n", "<br>")


class HTMLWriter:
    def __init__(self, images: dict[int, bytes]):
        self.images = images
        self.open_headings: list[tuple[int, int]] = []
        """(the block's heading level, the h-number it was given) of each heading still open."""

    def block(self, block: Block) -> str:
        writers: dict[type, Callable[[Any], str]] = {
            Title: self.title, Heading: self.heading, Paragraph: self.paragraph,
            Bullets: self.bullets, Table: self.table, Figure: self.figure,
            Metrics: self.metrics, Callout: self.callout, Divider: self.divider,
            KeepTogether: self.together, OnePage: self.one_page}
        return writers[type(block)](block)

    def title(self, title: Title) -> str:
        return (f'<header><p class="kicker">{text(title.kicker)}</p><h1>{text(title.name)}</h1>'
                f'<p class="subtitle">{text(title.subtitle)}</p></header>')

    def heading(self, heading: Heading) -> str:
        # One below the heading it sits under, never skipping a level (screen readers list
        # headings by level): the cover's small headings become h2, the summary's chart headings
        # h3. The collaborative's name is the page's one h1.
        while self.open_headings and self.open_headings[-1][0] >= heading.level:
            self.open_headings.pop()
        number = self.open_headings[-1][1] + 1 if self.open_headings else 2
        self.open_headings.append((heading.level, number))
        tag = f"h{number}"
        page = ' class="new-page"' if heading.new_page else ""
        return f"<{tag}{page}>{text(heading.text)}</{tag}>"

    def runs(self, paragraph: Paragraph) -> str:
        return "".join(f"<strong>{text(run.text)}</strong>" if run.bold else text(run.text)
                       for run in paragraph.runs)

    def paragraph(self, paragraph: Paragraph) -> str:
        style = f' class="{paragraph.style}"' if paragraph.style != "body" else ""
        return f"<p{style}>{self.runs(paragraph)}</p>"

    def bullets(self, bullets: Bullets) -> str:
        style = f' class="{bullets.style}"' if bullets.style != "body" else ""
        items = "".join(f"<li>{self.runs(item)}</li>" for item in bullets.items)
        return f"<ul{style}>{items}</ul>"

    def table(self, table: Table) -> str:
        def cell(tag: str, i: int, value: str, scope: str = "") -> str:
            numeric = ' class="numeric"' if i in table.numeric else ""
            return f"<{tag}{scope}{numeric}>{text(value)}</{tag}>"

        head = "".join(cell("th", i, name, ' scope="col"') for i, name in enumerate(table.header))
        body = "".join("<tr>" + "".join(cell("td", i, value) for i, value in enumerate(row))
                       + "</tr>" for row in table.rows)
        # The PDF's column widths, so short columns (Due, Status) never squeeze into a sliver;
        # a long unbroken word still wraps inside its own column.
        total = sum(table.widths)
        columns = "".join(f'<col style="width: {width / total:.1%}">' for width in table.widths)
        return (f"<table><colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")

    def figure(self, figure: Figure) -> str:
        png = self.images[id(figure)]
        wide, high = chart_images.png_size(png)
        scale = chart_images.PNG_SCALE
        source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        figures = (f"<details><summary>The figures behind this chart</summary>"
                   f"{self.table(figure.figures)}</details>" if figure.figures else "")
        return (f'<figure><img src="{source}" alt="{text(figure.description)}" '
                f'width="{wide // scale}" height="{high // scale}">{figures}</figure>')

    def metrics(self, metrics: Metrics) -> str:
        boxes = "".join(
            f'<div class="metric"><p class="label">{text(m.label)}</p>'
            f'<p class="value">{text(m.value)}</p><p class="note">{text(m.note)}</p></div>'
            for m in metrics.items)
        return f'<div class="metrics">{boxes}</div>'

    def callout(self, callout: Callout) -> str:
        inner = "".join(self.paragraph(each) for each in callout.paragraphs)
        return f'<div class="callout" role="note">{inner}</div>'

    def divider(self, _: Divider) -> str:
        return "<hr>"

    def together(self, group: KeepTogether) -> str:
        return '<div class="keep">' + "".join(self.block(b) for b in group.blocks) + "</div>"

    def one_page(self, page: OnePage) -> str:
        """The fullest version: a web page has room for it."""
        return "".join(self.block(b) for b in page.versions[0])


def write_html(report: BoardReport, progress: Progress | None = None) -> str:
    blocks = report_blocks(report)
    figures = figures_in(blocks)
    images = chart_images.render_all(figures, progress, start=0.0, end=0.9)
    if progress:
        progress(0.9, "Writing the page")
    writer = HTMLWriter({id(figure): image for figure, image in zip(figures, images, strict=True)})
    body = "\n".join(writer.block(block) for block in blocks)
    collaborative, assessment_round = report.collaborative, report.assessment_round
    title = f"Board report: {collaborative.name}, {assessment_round.label}"
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{NOTHING_FETCHED}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n{body}\n</main>\n"
        f"<footer><p>{text(collaborative.name)} · {text(assessment_round.label)} · board report, "
        f"made with collab-assess.</p></footer>\n</body>\n</html>\n"
    )
    if progress:
        progress(1.0, "The page is ready")
    return page
