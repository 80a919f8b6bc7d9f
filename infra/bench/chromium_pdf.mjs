// Warm, in-process headless Chromium timings for the PDF benchmark
// (infra/bench/pdf.sh).
//
//   node infra/bench/chromium_pdf.mjs HTMLS.json [--pdf-out FILE]
//
// Reads the HTML pages written by pdf_html.py, launches Debian's Chromium once
// through playwright-core (resolved from tests/browser/node_modules), opens one
// page, and then for every invoice: `page.setContent(html)` + `page.pdf()`
// (A4, CSS page size and backgrounds, no browser header/footer), the way a
// server keeping a browser alive renders invoices. Times `warmup` varied pages
// untimed, `iterations` varied pages, then `iterations` identical pages, and
// prints one JSON object with the raw samples in milliseconds.

import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tests/browser/package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
if (args.length < 1) {
  console.error('usage: chromium_pdf.mjs HTMLS.json [--pdf-out FILE]');
  process.exit(2);
}
const pdfOut = args.includes('--pdf-out') ? args[args.indexOf('--pdf-out') + 1] : null;
const pages = JSON.parse(await readFile(args[0], 'utf8'));
const { warmup, iterations, variants } = pages;
if (variants.length !== warmup + iterations) throw new Error('variants do not match warmup + iterations');

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const launchStart = performance.now();
const browser = await chromium.launch({
  executablePath,
  headless: true,
  timeout: 60_000,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  const launchMs = performance.now() - launchStart;
  const render = async (html) => {
    await page.setContent(html, { waitUntil: 'load' });
    return page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  };

  const firstStart = performance.now();
  let pdf = await render(pages.base);
  const firstMs = performance.now() - firstStart;
  if (pdf.subarray(0, 5).toString() !== '%PDF-') throw new Error('not a PDF');
  if (pdfOut) await writeFile(pdfOut, pdf);

  const varied = [];
  for (let i = 0; i < variants.length; i++) {
    const start = performance.now();
    pdf = await render(variants[i]);
    const elapsed = performance.now() - start;
    if (pdf.subarray(0, 5).toString() !== '%PDF-') throw new Error('not a PDF');
    if (i >= warmup) varied.push(elapsed);
  }

  const same = variants[variants.length - 1];
  await render(same);
  const identical = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await render(same);
    identical.push(performance.now() - start);
  }

  console.log(
    JSON.stringify({
      tool: 'chromium',
      version: browser.version(),
      launch_ms: launchMs,
      first_render_in_process_ms: firstMs,
      pdf_bytes: pdf.length,
      warm_varied: { samples_ms: varied },
      warm_identical: { samples_ms: identical },
    }),
  );
} finally {
  await browser.close();
}
