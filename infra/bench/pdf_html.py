#!/usr/bin/env python3
"""The benchmark invoices as HTML pages, for the HTML-to-PDF side of the
PDF benchmark (infra/bench/pdf.sh).

Input: the JSON written by `render_bench --data-out` (the exact `PdfData` of
every invoice the typst side renders: same parties, lines, tax rows, totals,
payment instructions, notes, all already formatted by the domain code).

Output: one JSON file `{"base": HTML, "variants": [HTML, ...]}` (the same
order as the typst side), and the base page as a plain .html file for the
cold command-line runs.

The page has the structure of the portal's own document page
(`portal_web::views::pages::document`: facts, two party boxes, lines table,
tax table, totals box, notes) inside its layout (top bar, footer), styled by
the portal's real stylesheet, which is read from
`shared/views/src/style.rs` at run time so that it cannot drift. Its
print rules hide the chrome; an `@page` rule adds A4 margins and the
"Página 1 de 1" footer the typst PDF has (margin boxes: WeasyPrint and
Chromium ≥ 131 both support them).

Standard library only (runs with any python3).
"""

import html
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STYLE_RS = REPO / "shared/views/src/style.rs"

LINES_CAPTION = {"es": "Conceptos", "en": "Items"}


def portal_css(brand: str) -> str:
    source = STYLE_RS.read_text(encoding="utf-8")
    match = re.search(r'const BASE: &str = r#"(.*?)"#;', source, re.S)
    if not match:
        raise SystemExit(f"pdf_html.py: no `const BASE` stylesheet found in {STYLE_RS}")
    # As `portal_web::views::style::stylesheet` builds it.
    return f":root{{--brand:{brand}}}{match.group(1)}"


def e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_css(d: dict) -> str:
    footer = f"{d['business_legal']} · {d['tax_id_label']} {d['business_tax_id']}"
    return (
        "@page{size:A4;margin:16mm 17mm 20mm 17mm;"
        f"@bottom-left{{content:{css_string(footer)};font:8pt system-ui,sans-serif;color:#4a5560}}"
        f"@bottom-right{{content:{css_string(d['page_label'] + ' ')} counter(page) "
        f"{css_string(' ' + d['of_label'] + ' ')} counter(pages);font:8pt system-ui,sans-serif;color:#4a5560}}}}"
        # The typst template's density and arrangement (9-9.5 pt text, a narrow
        # sans face, small cell insets, tax table and totals side by side —
        # what a hand-made HTML invoice template does) so that the 20-line invoice
        # fits one A4 page here too, as in the typst PDF; the portal's own print
        # rules alone (11 pt, roomy cells, stacked boxes) spill it onto two.
        "@media print{body{font:9pt/1.25 'Liberation Sans',Arial,sans-serif}h1{font-size:15pt;margin:0 0 .5em}"
        "h2{font-size:10pt;margin:.6em 0 .2em}th,td{padding:2pt 4pt}caption{padding:.2em 0}"
        ".party,.totals{padding:6pt 8pt}.party p{margin:0}"
        # An A4 page area is narrower than the portal's 48rem breakpoint, so
        # without this Chromium's command line stacks the parties.
        ".parties{grid-template-columns:1fr 1fr;margin-bottom:.4em;gap:10pt}"
        ".facts{margin:0 0 .5em}.summary{display:table;width:100%;margin-top:.6em}"
        ".summary .tax-col{display:table-cell;vertical-align:top;padding-right:16pt}"
        ".summary .totals{display:table-cell;vertical-align:top;width:68mm;margin:0}"
        ".totals .grand{font-size:1.05em;margin-top:.2em;padding-top:.2em}}"
    )


def party(p: dict, ident: str, tax_id_label: str) -> str:
    rows = [f"<strong>{e(p['name'])}</strong><br>"]
    if p.get("tax_id"):
        rows.append(f"{e(tax_id_label)} {e(p['tax_id'])}<br>")
    rows.extend(f"{e(line)}<br>" for line in p["lines"])
    return (
        f'<section class="party" aria-labelledby="{ident}"><h2 id="{ident}">{e(p["heading"])}</h2>'
        f"<p>{''.join(rows)}</p></section>"
    )


def invoice_html(d: dict) -> str:
    lang = d["lang"]
    out = []
    w = out.append
    w(f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w('<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">')
    w(f"<title>{e(d['title'])} · {e(d['business_name'])}</title>")
    w(f"<style>{portal_css(d['brand'])}{page_css(d)}</style></head><body>")
    w('<a class="skip" href="#main">Saltar al contenido</a>')
    w(f'<header class="topbar"><span class="brand">{e(d["business_name"])}</span></header>')
    w('<main id="main">')
    w(f'<h1>{e(d["title"])} <span class="badge">{e(d["status"])}</span></h1>')
    w('<dl class="facts">')
    for f in d["facts"]:
        w(f"<div><dt>{e(f['label'])}</dt><dd>{e(f['value'])}</dd></div>")
    w("</dl>")
    w('<div class="parties">')
    w(party(d["issuer"], "party-business", d["tax_id_label"]))
    w(party(d["recipient"], "party-contact", d["tax_id_label"]))
    w("</div>")
    w(f'<table class="lines"><caption>{e(LINES_CAPTION.get(lang, "Items"))}</caption><thead><tr>')
    for i, c in enumerate(d["columns"]):
        w(f'<th{" class=num" if i else ""} scope="col">{e(c)}</th>')
    w("</tr></thead><tbody>")
    for line in d["lines"]:
        w(
            f"<tr><td>{e(line['description'])}</td><td class=num>{e(line['quantity'])}</td>"
            f"<td class=num>{e(line['unit_price'])}</td><td class=num>{e(line['discount'])}</td>"
            f"<td class=num>{e(line['taxes'])}</td><td class=num>{e(line['amount'])}</td></tr>"
        )
    w("</tbody></table>")
    w('<div class="summary"><div class="tax-col">')
    w(f'<table class="taxes"><caption>{e(d["taxes_heading"])}</caption><thead><tr>')
    for i, c in enumerate(d["tax_columns"]):
        w(f'<th{" class=num" if i else ""} scope="col">{e(c)}</th>')
    w("</tr></thead><tbody>")
    for row in d["tax_rows"]:
        w("<tr>" + "".join(f"<td class=num>{e(cell)}</td>" for cell in row) + "</tr>")
    w("</tbody></table></div>")
    w('<dl class="totals">')
    for r in d["totals"]:
        cls = ' class="grand"' if r["strong"] else ""
        w(f"<div{cls}><dt>{e(r['label'])}</dt><dd class=num>{e(r['value'])}</dd></div>")
    w("</dl></div>")
    if d["payment"]:
        w(f'<section aria-labelledby="payment"><h2 id="payment">{e(d["payment_heading"])}</h2><p>')
        w("<br>".join(e(line) for line in d["payment"]))
        w("</p></section>")
    if d.get("notes") is not None:
        w(f'<section aria-labelledby="notes"><h2 id="notes">{e(d["notes_heading"])}</h2><p>{e(d["notes"])}</p></section>')
    w("</main>")
    w(f"<footer>{e(d['business_legal'])} · {e(d['tax_id_label'])} {e(d['business_tax_id'])}</footer>")
    w("</body></html>")
    return "".join(out)


def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit("usage: pdf_html.py INVOICES.json OUT_HTMLS.json OUT_BASE.html")
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    base = invoice_html(data["base"])
    variants = [invoice_html(v) for v in data["variants"]]
    Path(sys.argv[2]).write_text(
        json.dumps({"warmup": data["warmup"], "iterations": data["iterations"], "base": base, "variants": variants}),
        encoding="utf-8",
    )
    Path(sys.argv[3]).write_text(base, encoding="utf-8")


if __name__ == "__main__":
    main()
