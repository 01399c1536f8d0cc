// Debian's Chromium driven by playwright-core for the browser tests: found or the reason it is not,
// launched headless with a fresh profile and without background traffic, and every console error
// and uncaught page error collected so a test can assert there were none.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureWebBuilt } from '../../web/build.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type ChromiumLookup = { available: true } | { available: false; reason: string };

/** In CI the browser is installed by .ci/run: missing there is a failure, not a skip. */
export function findChromium(): ChromiumLookup {
  if (existsSync(CHROMIUM_PATH)) return { available: true };
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(`Browser tests cannot run in CI: ${reason}`);
  return { available: false, reason };
}

export type Browser = {
  /** A page at this size, whose console errors and page errors are collected in `errors`. */
  page: (viewport?: { width: number; height: number }) => Promise<Page>;
  errors: string[];
  /** Closes every page opened so far (their profiles stay until `close`). */
  closePages: () => Promise<void>;
  close: () => Promise<void>;
};

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A browser with its own empty profile: no session, cart or language left from another test. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'dealerline-chromium-'));
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  /** Each page's own profile directory, never reused. */
  let opened = 0;
  return {
    errors,
    async page(viewport = DESKTOP) {
      // One persistent context per page size: a phone page must not share a desktop page's window.
      const context = await chromium.launchPersistentContext(path.join(profile, String(opened++)), {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: FLAGS,
        viewport,
        locale: 'zh-CN',
        timezoneId: 'Europe/London',
      });
      contexts.push(context);
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
      page.setDefaultTimeout(15_000);
      return page;
    },
    async closePages() {
      // Each page is a browser of its own: a test that signs many people in closes them when done.
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
    async close() {
      await Promise.all(contexts.map((context) => context.close()));
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The built app the server serves; built once per change of its sources, whichever test file asks first. */
export async function buildWebApp(): Promise<void> {
  await ensureWebBuilt();
}

/** Screenshots for the README and docs/web-app.md, written only when asked: `UPDATE_SCREENSHOTS=1 npx vitest run test/web`. */
export async function documentScreen(page: Page, name: string): Promise<void> {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  // Passing notices ("added to cart") would hide the screen's own header.
  await page
    .locator('.ant-message-notice')
    .last()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  await page.screenshot({ path: path.join(import.meta.dirname, '..', '..', 'docs', 'screenshots', `${name}.png`) });
}

/** Signs in by pasting a token (the accounts API's sign-in has its own test). */
export async function signInWithToken(page: Page, baseUrl: string, token: string, query = ''): Promise<void> {
  await page.goto(`${baseUrl}/signin${query}`);
  await page.getByRole('textbox', { name: /^(访问令牌|Access token)$/ }).fill(token);
  await page.getByRole('button', { name: /^(使用令牌|Use token)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}
