import { readFile } from 'node:fs/promises';
import type { CreateOwnerRequest } from '@zpanel/contracts';
import { testSshTarget } from '@zpanel/testing';
import type { Page } from 'playwright-core';
import { signIn } from './support/auth';
import { addPastedKey, fillServerAddress } from './support/server-wizard';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = {
  email: 'mia@example.com',
  name: 'Mia Metrics',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

/** The time of the newest CPU sample the chart shows, or undefined while it has none. */
async function newestCpuSample(page: Page): Promise<string | undefined> {
  const newest = page.getByTestId('metrics-chart-cpu-newest');
  return (await newest.count()) === 0 ? undefined : ((await newest.getAttribute('datetime', { timeout: 2_000 })) ?? undefined);
}

describe('Server metrics in the browser', () => {
  const running = useStackAndBrowser({ worker: true });

  useOwner(running, OWNER);

  it('checks a server every 5 s and charts each new sample as it arrives, without a reload', async () => {
    const { stack, browser } = running();
    const target = testSshTarget();
    const privateKey = await readFile(target.privateKeyPath, 'utf8');

    await inFreshContext(
      browser,
      { baseURL: stack.baseUrl, colorScheme: 'light', testName: 'server metrics: live chart' },
      async ({ page, problems }) => {
        page.context().setDefaultTimeout(10_000);
        await signIn(page, OWNER);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
        await page.getByRole('button', { name: 'Add your first server' }).click();

        const wizard = page.getByRole('dialog', { name: 'Add server' });
        await addPastedKey(wizard, privateKey);
        await wizard.getByRole('button', { name: 'Next' }).click();
        await fillServerAddress(wizard, 'metered', target);
        await wizard.getByLabel('Check interval (seconds, optional)').fill('5');
        await wizard.getByRole('button', { name: 'Add and validate' }).click();
        await eventually(async () => expect(await textOf(wizard.getByTestId('validation-status'))).toBe('metered is ready.'), 20_000);
        await wizard.getByRole('link', { name: 'Open server' }).click();

        await eventually(async () => expect(await textOf(page.getByTestId('check-interval'))).toBe('5 s'));
        await eventually(async () => expect(await textOf(page.getByTestId('metrics-live'))).toBe('Live'));
        const hourFetches: string[] = [];
        page.on('request', (request) => {
          if (request.url().includes('/metrics?range=1h')) hourFetches.push(request.url());
        });

        // The first sample may already be charted, or arrive live into the empty state.
        const first = await eventually(async () => {
          const newest = await newestCpuSample(page);
          expect(newest).toBeDefined();
          return newest;
        }, 30_000);
        const firstCount = await textOf(page.getByTestId('metrics-chart-cpu-count'));

        // The next check, 5 s later, shows up in the same page: pushed over the socket, not fetched.
        await eventually(async () => expect(await newestCpuSample(page)).not.toBe(first), 30_000);
        expect(Date.parse((await newestCpuSample(page)) ?? '')).toBeGreaterThan(Date.parse(first ?? ''));
        expect(await textOf(page.getByTestId('metrics-chart-cpu-count'))).not.toBe(firstCount);
        expect(hourFetches).toEqual([]);
        expect(await page.getByTestId('metrics-chart-cpu').locator('.recharts-line-curve').count()).toBe(1);
        expect(await textOf(page.getByTestId('last-checked'))).not.toBe('Not yet');
        expect(await textOf(page.getByTestId('load-averages'))).toMatch(/Load 1 min\d+\.\d\d/);

        // The default rules came with the server.
        await page.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Alerts' }).click();
        const rules = page.getByTestId('alert-rules-table');
        await eventually(async () => expect(await textOf(rules)).toContain('Disk above 80 % at once'));
        expect(await textOf(rules)).toContain('Memory above 90 % for 5 min');
        expect(await textOf(rules)).toContain('Unreachable at once');

        expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
      },
    );
  }, 120_000);
});
