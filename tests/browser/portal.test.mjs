// Browser end-to-end test of the portal, run against a live server.
//
//   PORTAL_URL=http://127.0.0.1:PORT node --test portal.test.mjs
//
// Normally started by run.sh, which builds nothing: it starts the local
// `portal-dev-server` (demo data, dev outbox, /dev/links) and points this
// script at it. Uses Debian's /usr/bin/chromium through playwright-core, and
// axe-core for the accessibility checks. The pages keep their strict CSP during
// the run: axe is evaluated over the DevTools protocol, which the CSP does not
// govern, so no page-side script is ever allowed in.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const BASE = (process.env.PORTAL_URL ?? '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO_EMAIL = 'ana@ferreteria-lopez.es';
const CONTACT_NAME = 'Ferretería Hermanos López S.L.';
const ARTIFACTS = new URL('./artifacts/', import.meta.url);

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

let browser;

before(async () => {
  assert.ok(BASE.startsWith('http'), 'PORTAL_URL must be set, e.g. http://127.0.0.1:3000');
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh context (own cookies) and page, Spanish locale, short timeouts. */
async function newPage() {
  const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  // Anything the browser reports as an error (a CSP refusal of the inline
  // style, a failed subresource, a script error) fails the flow at the end.
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url || page.url();
    // Chromium asks for /favicon.ico on its own; the pages declare no icon.
    if (new URL(where, BASE).pathname === '/favicon.ico') return;
    problems.push(`console: ${msg.text()} (${where})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message} (${page.url()})`));
  return { context, page, problems };
}

function path(page) {
  return new URL(page.url()).pathname;
}

async function goto(page, target) {
  const response = await page.goto(BASE + target);
  assert.ok(response, `no response for ${target}`);
  assert.ok(response.ok(), `GET ${target} answered ${response.status()}`);
  return response;
}

/** Clicks a control that navigates, and fails unless the new page answered 2xx. */
async function submit(page, control) {
  const [response] = await Promise.all([page.waitForNavigation(), control.click()]);
  assert.ok(response, `no response after clicking on ${page.url()}`);
  const request = response.request();
  assert.ok(
    response.ok(),
    `${request.method()} ${request.url()} answered ${response.status()}: ${await text(page.locator('main'))}`,
  );
  return response;
}

async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Money as the portal prints it in Spanish: "1.234,56 €". */
async function assertMoney(locator, what) {
  await locator.waitFor({ state: 'visible' });
  const value = await text(locator);
  assert.ok(value.length > 1, `${what} is empty`);
  assert.match(value, /\d.*€$/, `${what} should be an amount ending in €, got ${JSON.stringify(value)}`);
  return value;
}

/** Runs axe-core on the page as it is and fails listing every violation. */
async function assertAccessible(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  assert.ok(results.passes.length > 10, `axe checked almost nothing on ${label}: ${results.passes.length} rules passed`);
  const report = results.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    at ${n.target.join(' ')}\n      ${n.html}\n      ${n.failureSummary?.replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
  assert.equal(results.violations.length, 0, `axe found ${results.violations.length} violation(s) on ${label} (${page.url()}):\n${report}`);
}

async function screenshot(page, name) {
  await page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname, fullPage: true });
}

test('a contact logs in by magic link, reads the dashboard and an invoice', async (t) => {
  const { context, page, problems } = await newPage();
  t.after(() => context.close());

  // The steps form one journey: once one fails, the later ones fail at once
  // (instead of each waiting out its timeouts on the wrong page).
  let broken = null;
  const step = (name, fn) =>
    t.test(name, async () => {
      if (broken) assert.fail(`not run: the step "${broken}" failed`);
      try {
        await fn();
      } catch (err) {
        broken = name;
        throw err;
      }
    });

  await step('request a login link', async () => {
    await goto(page, '/login');
    await page.getByLabel('Correo electrónico').fill(DEMO_EMAIL);
    await submit(page, page.getByRole('button', { name: 'Enviar enlace de acceso' }));
    assert.ok(page.url().startsWith(BASE), `left the portal: ${page.url()}`);
  });

  await step('follow the link from the newest mail in the dev outbox', async () => {
    await goto(page, '/dev/outbox');
    // Newest first: the first mail to the demo contact is the one just sent.
    const row = page.locator('tbody tr', { hasText: DEMO_EMAIL }).first();
    await submit(page, row.getByRole('link'));
    const link = page.locator('a[href*="/login/confirm?token="]').first();
    const href = await link.getAttribute('href');
    assert.ok(href?.startsWith(`${BASE}/login/confirm?token=`), `mail links to ${href}, expected ${BASE}/login/confirm?token=…`);
    await submit(page, link);
    assert.equal(path(page), '/login/confirm');
    await submit(page, page.getByRole('button', { name: 'Entrar' }));
    assert.equal(path(page), '/', `after "Entrar" expected the dashboard, got ${page.url()}`);
  });

  await step('dashboard greets the contact and shows the figures', async () => {
    const heading = await text(page.getByRole('heading', { level: 1 }));
    assert.ok(heading.includes(CONTACT_NAME), `h1 ${JSON.stringify(heading)} should greet ${CONTACT_NAME}`);
    await assertMoney(page.locator('[data-figure="outstanding"]'), 'outstanding figure');
    await assertMoney(page.locator('[data-figure="overdue"]'), 'overdue figure');
    await screenshot(page, 'dashboard');
  });

  await step('dashboard has no axe violations', async () => {
    await assertAccessible(page, 'the dashboard');
  });

  await step('printing hides the left navigation', async () => {
    const sidebar = page.locator('nav.sidebar');
    assert.notEqual(await sidebar.evaluate((el) => getComputedStyle(el).display), 'none', 'sidebar hidden on screen');
    await page.emulateMedia({ media: 'print' });
    try {
      assert.equal(await sidebar.evaluate((el) => getComputedStyle(el).display), 'none', 'sidebar still shown in print');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  await step('the left navigation leads to the invoice', async () => {
    const nav = page.locator('nav.sidebar');
    await submit(page, nav.getByRole('link', { name: 'Facturas', exact: true }));
    assert.equal(path(page), '/documents/invoices');
    await submit(page, page.locator('main').getByRole('link', { name: 'F2026-0120', exact: true }).first());
    assert.equal(path(page), '/documents/invoices/d-f2026-0120');
  });

  await step('the invoice shows its number, amounts and lines', async () => {
    const heading = await text(page.getByRole('heading', { level: 1 }));
    assert.ok(heading.startsWith('Factura F2026-0120'), `h1 is ${JSON.stringify(heading)}`);
    await assertMoney(page.locator('[data-total]'), 'total');
    await assertMoney(page.locator('[data-amount-due]'), 'amount due');
    const lines = page.getByRole('table', { name: 'Conceptos' });
    await lines.getByRole('cell', { name: 'Taladro percutor 850 W', exact: true }).waitFor({ state: 'visible' });
    await page.getByRole('heading', { name: 'Historial' }).waitFor({ state: 'visible' });
    await screenshot(page, 'invoice');
  });

  await step('the invoice has no axe violations', async () => {
    await assertAccessible(page, 'the invoice view');
  });

  await step('the invoice prints without the navigation', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      assert.equal(await page.locator('nav.sidebar').evaluate((el) => getComputedStyle(el).display), 'none');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  await step('the browser reported no errors', () => {
    assert.deepEqual(problems, []);
  });
});

test('a shared document link opens that one document in a fresh browser', async (t) => {
  // Read the link in one throwaway context, open it in another that has
  // never seen the portal, so no cookie from /dev/links can help.
  let href;
  {
    const { context, page } = await newPage();
    try {
      await goto(page, '/dev/links');
      href = await page.getByRole('link', { name: 'P2026-0040', exact: true }).getAttribute('href');
    } finally {
      await context.close();
    }
  }
  assert.match(href ?? '', /^\/links\/[^/]+$/, `/dev/links gives ${JSON.stringify(href)} for P2026-0040`);

  const { context, page, problems } = await newPage();
  t.after(() => context.close());

  await goto(page, href);
  assert.equal(path(page), '/documents/quotes/d-p2026-0040', `the link landed on ${page.url()}`);
  assert.ok(!page.url().includes('/links/'), `the token is still in the address bar: ${page.url()}`);
  const heading = await text(page.getByRole('heading', { level: 1 }));
  assert.ok(heading.startsWith('Presupuesto P2026-0040'), `h1 is ${JSON.stringify(heading)}`);
  const body = await text(page.locator('body'));
  assert.match(body, /enlace compartido/i, 'no shared-link notice on the page');
  await screenshot(page, 'shared-quote');
  await assertAccessible(page, 'the shared-link quote view');

  await page.emulateMedia({ media: 'print' });
  for (const el of await page.locator('nav.sidebar').all()) {
    assert.equal(await el.evaluate((n) => getComputedStyle(n).display), 'none', 'sidebar shown in print');
  }
  await page.emulateMedia({ media: 'screen' });

  // The link opens one document, not the portal.
  await page.goto(BASE + '/');
  assert.equal(path(page), '/login', `"/" with only a document link should go to /login, got ${page.url()}`);
  assert.deepEqual(problems, []);
});
