// Chromium for the browser tests: Debian's system build, never a downloaded one.
// When it is missing the tests are skipped with a message, except on CI (CI=true), where a
// missing browser is a failure: a green CI run must mean the browser tests really ran.
import { existsSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../test/helpers/test-app.ts';

/** Debian's Chromium; E2E_CHROMIUM_PATH points elsewhere (e.g. to check the skip and CI paths). */
export const CHROMIUM_PATH = process.env.E2E_CHROMIUM_PATH || '/usr/bin/chromium';

const LAUNCH_ARGS = [
  '--no-sandbox', // the tests run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const onCi = process.env.CI === 'true';

/**
 * Why the browser tests cannot run here, for `describe(name, { skip: browserSkipReason }, ...)`;
 * undefined when they can run — and always undefined on CI, so launchBrowser() fails instead.
 */
export const browserSkipReason: string | undefined =
  existsSync(CHROMIUM_PATH) || onCi
    ? undefined
    : `Chromium not found at ${CHROMIUM_PATH}: browser tests skipped (install Debian's "chromium" package to ` +
      `run them; with CI=true this is a failure).`;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Browser tests need Chromium at ${CHROMIUM_PATH}, but it is not there. ` +
        (onCi
          ? 'CI=true, so this fails rather than skipping: install the "chromium" package in the CI image.'
          : 'Install the "chromium" package.'),
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });
}

/** A fresh reader: its own cookies, nothing shared with other contexts. */
export async function newReader(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    ...options,
  });
  // Fail within seconds rather than Playwright's default 30 s, so a broken page does not stall the suite.
  context.setDefaultTimeout(7_000);
  context.setDefaultNavigationTimeout(10_000);
  return context;
}

/** The real app on a temp database and a real port, plus one browser for the whole test file. */
export interface E2E {
  app: TestApp;
  browser: Browser;
  close(): Promise<void>;
}

export async function startE2E(options: Parameters<typeof startTestApp>[0] = {}): Promise<E2E> {
  const [app, browser] = await Promise.allSettled([startTestApp(options), launchBrowser()]);
  if (app.status === 'rejected' || browser.status === 'rejected') {
    // Do not leave a listening server (or a browser) behind: the test process would never exit.
    await Promise.allSettled([
      app.status === 'fulfilled' && app.value.close(),
      browser.status === 'fulfilled' && browser.value.close(),
    ]);
    throw app.status === 'rejected' ? app.reason : (browser as PromiseRejectedResult).reason;
  }
  return {
    app: app.value,
    browser: browser.value,
    async close() {
      // The browser first: closing its pages ends their event streams, which would keep the server open.
      await browser.value.close();
      await app.value.close();
    },
  };
}

export interface BrowserSuite {
  /** The app of this test file (available once the suite's `before` hook has run). */
  readonly app: TestApp;
  /** A new reader's page; its context is closed after the test. */
  readerPage(options?: BrowserContextOptions): Promise<Page>;
}

/**
 * Registers a browser test file's hooks, inside its `describe`: one app and one browser for the
 * file, and every reader opened in a test closed after it.
 */
export function useBrowserSuite(options: Parameters<typeof startTestApp>[0] = {}): BrowserSuite {
  let env: E2E | undefined;
  const contexts: BrowserContext[] = [];
  before(async () => {
    env = await startE2E(options);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  after(async () => {
    await env?.close();
  });
  return {
    get app() {
      return env!.app;
    },
    async readerPage(contextOptions = {}) {
      const context = await newReader(env!.browser, contextOptions);
      contexts.push(context);
      return context.newPage();
    },
  };
}
