import type { ContainerDetailsDto, CreateOwnerRequest } from '@zpanel/contracts';
import { addTestServer, removeTestContainers, runTestContainer } from '@zpanel/testing';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = {
  email: 'cora@example.com',
  name: 'Cora Containers',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

describe('Containers in the browser', () => {
  const running = useStackAndBrowser({ worker: true });
  const { asOwner } = useOwner(running, OWNER);
  const name = `zp-e2e-${process.env.ZP_TEST_RUN_ID}-ui-${process.pid}`;
  let serverId: string;

  beforeAll(async () => {
    serverId = (await addTestServer(asOwner, { name: 'test-sshd' })).id;
    runTestContainer(name, 'i=0; while true; do echo tick-$i; echo tock-$i >&2; i=$((i+1)); sleep 0.3; done', ['zpanel.managed=true']);
  });
  afterAll(() => removeTestContainers(name));

  const stateViaApi = async () => (await asOwner<ContainerDetailsDto>('GET', `/api/v1/servers/${serverId}/containers/${name}`)).body.state;

  it('stops and starts a container from the server’s Containers tab, and follows its logs', async () => {
    const { stack, browser } = running();
    await inFreshContext(browser, { baseURL: stack.baseUrl, testName: 'containers: stop, start, logs' }, async ({ page, problems }) => {
      page.context().setDefaultTimeout(10_000);
      await signIn(page, OWNER);
      await page.goto(`/servers/${serverId}/containers`);
      const tab = page.getByRole('navigation', { name: 'Server sections' }).getByRole('link', { name: 'Containers' });
      await eventually(async () => expect(await tab.getAttribute('aria-current')).toBe('page'));

      const row = page.getByTestId(`container-${name}`);
      await eventually(async () => expect(await textOf(row.getByTestId('container-state'))).toBe('Running'), 20_000);
      expect(await textOf(row.getByTestId('container-status'))).toMatch(/^Up /);
      // A stopped container leaves the default (running only) list: show stopped ones too.
      await page.getByLabel('Show stopped containers').check();

      await row.getByRole('button', { name: 'Stop' }).click();
      const dialog = page.getByRole('dialog', { name: `Stop ${name}?` });
      await dialog.getByLabel('Grace period (seconds)').fill('1');
      await dialog.getByRole('button', { name: 'Stop container' }).click();
      await dialog.waitFor({ state: 'detached' });
      await eventually(async () => expect(await textOf(row.getByTestId('container-state'))).toBe('Exited'), 20_000);
      expect(await textOf(row.getByTestId('container-status'))).toMatch(/^Exited \(\d+\)/);
      expect(await stateViaApi()).toBe('exited');

      await row.getByRole('button', { name: 'Start' }).click();
      await eventually(async () => expect(await textOf(row.getByTestId('container-state'))).toBe('Running'), 20_000);
      expect(await stateViaApi()).toBe('running');

      await row.getByRole('button', { name: 'Logs' }).click();
      const logs = page.getByRole('region', { name: `Logs of ${name}` });
      await eventually(async () => expect(await textOf(logs.getByTestId('container-logs-status'))).toBe('Following'));
      const lines = logs.getByTestId('container-log-lines');
      await eventually(async () => expect(await textOf(lines)).toMatch(/outtick-\d+/), 15_000);
      await eventually(async () => expect(await lines.locator('[data-stream="stderr"]').count()).toBeGreaterThan(0));
      // Lines keep arriving while it follows.
      const count = await lines.locator('[data-stream]').count();
      await eventually(async () => expect(await lines.locator('[data-stream]').count()).toBeGreaterThan(count), 10_000);

      expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
    });
  }, 90_000);
});
