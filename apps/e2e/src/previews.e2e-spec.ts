import type { CreateOwnerRequest } from '@zpanel/contracts';
import { getThroughProxy, pullRequestDelivery, sampleAppFiles, useGitApplication, webhookHeaders } from '@zpanel/testing';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = { email: 'pia@example.com', name: 'Pia Previews', password: 'correct horse battery staple', teamName: 'Previews' };
const DEPLOY_TIMEOUT_MS = 150_000;

describe('Preview deployments in the browser', () => {
  const running = useStackAndBrowser({ worker: true });
  const { asOwner } = useOwner(running, OWNER);
  const sample = useGitApplication({ asOwner }, 'previewed-ui', sampleAppFiles('main'), { name: 'previewed-ui', gitBranch: 'main' });
  let secret: string;

  beforeAll(async () => {
    secret = (await asOwner<{ webhookSecret: string }>('POST', `/api/v1/applications/${sample.app.id}/webhook-secret`)).body.webhookSecret;
  });

  it('turns previews on in the Previews tab; an opened pull request shows up, deploys to its address through Caddy, and Remove takes it away', async () => {
    const { stack, browser } = running();
    const previewDomain = `pv-${stack.dockerNamespace}.browser-e2e.test`;
    await inFreshContext(browser, { baseURL: stack.baseUrl, testName: 'previews: enable, open, remove' }, async ({ page, problems }) => {
      page.context().setDefaultTimeout(10_000);
      await signIn(page, OWNER);
      await page.goto(`/applications/${sample.app.id}/previews`);

      await page.getByTestId('previews-empty').waitFor();
      await page.getByRole('checkbox', { name: 'Deploy previews of pull requests' }).check();
      await page.getByRole('button', { name: 'Save preview settings' }).click();
      // The API names the missing field, and the form shows it under the field.
      await page.getByText('previewDomain is required to turn previews on').waitFor();
      await page.getByRole('textbox', { name: 'Preview domain' }).fill(previewDomain);
      await page.getByRole('button', { name: 'Save preview settings' }).click();
      await page.getByText('Saved.').first().waitFor();

      const head = await sample.repo.pullRequest('refs/pull/31/head', sampleAppFiles('pr31'), 'pr 31');
      const { payload, event } = pullRequestDelivery('github', {
        repoUrl: sample.repo.url,
        number: 31,
        action: 'opened',
        headSha: head,
        headBranch: 'feature/checkout',
        baseBranch: 'main',
        title: 'Add the checkout',
      });
      const body = JSON.stringify(payload);
      const res = await fetch(`${stack.baseUrl}/webhooks/github`, {
        method: 'POST',
        headers: webhookHeaders('github', body, secret, { event }),
        body,
      });
      expect(res.status).toBe(202);

      // The list refreshes by itself; the row's status follows the deployment to success.
      const row = page.getByTestId('previews-table').getByRole('row').filter({ hasText: '#31' });
      await eventually(async () => expect(await row.count()).toBe(1), 20_000, 250);
      expect(await row.textContent()).toContain('Add the checkout');
      expect(await row.textContent()).toContain('feature/checkout');
      expect(await row.getByRole('link', { name: `pr-31.${previewDomain}` }).count()).toBe(1);
      const outcome = await eventually(
        async () => {
          const value = await row.getByTestId('preview-deployment-status').getAttribute('data-status', { timeout: 2_000 });
          expect(['success', 'failed', 'cancelled', 'superseded']).toContain(value);
          return value;
        },
        DEPLOY_TIMEOUT_MS,
        500,
      );
      expect(outcome).toBe('success');
      const answered = await eventually(
        async () => {
          const answer = await getThroughProxy(stack.proxyHttpPort, `pr-31.${previewDomain}`);
          expect(answer.status).toBe(200);
          return answer.body.trim();
        },
        20_000,
        250,
      );
      expect(answered).toBe('pr31');

      await row.getByRole('button', { name: 'Remove the preview of #31' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove preview' }).click();
      await page.getByTestId('previews-empty').waitFor();
      await eventually(async () => expect((await getThroughProxy(stack.proxyHttpPort, `pr-31.${previewDomain}`)).status).not.toBe(200), 20_000, 250);
      // The one refused save above, on purpose.
      const refusedSave = { method: 'PATCH', path: `/api/v1/applications/${sample.app.id}`, status: 400 };
      expect(describeProblems(problems, [SIGNED_OUT_REFRESH, refusedSave])).toEqual([]);
    });
  });
});
