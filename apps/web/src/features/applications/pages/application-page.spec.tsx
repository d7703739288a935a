import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type DeploymentDto, type LiveSubscribeMessage, Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { emitLiveEvent, liveSubscriptions } from '../../../test/fake-socket';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aDeployment } from '../../../test/deployments-fixtures';
import { aPage, aServer } from '../../../test/servers-fixtures';
import { anApplication } from '../../../test/applications-fixtures';
import { applicationPageRoutes } from '../../../test/application-routes';
import { ApplicationPage } from './application-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const APP = '/api/v1/applications/app-1';
const LATEST = `${APP}/deployments?page=1&perPage=1`;
const DEPLOYMENTS = `${APP}/deployments?page=1&perPage=20`;
const isLog = (id: string) => (s: LiveSubscribeMessage) => s.kind === 'deployment-logs' && s.deploymentId === id;

function routes(role: Role = Role.Owner, deployments: DeploymentDto[] = [aDeployment()]) {
  return {
    ...applicationPageRoutes(role),
    [LATEST]: () => jsonResponse(aPage(deployments.slice(0, 1), { perPage: 1, total: deployments.length })),
    [DEPLOYMENTS]: () => jsonResponse(aPage(deployments, { total: deployments.length })),
  };
}

/** What the project page asks for, where a deleted application leads. */
const projectPageRoutes = () => ({
  '/api/v1/applications?environmentId=env-1&page=1&perPage=20': () => jsonResponse(aPage([])),
  '/api/v1/environments/env-1/env': () => jsonResponse([]),
  '/api/v1/servers?page=1&perPage=100': () => jsonResponse(aPage([aServer()], { perPage: 100 })),
});

describe(ApplicationPage.name, () => {
  it('shows the latest deployment with its status live, and the URLs as links', async () => {
    const running = aDeployment({ id: 'dep-2', status: 'running', step: 'build', finishedAt: null });
    mockApi(routes(Role.Owner, [running]));
    renderApp('/applications/app-1');

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('shop-web'));
    const status = await screen.findByTestId('latest-deployment-status');
    expect(status.dataset.status).toBe('running');
    const link = within(screen.getByTestId('application-urls')).getByRole('link', { name: 'http://shop.example.com' });
    expect(link.getAttribute('href')).toBe('http://shop.example.com');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');

    // Status only: the overview asks for no log lines.
    await waitFor(() => expect(liveSubscriptions().filter(isLog('dep-2'))).toEqual([expect.objectContaining({ afterSeq: Number.MAX_SAFE_INTEGER })]));
    act(() => void emitLiveEvent(isLog('dep-2'), { type: 'status', status: 'running', step: 'health', reason: null, reasonCode: null }));
    await waitFor(() => expect(screen.getByTestId('latest-deployment').textContent).toContain('Health check'));
  });

  it('says when a change of a linked database waits for a deployment, redeploys from there, and drops the banner once it succeeded', async () => {
    const since = new Date(Date.now() - 120_000).toISOString();
    const pendingApp = anApplication({ pendingRedeploy: { reason: 'the password of main-db was rotated', since } });
    const queued = aDeployment({ id: 'dep-9', status: 'queued', step: 'queued', startedAt: null, finishedAt: null });
    let redeployed = false;
    const fetchMock = mockApi({
      ...routes(),
      [APP]: () => jsonResponse(redeployed ? anApplication() : pendingApp),
      [LATEST]: () =>
        jsonResponse(
          aPage(
            [redeployed ? { ...queued, status: 'success', step: 'done', startedAt: since, finishedAt: new Date().toISOString() } : aDeployment()],
            { perPage: 1 },
          ),
        ),
      [`POST ${APP}/deployments`]: () => jsonResponse(queued, 202),
      '/api/v1/deployments/dep-9': () => jsonResponse(queued),
    });
    const { router } = renderApp('/applications/app-1');

    const banner = await screen.findByTestId('pending-redeploy');
    expect(within(banner).getByRole('paragraph').textContent).toBe('Redeploy needed: the password of main-db was rotated (since 2 minutes ago)');
    // The latest deployment finished before the mark: nothing to ask again.
    await waitFor(() => expect(requestsTo(fetchMock, LATEST).length).toBeGreaterThan(0));
    expect(requestsTo(fetchMock, APP)).toHaveLength(1);

    fireEvent.click(within(banner).getByRole('button', { name: 'Redeploy now' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Deploy shop-web?' })).getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/applications/app-1/deployments/dep-9'));
    expect(requestsTo(fetchMock, `${APP}/deployments`, 'POST')).toHaveLength(1);
    expect(screen.getByTestId('pending-redeploy')).toBeTruthy();

    // The deployment succeeds: the application is asked again, and the API no longer marks it.
    redeployed = true;
    await waitFor(() => expect(liveSubscriptions().filter(isLog('dep-9')).length).toBeGreaterThan(0));
    act(() => void emitLiveEvent(isLog('dep-9'), { type: 'status', status: 'success', step: 'done', reason: null, reasonCode: null }));
    await waitFor(() => expect(screen.queryByTestId('pending-redeploy')).toBeNull());
    expect(requestsTo(fetchMock, APP).length).toBeGreaterThan(1);
  });

  it('keeps the banner while a redeploy fails', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const failed = aDeployment({ id: 'dep-9', status: 'failed', step: 'health', startedAt: since, finishedAt: new Date().toISOString() });
    const fetchMock = mockApi({
      ...routes(Role.Owner, [failed]),
      [APP]: () => jsonResponse(anApplication({ pendingRedeploy: { reason: 'the password of main-db was rotated', since } })),
    });
    renderApp('/applications/app-1');
    expect((await screen.findByTestId('latest-deployment-status')).dataset.status).toBe('failed');
    expect(screen.getByTestId('pending-redeploy')).toBeTruthy();
    expect(requestsTo(fetchMock, APP)).toHaveLength(1);
  });

  it('shows a viewer the banner without the button', async () => {
    mockApi({
      ...routes(Role.Viewer),
      [APP]: () =>
        jsonResponse(
          anApplication({ pendingRedeploy: { reason: 'the password of main-db was rotated', since: new Date(Date.now() - 120_000).toISOString() } }),
        ),
    });
    renderApp('/applications/app-1');
    const banner = await screen.findByTestId('pending-redeploy');
    expect(banner.textContent).toContain('Redeploy needed: the password of main-db was rotated');
    expect(within(banner).queryByRole('button')).toBeNull();
  });

  it('drops the pending redeploy notice once a deployment it follows succeeds', async () => {
    const running = aDeployment({ id: 'dep-5', status: 'running', step: 'health', finishedAt: null });
    let deployed = false;
    const pending = { reason: 'the password of main-db was rotated', since: new Date(Date.now() - 60_000).toISOString() };
    mockApi({
      ...routes(Role.Owner, [running]),
      [APP]: () => jsonResponse(anApplication({ pendingRedeploy: deployed ? null : pending })),
    });
    renderApp('/applications/app-1');
    await screen.findByTestId('pending-redeploy');
    await waitFor(() => expect(liveSubscriptions().filter(isLog('dep-5'))).toHaveLength(1));

    deployed = true;
    act(() => void emitLiveEvent(isLog('dep-5'), { type: 'status', status: 'success', step: 'done', reason: null, reasonCode: null }));
    await waitFor(() => expect(screen.queryByTestId('pending-redeploy')).toBeNull());
  });

  it('keeps the banner after a success that started before the mark, as the API still marks it', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const running = aDeployment({
      id: 'dep-5',
      status: 'running',
      step: 'health',
      startedAt: new Date(Date.now() - 120_000).toISOString(),
      finishedAt: null,
    });
    const fetchMock = mockApi({
      ...routes(Role.Owner, [running]),
      [APP]: () => jsonResponse(anApplication({ pendingRedeploy: { reason: 'the password of main-db was rotated', since } })),
    });
    renderApp('/applications/app-1');
    await screen.findByTestId('pending-redeploy');
    await waitFor(() => expect(liveSubscriptions().filter(isLog('dep-5'))).toHaveLength(1));

    act(() => void emitLiveEvent(isLog('dep-5'), { type: 'status', status: 'success', step: 'done', reason: null, reasonCode: null }));
    await waitFor(() => expect(requestsTo(fetchMock, APP).length).toBeGreaterThan(1));
    expect(screen.getByTestId('pending-redeploy')).toBeTruthy();
  });

  it('asks before deploying, then opens the new deployment’s live log', async () => {
    const queued = aDeployment({ id: 'dep-9', status: 'queued', step: 'queued', startedAt: null, finishedAt: null, imageKept: false });
    const fetchMock = mockApi({
      ...routes(),
      [`POST ${APP}/deployments`]: () => jsonResponse(queued, 202),
      '/api/v1/deployments/dep-9': () => jsonResponse(queued),
    });
    renderApp('/applications/app-1');

    fireEvent.click(await screen.findByRole('button', { name: 'Deploy' }));
    const dialog = screen.getByRole('dialog', { name: 'Deploy shop-web?' });
    expect(dialog.textContent).toContain('the head of main from https://git.example.com/shop.git');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(requestsTo(fetchMock, `${APP}/deployments`, 'POST')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deploy' }));

    expect(await screen.findByTestId('deployment-log')).toBeTruthy();
    expect(requestsTo(fetchMock, `${APP}/deployments`, 'POST')).toHaveLength(1);
    // The log subscribes and reads the status in effects after it mounts: awaited, not read at once.
    await waitFor(() => expect(liveSubscriptions().filter(isLog('dep-9'))).toEqual([expect.objectContaining({ afterSeq: 0 })]));
    expect(await screen.findByText('Waiting for a worker to start it…')).toBeTruthy();
  });

  it('shows why a deployment could not be queued', async () => {
    mockApi({
      ...routes(),
      [`POST ${APP}/deployments`]: () => problemResponse({ status: 409, title: 'Conflict', detail: 'The server is not ready' }),
    });
    renderApp('/applications/app-1');
    fireEvent.click(await screen.findByRole('button', { name: 'Deploy' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deploy' }));
    expect((await within(screen.getByRole('dialog')).findByRole('alert')).textContent).toContain('The server is not ready');
  });

  it('lists deployments with status, trigger, commit, who, when and duration', async () => {
    const deployments = [
      aDeployment({
        id: 'dep-3',
        status: 'failed',
        step: 'health',
        reason: 'Health check failed',
        trigger: 'api',
        actor: { type: 'token', userId: null, tokenId: 't', name: 'CI' },
      }),
      aDeployment({ id: 'dep-1' }),
      aDeployment({ id: 'dep-0', trigger: 'webhook', gitTag: 'v1.4.2' }),
    ];
    mockApi(routes(Role.Owner, deployments));
    renderApp('/applications/app-1/deployments');

    const table = await screen.findByTestId('deployments-table');
    const failed = within(table).getByTestId('deployment-dep-3');
    expect(failed.textContent).toContain('Failed');
    expect(failed.textContent).toContain('Health check failed');
    expect(failed.textContent).toContain('CI (API token)');
    expect(failed.textContent).toContain('API');
    const success = within(table).getByTestId('deployment-dep-1');
    expect(success.textContent).toContain('4f2a9c1');
    expect(success.textContent).toContain('1 min 12 s');
    expect(success.textContent).not.toContain('tag');
    expect(within(table).getByTestId('deployment-dep-0').textContent).toContain('(tag v1.4.2)');
    // Only a success whose image is kept can be rolled back to; a failed one offers nothing.
    expect(within(success).getByRole('button', { name: 'Roll back' })).toBeTruthy();
    expect(within(failed).queryByRole('button', { name: 'Roll back' })).toBeNull();
    expect(within(failed).queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('cancels a running deployment after asking', async () => {
    const running = aDeployment({ id: 'dep-4', status: 'running', step: 'build', finishedAt: null });
    const fetchMock = mockApi({
      ...routes(Role.Owner, [running]),
      'POST /api/v1/deployments/dep-4/cancel': () => jsonResponse({ ...running, cancelRequested: true }, 202),
    });
    renderApp('/applications/app-1/deployments');

    const row = await screen.findByTestId('deployment-dep-4');
    fireEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel this deployment?' });
    expect(dialog.textContent).toContain('keeps serving');
    expect(requestsTo(fetchMock, '/api/v1/deployments/dep-4/cancel', 'POST')).toEqual([]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel deployment' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, '/api/v1/deployments/dep-4/cancel', 'POST')).toHaveLength(1);
  });

  it('rolls back to a kept image after asking, and opens the rollback’s log', async () => {
    const rollback = aDeployment({
      id: 'dep-5',
      trigger: 'rollback',
      sourceDeploymentId: 'dep-1',
      status: 'queued',
      step: 'queued',
      startedAt: null,
      finishedAt: null,
    });
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/deployments/dep-1/rollback': () => jsonResponse(rollback, 202),
      '/api/v1/deployments/dep-5': () => jsonResponse(rollback),
    });
    renderApp('/applications/app-1/deployments');

    fireEvent.click(await screen.findByRole('button', { name: 'Roll back' }));
    const dialog = screen.getByRole('dialog', { name: 'Roll back to this deployment?' });
    expect(dialog.textContent).toContain('commit 4f2a9c1');
    expect(dialog.textContent).toContain('without a build');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back' }));

    expect(await screen.findByTestId('deployment-log')).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/deployments/dep-1/rollback', 'POST')).toHaveLength(1);
    expect(screen.getByTestId('deployment-summary').textContent).toContain('Rollback');
    expect(screen.getByTestId('deployment-summary').textContent).toContain('runs the image of deployment dep-1');
  });

  it('shows a refused rollback in its dialog', async () => {
    mockApi({
      ...routes(),
      'POST /api/v1/deployments/dep-1/rollback': () =>
        problemResponse({ status: 409, title: 'Conflict', detail: 'The image of this deployment is no longer kept' }),
    });
    renderApp('/applications/app-1/deployments');
    fireEvent.click(await screen.findByRole('button', { name: 'Roll back' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Roll back' }));
    expect((await within(screen.getByRole('dialog')).findByRole('alert')).textContent).toContain('no longer kept');
  });

  it('shows a viewer everything read-only, saying why', async () => {
    mockApi(routes(Role.Viewer));
    renderApp('/applications/app-1/deployments');

    const deploy = (await screen.findByRole('button', { name: 'Deploy' })) as HTMLButtonElement;
    expect(deploy.disabled).toBe(true);
    expect(deploy.title).toBe('Your role (viewer) cannot deploy: ask a member, admin or owner');
    expect(screen.getByText(/You can see this application but not change it or deploy it/)).toBeTruthy();
    const rollback = (await screen.findByRole('button', { name: 'Roll back' })) as HTMLButtonElement;
    expect(rollback.disabled).toBe(true);
  });

  it('saves only the settings that changed, and shows the API’s errors on their fields', async () => {
    const fetchMock = mockApi({
      ...routes(),
      '/api/v1/ssh-keys?page=1&perPage=100': () => jsonResponse(aPage([], { perPage: 100 })),
      [`PATCH ${APP}`]: ({ body }) =>
        (body as { name?: string }).name === 'shop-api'
          ? problemResponse({
              status: 409,
              title: 'Conflict',
              errors: [{ field: 'name', message: 'already used by another application on this server' }],
            })
          : jsonResponse(anApplication({ keepImages: 5 })),
    });
    renderApp('/applications/app-1/settings');

    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    fireEvent.change(name, { target: { value: 'shop-api' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(document.getElementById(name.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
        'already used by another application on this server',
      ),
    );
    expect(name.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(name, { target: { value: 'shop-web' } });
    fireEvent.change(screen.getByLabelText('Images kept'), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Saved. Changes apply from the next deployment.');
    expect(requestsTo(fetchMock, APP, 'PATCH').map((r) => r.body)).toEqual([{ name: 'shop-api' }, { keepImages: 5 }]);
  });

  it('saves the health check and the domains, naming a refused domain', async () => {
    const fetchMock = mockApi({
      ...routes(),
      [`PATCH ${APP}`]: ({ body }) =>
        'domains' in (body as object)
          ? problemResponse({
              status: 409,
              title: 'Conflict',
              errors: [{ field: 'domains', message: 'taken.example.com is already used by another application' }],
            })
          : jsonResponse(
              anApplication({
                healthCheck: { type: 'http', path: '/healthz', startPeriodSeconds: 5, intervalSeconds: 2, timeoutSeconds: 2, retries: 10 },
              }),
            ),
    });
    renderApp('/applications/app-1/health-check');

    fireEvent.click(await screen.findByLabelText('HTTP: a path answers 2xx or 3xx'));
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: '/healthz' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save health check' }));
    await screen.findByText('Saved. It applies from the next deployment.');
    expect(requestsTo(fetchMock, APP, 'PATCH')[0].body).toEqual({
      healthCheck: { type: 'http', path: '/healthz', startPeriodSeconds: 5, intervalSeconds: 2, timeoutSeconds: 2, retries: 10 },
    });

    fireEvent.click(screen.getByRole('link', { name: 'Domains' }));
    fireEvent.change(await screen.findByRole('textbox', { name: 'Domains' }), { target: { value: 'shop.example.com\nTaken.example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save domains' }));
    expect((await screen.findByTestId('field-errors')).textContent).toBe('taken.example.com is already used by another application');
    expect(requestsTo(fetchMock, APP, 'PATCH')[1].body).toEqual({ domains: ['shop.example.com', 'taken.example.com'] });
  });

  it('shows on a preview which application and pull request it previews, with only its overview and deployments', async () => {
    const PREVIEW = '/api/v1/applications/preview-42';
    const deployment = aDeployment({ id: 'dep-42', applicationId: 'preview-42' });
    mockApi({
      ...routes(),
      [PREVIEW]: () =>
        jsonResponse(
          anApplication({
            id: 'preview-42',
            name: 'shop-web-pr-42',
            domains: ['pr-42.preview.shop.example.com'],
            previewOf: { applicationId: 'app-1', number: 42 },
          }),
        ),
      [`${PREVIEW}/deployments?page=1&perPage=1`]: () => jsonResponse(aPage([deployment], { perPage: 1 })),
      [`${PREVIEW}/deployments?page=1&perPage=20`]: () => jsonResponse(aPage([deployment])),
    });
    const { router } = renderApp('/applications/preview-42');

    const banner = await screen.findByTestId('preview-banner');
    await waitFor(() => expect(banner.textContent).toContain('Preview of shop-web for pull request #42 — its settings follow shop-web'));
    expect(within(banner).getByRole('link', { name: 'shop-web' }).getAttribute('href')).toBe('/applications/app-1');
    expect(within(banner).getByRole('link', { name: 'Previews tab' }).getAttribute('href')).toBe('/applications/app-1/previews');
    const tabs = within(screen.getByRole('navigation', { name: 'Application sections' })).getAllByRole('link');
    expect(tabs.map((tab) => tab.textContent)).toEqual(['Overview', 'Deployments']);

    fireEvent.click(tabs[1]);
    expect(await screen.findByTestId('deployment-dep-42')).toBeTruthy();

    // A settings page opened by its address says where the settings are instead.
    act(() => void router.navigate('/applications/preview-42/settings'));
    expect((await screen.findByTestId('preview-section-hidden')).textContent).toContain('they follow shop-web');
    expect(screen.queryByRole('button', { name: 'Save settings' })).toBeNull();
  });

  it('offers every tab, Previews included, on an application that is not a preview', async () => {
    mockApi(routes());
    renderApp('/applications/app-1');

    const nav = await screen.findByRole('navigation', { name: 'Application sections' });
    expect(within(nav).getByRole('link', { name: 'Previews' }).getAttribute('href')).toBe('/applications/app-1/previews');
    expect(screen.queryByTestId('preview-banner')).toBeNull();
  });

  it('deletes the application only once its name is typed', async () => {
    const fetchMock = mockApi({
      ...routes(),
      [`DELETE ${APP}`]: () => new Response(null, { status: 204 }),
      ...projectPageRoutes(),
    });
    const { router } = renderApp('/applications/app-1/danger');

    fireEvent.click(await screen.findByRole('button', { name: 'Delete application' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete shop-web?' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete application' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Application name'), { target: { value: 'shop-we' } });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Application name'), { target: { value: 'shop-web' } });
    fireEvent.click(confirm);

    await waitFor(() => expect(router.state.location.pathname).toBe('/projects/project-1'));
    expect(requestsTo(fetchMock, APP, 'DELETE')).toHaveLength(1);
  });

  it('deletes the named volumes too only when asked', async () => {
    const fetchMock = mockApi({
      ...routes(),
      [`DELETE ${APP}?deleteVolumes=true`]: () => new Response(null, { status: 204 }),
      ...projectPageRoutes(),
    });
    const { router } = renderApp('/applications/app-1/danger');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete application' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete shop-web?' });
    fireEvent.change(within(dialog).getByLabelText('Application name'), { target: { value: 'shop-web' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Also delete its named volumes and the data in them' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete application' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/projects/project-1'));
    expect(requestsTo(fetchMock, `${APP}?deleteVolumes=true`, 'DELETE')).toHaveLength(1);
  });
});
