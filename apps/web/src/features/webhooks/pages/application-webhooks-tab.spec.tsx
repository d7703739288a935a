import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role, type WebhookDeliveryDto, type WebhookSettingsDto } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { badRequest, jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage } from '../../../test/servers-fixtures';
import { anApplication } from '../../../test/applications-fixtures';
import { applicationPageRoutes } from '../../../test/application-routes';
import { ApplicationWebhooksTab } from './application-webhooks-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SETTINGS = '/api/v1/applications/app-1/webhook';
const ROTATE = '/api/v1/applications/app-1/webhook-secret';
const DELIVERIES = '/api/v1/applications/app-1/webhook-deliveries?page=1&perPage=20';
const SECRET = 'zpw_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

const urls = {
  github: 'https://panel.example.com/webhooks/github',
  gitlab: 'https://panel.example.com/webhooks/gitlab',
  bitbucket: 'https://panel.example.com/webhooks/bitbucket',
  gitea: 'https://panel.example.com/webhooks/gitea',
};
const settings = (secretSet: boolean): WebhookSettingsDto => ({ applicationId: 'app-1', urls, secretSet });

function aDelivery(overrides: Partial<WebhookDeliveryDto> = {}): WebhookDeliveryDto {
  return {
    id: 'delivery-1',
    applicationId: 'app-1',
    provider: 'github',
    deliveryId: '72d3162e',
    event: 'push',
    outcome: 'accepted',
    reason: 'deployed',
    deploymentId: 'deployment-1',
    deploymentApplicationId: 'app-1',
    headers: {},
    body: '{}',
    receivedAt: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
}

function routes(role: Role = Role.Owner, extra: Record<string, () => Response> = {}) {
  return {
    ...applicationPageRoutes(role, () => anApplication({ watchPaths: ['apps/api/**'] })),
    [SETTINGS]: () => jsonResponse(settings(false)),
    [DELIVERIES]: () => jsonResponse(aPage<WebhookDeliveryDto>([])),
    ...extra,
  };
}

describe(ApplicationWebhooksTab.name, () => {
  it('shows the URL for each provider with a copy button and setup hints, and the CI deploy command', async () => {
    mockApi(routes());
    renderApp('/applications/app-1/webhooks');

    const github = await screen.findByTestId('webhook-url-github');
    expect(github.textContent).toContain(urls.github);
    expect(github.textContent).toContain('application/json');
    expect(within(github).getByRole('button', { name: 'Copy GitHub URL' })).toBeTruthy();
    for (const provider of ['gitlab', 'bitbucket', 'gitea'])
      expect(screen.getByTestId(`webhook-url-${provider}`).textContent).toContain(`/webhooks/${provider}`);
    expect(screen.getByTestId('webhook-secret-state').textContent).toContain('No webhook secret yet');
    expect(screen.getByRole('region', { name: 'Webhooks' }).textContent).toContain('watch paths (apps/api/**)');

    const example = screen.getByTestId('ci-deploy-example').textContent ?? '';
    expect(example).toContain('/api/v1/applications/app-1/deployments');
    expect(example).toContain('Authorization: Bearer $ZPANEL_TOKEN');
    expect(example).toContain('-d "{\\"commit\\": \\"$GIT_COMMIT_SHA\\"}"');
    expect(example).not.toContain('imageTag');
    expect(screen.getByRole('region', { name: 'Deploy from CI' }).textContent).toContain('deploy the commit it built');
    expect(await screen.findByText(/No deliveries yet/)).toBeTruthy();
  });

  it('tells CI to send the image tag it pushed for an application that runs an image', async () => {
    mockApi(
      routes(Role.Owner, {
        '/api/v1/applications/app-1': () =>
          jsonResponse(anApplication({ buildPack: 'image', imageReference: 'ghcr.io/acme/web:latest', gitUrl: null, gitBranch: null })),
      }),
    );
    renderApp('/applications/app-1/webhooks');

    const example = (await screen.findByTestId('ci-deploy-example')).textContent ?? '';
    expect(example).toContain('/api/v1/applications/app-1/deployments');
    expect(example).toContain('Authorization: Bearer $ZPANEL_TOKEN');
    expect(example).toContain('-d "{\\"imageTag\\": \\"$IMAGE_TAG\\"}"');
    expect(example).not.toContain('commit');
    const section = screen.getByRole('region', { name: 'Deploy from CI' });
    expect(section.textContent).toContain('run the image tag it pushed (imageTag takes the place of the tag of ghcr.io/acme/web:latest)');
  });

  it('generates a secret and shows it once, with a copy button', async () => {
    let secretSet = false;
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const fetchMock = mockApi(
      routes(Role.Owner, {
        [SETTINGS]: () => jsonResponse(settings(secretSet)),
        [`POST ${ROTATE}`]: () => {
          secretSet = true;
          return jsonResponse({ ...settings(true), webhookSecret: SECRET });
        },
      }),
    );
    renderApp('/applications/app-1/webhooks');

    fireEvent.click(await screen.findByRole('button', { name: 'Generate secret' }));
    const shown = await screen.findByTestId('new-webhook-secret');
    expect(within(shown).getByTestId('webhook-secret-value').textContent).toBe(SECRET);
    fireEvent.click(within(shown).getByRole('button', { name: 'Copy secret' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SECRET));
    expect(requestsTo(fetchMock, ROTATE, 'POST')).toHaveLength(1);
    expect(screen.getByTestId('webhook-secret-state').textContent).toContain('A webhook secret is set');
    expect(screen.getByRole('button', { name: 'Rotate secret' })).toBeTruthy();
  });

  it('lists deliveries with their outcome, reason and deployment, page by page', async () => {
    const items = [
      aDelivery(),
      aDelivery({
        id: 'delivery-2',
        provider: 'gitlab',
        event: 'Push Hook',
        outcome: 'ignored',
        reason: 'branch: pushed to feature/x, the application deploys main',
        deploymentId: null,
      }),
      aDelivery({ id: 'delivery-3', outcome: 'rejected', reason: 'signature: does not match the application’s webhook secret', deploymentId: null }),
      aDelivery({
        id: 'delivery-4',
        event: 'pull_request',
        reason: 'preview deployed: #7 at pr-7.preview.example.com',
        deploymentId: 'dep-7',
        deploymentApplicationId: 'preview-7',
      }),
      aDelivery({ id: 'delivery-5', event: 'pull_request', reason: 'preview removed: #6 closed', deploymentId: null, deploymentApplicationId: null }),
    ];
    mockApi(
      routes(Role.Owner, {
        [DELIVERIES]: () => jsonResponse(aPage(items, { total: 45 })),
        '/api/v1/applications/app-1/webhook-deliveries?page=2&perPage=20': () =>
          jsonResponse(aPage([aDelivery({ id: 'delivery-21', reason: 'on page two' })], { page: 2, total: 45 })),
      }),
    );
    renderApp('/applications/app-1/webhooks');

    const first = await screen.findByTestId('webhook-delivery-delivery-1');
    expect(first.textContent).toContain('GitHub');
    expect(first.textContent).toContain('Deployed');
    expect(within(first).getByRole('link', { name: 'View deployment' }).getAttribute('href')).toBe('/applications/app-1/deployments/deployment-1');
    const ignored = screen.getByTestId('webhook-delivery-delivery-2');
    expect(ignored.textContent).toContain('Ignored');
    expect(ignored.textContent).toContain('branch: pushed to feature/x');
    expect(within(ignored).queryByRole('link')).toBeNull();
    expect(screen.getByTestId('webhook-delivery-delivery-3').textContent).toContain('Rejected');
    // A pull request's deployment is the preview's: the link goes there.
    expect(within(screen.getByTestId('webhook-delivery-delivery-4')).getByRole('link', { name: 'View deployment' }).getAttribute('href')).toBe(
      '/applications/preview-7/deployments/dep-7',
    );
    expect(screen.getByTestId('webhook-delivery-delivery-5').textContent).toContain('Removed');

    fireEvent.click(within(screen.getByRole('navigation', { name: 'Delivery pages' })).getByRole('button', { name: /next/i }));
    expect((await screen.findByTestId('webhook-delivery-delivery-21')).textContent).toContain('on page two');
  });

  it('saves the deploy tags glob (empty clears it), showing the API’s error on the field', async () => {
    let attempt = 0;
    const fetchMock = mockApi(
      routes(Role.Owner, {
        'PATCH /api/v1/applications/app-1': () => {
          attempt += 1;
          if (attempt === 1) return badRequest({ field: 'deployTags', message: 'deployTags must be a glob of tag names' });
          return jsonResponse(anApplication({ deployTags: attempt === 2 ? 'v*' : null }));
        },
      }),
    );
    renderApp('/applications/app-1/webhooks');

    const field = await screen.findByRole('textbox', { name: 'Deploy tags' });
    expect((field as HTMLInputElement).value).toBe('');
    fireEvent.change(field, { target: { value: '-v*' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save deploy tags' }));
    expect(await screen.findByText('deployTags must be a glob of tag names')).toBeTruthy();

    fireEvent.change(field, { target: { value: ' v* ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save deploy tags' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect((field as HTMLInputElement).value).toBe('v*');
    fireEvent.change(field, { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save deploy tags' }));
    await waitFor(() => expect(requestsTo(fetchMock, '/api/v1/applications/app-1', 'PATCH')).toHaveLength(3));
    expect(requestsTo(fetchMock, '/api/v1/applications/app-1', 'PATCH').map((r) => r.body)).toEqual([
      { deployTags: '-v*' },
      { deployTags: 'v*' },
      { deployTags: null },
    ]);
  });

  it('saves watch paths one per line, showing the API’s error on the field', async () => {
    let attempt = 0;
    const fetchMock = mockApi(
      routes(Role.Owner, {
        'PATCH /api/v1/applications/app-1': () => {
          attempt += 1;
          return attempt === 1
            ? badRequest({ field: 'watchPaths', message: 'watchPaths must be a relative path glob' })
            : jsonResponse(anApplication({ watchPaths: ['apps/web/**', 'Dockerfile'] }));
        },
      }),
    );
    renderApp('/applications/app-1/webhooks');

    const field = await screen.findByRole('textbox', { name: 'Watch paths' });
    expect((field as HTMLTextAreaElement).value).toBe('apps/api/**');
    fireEvent.change(field, { target: { value: '../outside/**' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save watch paths' }));
    expect(await screen.findByText('watchPaths must be a relative path glob')).toBeTruthy();

    fireEvent.change(field, { target: { value: ' apps/web/**\n\nDockerfile ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save watch paths' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/applications/app-1', 'PATCH').map((r) => r.body)).toEqual([
      { watchPaths: ['../outside/**'] },
      { watchPaths: ['apps/web/**', 'Dockerfile'] },
    ]);
  });

  it('shows an error when the log cannot be loaded, and a viewer cannot rotate the secret', async () => {
    mockApi(routes(Role.Viewer, { [DELIVERIES]: () => problemResponse({ status: 500, title: 'Internal Server Error' }) }));
    renderApp('/applications/app-1/webhooks');

    const button = await screen.findByRole('button', { name: 'Generate secret' });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(await within(screen.getByRole('region', { name: 'Webhook deliveries' })).findByRole('alert')).toBeTruthy();
  });
});
