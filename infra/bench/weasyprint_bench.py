#!/usr/bin/env python3
"""Warm, in-process WeasyPrint timings for the PDF benchmark (infra/bench/pdf.sh).

Reads the HTML pages written by pdf_html.py and, in this one Python process:
- renders `warmup` varied pages untimed (imports, fontconfig, caches),
- times `iterations` renders, each of a different invoice,
- times `iterations` renders of one identical page.

Each sample is `HTML(string=page).write_pdf()`: HTML string -> PDF bytes, the
call invoicing systems make. With `--shared-font-config` one FontConfiguration
is made up front and passed to every render (what a long-lived server can do;
the default call builds a new one each time).

Prints one JSON object with the raw samples in milliseconds.
"""

import argparse
import json
import time
from pathlib import Path

import weasyprint
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("htmls")
    parser.add_argument("--shared-font-config", action="store_true")
    parser.add_argument("--pdf-out")
    args = parser.parse_args()
    pages = json.loads(Path(args.htmls).read_text(encoding="utf-8"))
    warmup, iterations, variants = pages["warmup"], pages["iterations"], pages["variants"]
    assert len(variants) == warmup + iterations

    options = {}
    if args.shared_font_config:
        options["font_config"] = FontConfiguration()

    def render(page: str) -> bytes:
        return HTML(string=page).write_pdf(**options)

    first = time.perf_counter()
    pdf = render(pages["base"])
    first_ms = (time.perf_counter() - first) * 1000
    assert pdf.startswith(b"%PDF-")
    if args.pdf_out:
        Path(args.pdf_out).write_bytes(pdf)

    varied = []
    for i, page in enumerate(variants):
        start = time.perf_counter()
        pdf = render(page)
        elapsed = (time.perf_counter() - start) * 1000
        assert pdf.startswith(b"%PDF-")
        if i >= warmup:
            varied.append(elapsed)

    same = variants[-1]
    render(same)
    identical = []
    for _ in range(iterations):
        start = time.perf_counter()
        render(same)
        identical.append((time.perf_counter() - start) * 1000)

    print(
        json.dumps(
            {
                "tool": "weasyprint" + ("-shared-fonts" if args.shared_font_config else ""),
                "version": weasyprint.__version__,
                "first_render_in_process_ms": first_ms,
                "pdf_bytes": len(pdf),
                "warm_varied": {"samples_ms": varied},
                "warm_identical": {"samples_ms": identical},
            }
        )
    )


if __name__ == "__main__":
    main()
