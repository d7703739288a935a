import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

const ROOT = join(__dirname, '../../../..');

/** Debian's Chromium: `npx playwright install` cannot download browsers on the machines we run on. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Screenshots and diagnostics of failed browser tests (under the gitignored tmp/). */
export const ARTIFACTS_DIR = join(ROOT, 'tmp/e2e-artifacts');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches headless Chromium. Playwright gives the browser a fresh temporary profile
 * (--user-data-dir) and removes it on close.
 */
export async function launchChromium(): Promise<Browser> {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `${CHROMIUM_PATH} is missing or not executable: the browser e2e tests drive Debian's Chromium. ` +
        'Install it with scripts/test-env/ensure-chromium.sh (npm test runs it), or apt-get install chromium.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

export interface CspViolation {
  directive: string;
  blockedUri: string;
  sourceFile: string;
  line: number;
  sample: string;
}

/** Everything that went wrong in a page while a test drove it. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations: CspViolation[];
  /** Same-origin requests that failed at the network level or answered 4xx/5xx. */
  failedRequests: string[];
}

const CSP_BINDING = '__zpanelE2eCspViolation';

/**
 * Records console errors, uncaught exceptions, CSP violations and failed same-origin requests of
 * every page of `context`. Requests the page itself cancelled (net::ERR_ABORTED: a react-query
 * cancel, a navigation away) are not failures.
 */
export async function watchContext(context: BrowserContext, origin: string): Promise<PageProblems> {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], cspViolations: [], failedRequests: [] };
  const sameOrigin = (url: string) => {
    try {
      return new URL(url).origin === origin;
    } catch {
      return false;
    }
  };

  await context.exposeBinding(CSP_BINDING, (_source, violation: CspViolation) => {
    problems.cspViolations.push(violation);
  });
  await context.addInitScript((binding: string) => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as Record<string, (v: unknown) => void>)[binding];
      report({
        directive: event.effectiveDirective || event.violatedDirective,
        blockedUri: event.blockedURI,
        sourceFile: event.sourceFile,
        line: event.lineNumber,
        sample: event.sample,
      });
    });
  }, CSP_BINDING);

  const watchPage = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const { url, lineNumber } = message.location();
      problems.consoleErrors.push(`${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
    });
    page.on('pageerror', (error) => problems.pageErrors.push(error.stack ?? error.message));
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? 'unknown error';
      if (!sameOrigin(request.url()) || failure === 'net::ERR_ABORTED') return;
      problems.failedRequests.push(`${request.method()} ${request.url()}: ${failure}`);
    });
    page.on('response', (response) => {
      if (response.status() < 400 || !sameOrigin(response.url())) return;
      problems.failedRequests.push(`${response.request().method()} ${response.url()}: HTTP ${response.status()}`);
    });
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return problems;
}

/**
 * A same-origin 4xx the page is meant to get, such as the 401 of `POST /api/v1/auth/refresh`
 * when a signed-out tab starts. Chromium also logs it as a console error; both are let through.
 */
export interface ExpectedFailure {
  method: string;
  /** Path and query, e.g. `/api/v1/auth/login`. */
  path: string;
  status: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function isExpected(expected: readonly ExpectedFailure[], kind: 'request' | 'console', text: string): boolean {
  return expected.some(({ method, path, status }) => {
    const url = `https?://[^/]+${escapeRegExp(path)}`;
    return kind === 'request'
      ? new RegExp(`^${method} ${url}: HTTP ${status}$`).test(text)
      : new RegExp(`^Failed to load resource: the server responded with a status of ${status} .*\\(${url}:\\d+\\)$`).test(text);
  });
}

/** Nothing unexpected was recorded; `problems` flattened for a readable assertion diff. */
export function describeProblems(problems: PageProblems, expected: readonly ExpectedFailure[] = []): string[] {
  return [
    ...problems.consoleErrors.filter((text) => !isExpected(expected, 'console', text)).map((text) => `console error: ${text}`),
    ...problems.pageErrors.map((text) => `uncaught exception: ${text}`),
    ...problems.cspViolations.map((v) =>
      `CSP violation of ${v.directive}: blocked ${v.blockedUri || '(inline)'} in ${v.sourceFile || '?'}:${v.line} ${v.sample}`.trim(),
    ),
    ...problems.failedRequests.filter((text) => !isExpected(expected, 'request', text)).map((text) => `failed request: ${text}`),
  ];
}

/** Saves a full-page screenshot (and the page's URL) for a failed test; returns the screenshot path. */
export async function saveFailureArtifacts(page: Page, testName: string, error: unknown): Promise<string | undefined> {
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
  const base = join(ARTIFACTS_DIR, `${new Date().toISOString().replace(/[:.]/g, '-')}-${slug}`);
  try {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5_000 });
    writeFileSync(`${base}.txt`, `${testName}\nurl: ${page.url()}\n\n${error instanceof Error ? error.stack : String(error)}\n`);
    return `${base}.png`;
  } catch {
    // The page may be gone (crashed browser): the test's own error is what matters.
    return undefined;
  }
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
}

/**
 * Runs `body` in a fresh context (own storage, no shared cookies) of `browser`, watched for
 * problems. On failure it saves a screenshot under tmp/e2e-artifacts and names it in the error.
 */
export async function inFreshContext(
  browser: Browser,
  options: BrowserContextOptions & { baseURL: string; testName: string },
  body: (session: BrowserSession) => Promise<void>,
): Promise<void> {
  const { testName, ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  try {
    const problems = await watchContext(context, new URL(options.baseURL).origin);
    const page = await context.newPage();
    try {
      await body({ context, page, problems });
    } catch (error) {
      const screenshot = await saveFailureArtifacts(page, testName, error);
      if (screenshot && error instanceof Error) error.message += `\n(screenshot: ${screenshot})`;
      throw error;
    }
  } finally {
    await context.close();
  }
}
