import type { CreateOwnerRequest } from '@zpanel/contracts';
import { HttpReceiver } from '@zpanel/testing';
import { Client } from 'pg';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = { email: 'nora@example.com', name: 'Nora Notices', password: 'correct horse battery staple', teamName: 'Pagers' };

/**
 * The channels page and the notification centre through the built stack: a webhook channel pointing
 * at a receiver on 127.0.0.1 is tried with Send test before it is saved, saved (its generated signing
 * secret shown once), and an event the worker fans out reaches the receiver, the channel's delivery
 * log, the bell's count and list, and a toast.
 */
describe('Notifications in the browser', () => {
  // Small periods: the worker's reaper fans out an event recorded without its job within half a second.
  const running = useStackAndBrowser({ worker: true, env: { NOTIFICATIONS_REAP_MS: '500', NOTIFICATIONS_TIMEOUT_MS: '2000' } });
  const team = useOwner(running, OWNER);
  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('adds a webhook channel after a test that reaches the receiver; a new event rings the bell, toasts and shows in the log', async () => {
    const { stack, browser } = running();
    await inFreshContext(browser, { baseURL: stack.baseUrl, testName: 'notifications: channel, test, bell' }, async ({ page, problems }) => {
      page.context().setDefaultTimeout(15_000);
      await signIn(page, OWNER);
      await page.getByRole('link', { name: 'Notifications', exact: true }).click();
      await page.getByRole('button', { name: 'Add your first channel' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a notification channel' });
      await dialog.getByLabel('Name').fill('ci hook');
      await dialog.getByLabel('Kind').selectOption('webhook');
      await dialog.getByLabel('URL', { exact: true }).fill(receiver.url('/hook'));

      await dialog.getByRole('button', { name: 'Send test' }).click();
      await eventually(async () => expect(await dialog.getByTestId('test-result').textContent()).toContain('Delivered · HTTP 200'), 20_000, 250);
      const [test] = await receiver.waitFor(1, 5_000);
      expect(test.url).toBe('/hook');
      expect(JSON.parse(test.body)).toMatchObject({ type: 'test' });
      receiver.clear();

      await dialog.getByRole('button', { name: 'Add channel' }).click();
      const shown = page.getByRole('dialog', { name: 'Signing secret of ci hook' });
      expect(await shown.getByTestId('signing-secret-value').textContent()).toMatch(/^whsec_/);
      await shown.getByRole('button', { name: 'Done' }).click();
      const row = page.getByTestId('notification-channels').getByRole('row').filter({ hasText: 'ci hook' });
      expect(await row.textContent()).toContain('Webhook');

      // As the recorder leaves an event whose fan-out job was lost: the worker's reaper fans it out.
      const db = new Client({ connectionString: stack.databaseUrl });
      await db.connect();
      try {
        await db.query(
          `INSERT INTO notification_events (team_id, audience, kind, severity, title, message, url, occurred_at)
           VALUES ($1, 'team', 'deployment.failed', 'error', 'Deployment of shop failed', 'The health check failed.', '/projects', now())`,
          [team.owner.teamId],
        );
      } finally {
        await db.end();
      }

      const [delivered] = await receiver.waitFor(1, 20_000);
      expect(JSON.parse(delivered.body)).toMatchObject({ type: 'deployment.failed', title: 'Deployment of shop failed' });
      await eventually(async () => expect(await page.getByTestId('unread-count').textContent()).toBe('1'), 20_000, 250);
      await page.getByText('Deployment of shop failed').first().waitFor();

      await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
      const item = page.getByRole('menu').getByRole('menuitem').filter({ hasText: 'Deployment of shop failed' });
      expect(await item.textContent()).toContain('The health check failed.');
      await item.click();
      await page.waitForURL('**/projects');
      await eventually(async () => expect(await page.getByTestId('unread-count').count()).toBe(0), 10_000, 250);

      await page.goto('/notifications/channels');
      await page.getByRole('link', { name: 'ci hook' }).click();
      const log = page.getByTestId('channel-deliveries').getByRole('row').filter({ hasText: 'Deployment of shop failed' });
      await eventually(async () => expect(await log.textContent()).toContain('Delivered'), 20_000, 500);
      expect(await log.textContent()).toContain('Deployments: Failed');
      expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
    });
  });
});
