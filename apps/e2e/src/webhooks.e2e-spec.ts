import type { CreateOwnerRequest } from '@zpanel/contracts';
import { pushPayload, sampleAppFiles, useGitApplication, webhookHeaders } from '@zpanel/testing';
import type { Page } from 'playwright-core';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = { email: 'wes@example.com', name: 'Wes Webhooks', password: 'correct horse battery staple', teamName: 'Hooks' };
const DEPLOY_TIMEOUT_MS = 150_000;

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

describe('Webhooks in the browser', () => {
  const running = useStackAndBrowser({ worker: true });
  const { asOwner } = useOwner(running, OWNER);
  const sample = useGitApplication({ asOwner }, 'hooked-ui', sampleAppFiles('v1'), { name: 'hooked-ui', gitBranch: 'main' });

  it('copies the webhook URL and a new secret from the application page; a delivery signed with them shows in the log and its deployment streams live to success', async () => {
    const { stack, browser } = running();
    await inFreshContext(
      browser,
      { baseURL: stack.baseUrl, testName: 'webhooks: copy, deliver, log', permissions: ['clipboard-read', 'clipboard-write'] },
      async ({ page, problems }) => {
        page.context().setDefaultTimeout(10_000);
        await signIn(page, OWNER);
        await page.goto(`/applications/${sample.app.id}/webhooks`);

        await page.getByRole('button', { name: 'Copy GitHub URL' }).click();
        const url = await eventually(async () => {
          const copied = await clipboard(page);
          expect(copied).toBe(`${stack.baseUrl}/webhooks/github`);
          return copied;
        });

        await page.getByRole('button', { name: 'Generate secret' }).click();
        const shown = (await page.getByTestId('webhook-secret-value').textContent()) ?? '';
        expect(shown).toMatch(/^zpw_/);
        await page.getByRole('button', { name: 'Copy secret' }).click();
        const secret = await eventually(async () => {
          const copied = await clipboard(page);
          expect(copied).toBe(shown);
          return copied;
        });

        const body = JSON.stringify(pushPayload('github', { repoUrl: sample.repo.url, branch: 'main', after: sample.head, message: 'Ship it' }));
        const res = await fetch(url, { method: 'POST', headers: webhookHeaders('github', body, secret), body });
        expect(res.status).toBe(202);

        // The log refreshes by itself.
        const deployed = page.getByTestId('webhook-deliveries').getByRole('row').filter({ hasText: 'Deployed' });
        await eventually(async () => expect(await deployed.count()).toBe(1), 20_000, 250);
        await deployed.getByRole('link', { name: 'View deployment' }).click();

        const status = page.getByTestId('deployment-log-status');
        const outcome = await eventually(
          async () => {
            const value = await status.getAttribute('data-status', { timeout: 2_000 });
            expect(['success', 'failed', 'cancelled', 'superseded']).toContain(value);
            return value;
          },
          DEPLOY_TIMEOUT_MS,
          250,
        );
        expect(outcome).toBe('success');
        expect(await page.getByTestId('deployment-log-lines').locator('.log-line__text').count()).toBeGreaterThan(0);
        expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
      },
    );
  });
});
