import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type ApplicationDto, type PreviewDto, Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { badRequest, jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPreview } from '../../../test/previews-fixtures';
import { aPage } from '../../../test/servers-fixtures';
import { anApplication, anEnvVar } from '../../../test/applications-fixtures';
import { applicationPageRoutes } from '../../../test/application-routes';
import { ApplicationPreviewsTab } from './application-previews-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const APP = '/api/v1/applications/app-1';
const PREVIEWS = `${APP}/previews?page=1&perPage=20`;
const PREVIEW_ENV = `${APP}/preview-env`;

function routes(
  role: Role = Role.Owner,
  application: Partial<ApplicationDto> = {},
  extra: Record<string, Parameters<typeof mockApi>[0][string]> = {},
) {
  return {
    ...applicationPageRoutes(role, () => anApplication(application)),
    [PREVIEWS]: () => jsonResponse(aPage<PreviewDto>([])),
    [PREVIEW_ENV]: () => jsonResponse([]),
    ...extra,
  };
}

const previewsRegion = () => screen.getByRole('region', { name: 'Previews' });

describe(ApplicationPreviewsTab.name, () => {
  it('saves the preview settings, showing the API’s error under its field', async () => {
    let attempt = 0;
    const fetchMock = mockApi(
      routes(
        Role.Owner,
        {},
        {
          [`PATCH ${APP}`]: () => {
            attempt += 1;
            return attempt === 1
              ? badRequest({ field: 'previewDomain', message: 'required to turn previews on' })
              : jsonResponse(anApplication({ previewsEnabled: true, previewDomain: 'preview.shop.example.com', previewForks: true }));
          },
        },
      ),
    );
    renderApp('/applications/app-1/previews');

    const toggle = (await screen.findByRole('checkbox', { name: 'Deploy previews of pull requests' })) as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    fireEvent.click(toggle);
    fireEvent.click(screen.getByRole('button', { name: 'Save preview settings' }));
    const domain = screen.getByRole('textbox', { name: 'Preview domain' });
    await waitFor(() =>
      expect(document.getElementById(domain.getAttribute('aria-describedby') ?? '')?.textContent).toBe('required to turn previews on'),
    );
    expect(domain.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(domain, { target: { value: ' Preview.Shop.example.com ' } });
    const forks = screen.getByRole('checkbox', { name: 'Also deploy pull requests from forks' });
    fireEvent.click(forks);
    expect(screen.getByTestId('preview-forks-warning').textContent).toContain('runs their code on your server, with the preview variables');
    fireEvent.click(screen.getByRole('button', { name: 'Save preview settings' }));

    expect(await screen.findByText('Saved.')).toBeTruthy();
    const hint = document.getElementById(domain.getAttribute('aria-describedby') ?? '')?.textContent;
    expect(hint).toContain('A wildcard DNS record *.preview.shop.example.com must point at the server');
    expect(hint).toContain('pr-12.preview.shop.example.com');
    expect(requestsTo(fetchMock, APP, 'PATCH').map((r) => r.body)).toEqual([
      { previewsEnabled: true, previewDomain: null, previewForks: false },
      { previewsEnabled: true, previewDomain: 'preview.shop.example.com', previewForks: true },
    ]);
  });

  it('says which pull request events to enable on the webhook, pointing at the Webhooks tab', async () => {
    mockApi(routes());
    renderApp('/applications/app-1/previews');

    const events = await screen.findByTestId('pull-request-events');
    expect(events.textContent).toContain('“Pull requests”');
    expect(events.textContent).toContain('“Merge request events”');
    expect(events.textContent).toContain('“Pull Request”');
    const region = screen.getByRole('region', { name: 'Pull request events' });
    expect(within(region).getByRole('link', { name: 'Webhooks tab' }).getAttribute('href')).toBe('/applications/app-1/webhooks');
  });

  it('lists previews with their pull request, branch, address, latest deployment and commit', async () => {
    const items = [
      aPreview({ fork: true }),
      aPreview({
        id: 'preview-7',
        number: 7,
        title: 'Fix the cart',
        link: null,
        headBranch: 'fix/cart',
        domain: 'pr-7.preview.shop.example.com',
        commitSha: null,
        latestDeployment: null,
      }),
    ];
    mockApi(
      routes(Role.Owner, { previewsEnabled: true, previewDomain: 'preview.shop.example.com' }, { [PREVIEWS]: () => jsonResponse(aPage(items)) }),
    );
    renderApp('/applications/app-1/previews');

    const row = await screen.findByTestId('preview-preview-42');
    const pr = within(row).getByRole('link', { name: '#42 Add a wish list' });
    expect(pr.getAttribute('href')).toBe('https://github.com/shop/web/pull/42');
    expect(pr.getAttribute('target')).toBe('_blank');
    expect(pr.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(row).getByTestId('preview-fork').textContent).toBe('fork');
    expect(row.textContent).toContain('feature/wish-list');
    const address = within(row).getByRole('link', { name: 'pr-42.preview.shop.example.com' });
    expect(address.getAttribute('href')).toBe('http://pr-42.preview.shop.example.com');
    expect(address.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(row).getByTestId('preview-deployment-status').textContent).toBe('Success');
    expect(within(row).getByTestId('preview-deployment-status').closest('a')?.getAttribute('href')).toBe(
      '/applications/preview-42/deployments/dep-42',
    );
    expect(row.textContent).toContain('9b1c2d3');
    expect(row.textContent).toContain('2 minutes ago');

    const other = screen.getByTestId('preview-preview-7');
    expect(other.textContent).toContain('#7 Fix the cart');
    expect(within(other).queryByRole('link', { name: /Fix the cart/ })).toBeNull();
    expect(within(other).queryByTestId('preview-fork')).toBeNull();
    expect(other.textContent).toContain('Not deployed yet');
  });

  it('says how to get a first preview when there is none', async () => {
    mockApi(routes(Role.Owner, { previewsEnabled: true, previewDomain: 'preview.shop.example.com' }));
    renderApp('/applications/app-1/previews');

    expect((await screen.findByTestId('previews-empty')).textContent).toContain('No previews yet: open a pull request against main');
  });

  it('shows why the previews could not be loaded', async () => {
    mockApi(routes(Role.Owner, {}, { [PREVIEWS]: () => problemResponse({ status: 500, title: 'Internal Server Error', traceId: 'trace-9' }) }));
    renderApp('/applications/app-1/previews');

    await waitFor(() => expect(within(previewsRegion()).getByRole('alert').textContent).toContain('trace-9'));
  });

  it('removes a preview only after confirming', async () => {
    let removed = false;
    const fetchMock = mockApi(
      routes(
        Role.Owner,
        { previewsEnabled: true },
        {
          [PREVIEWS]: () => jsonResponse(aPage(removed ? [] : [aPreview()])),
          [`DELETE ${APP}/previews/preview-42`]: () => {
            removed = true;
            return new Response(null, { status: 204 });
          },
        },
      ),
    );
    renderApp('/applications/app-1/previews');

    fireEvent.click(await screen.findByRole('button', { name: 'Remove the preview of #42' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove the preview of #42?' });
    expect(dialog.textContent).toContain('pr-42.preview.shop.example.com');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(requestsTo(fetchMock, `${APP}/previews/preview-42`, 'DELETE')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Remove the preview of #42' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove preview' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${APP}/previews/preview-42`, 'DELETE')).toHaveLength(1);
    expect(await screen.findByTestId('previews-empty')).toBeTruthy();
  });

  it('edits the preview variables through the preview-env routes', async () => {
    const fetchMock = mockApi(
      routes(
        Role.Owner,
        {},
        {
          [PREVIEW_ENV]: () => jsonResponse([anEnvVar({ scope: 'preview', key: 'DATABASE_URL', value: 'postgres://shop@staging-db/shop' })]),
          [`PUT ${PREVIEW_ENV}/STRIPE_KEY`]: () => jsonResponse(anEnvVar({ scope: 'preview', key: 'STRIPE_KEY', value: 'sk_test_1' })),
        },
      ),
    );
    renderApp('/applications/app-1/previews');

    const section = await screen.findByRole('region', { name: 'Preview variables' });
    expect(section.textContent).toContain('override the application’s and the environment’s variables of the same key, in previews only');
    await waitFor(() => expect(within(section).getByTestId('env-var-DATABASE_URL')).toBeTruthy());
    expect(within(section).getByRole('button', { name: 'Edit DATABASE_URL' })).toBeTruthy();

    fireEvent.click(within(section).getByRole('button', { name: 'Add variable' }));
    const dialog = screen.getByRole('dialog', { name: 'Add variable' });
    fireEvent.change(within(dialog).getByLabelText('Key'), { target: { value: 'STRIPE_KEY' } });
    fireEvent.change(within(dialog).getByLabelText('Value'), { target: { value: 'sk_test_1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${PREVIEW_ENV}/STRIPE_KEY`, 'PUT').map((r) => r.body)).toEqual([
      { value: 'sk_test_1', buildTime: false, runtime: true },
    ]);
  });

  it('lets a viewer see the previews but neither save settings nor remove one', async () => {
    mockApi(routes(Role.Viewer, { previewsEnabled: true }, { [PREVIEWS]: () => jsonResponse(aPage([aPreview()])) }));
    renderApp('/applications/app-1/previews');

    const remove = (await screen.findByRole('button', { name: 'Remove the preview of #42' })) as HTMLButtonElement;
    expect(remove.disabled).toBe(true);
    const save = screen.getByRole('button', { name: 'Save preview settings' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(save.title).toBe('Your role (viewer) cannot change projects or applications: ask a member, admin or owner');
    expect(screen.getByRole('checkbox', { name: 'Deploy previews of pull requests' }).matches(':disabled')).toBe(true);
  });

  it('says previews need a git repository for an image application, asking for no previews', async () => {
    mockApi(routes(Role.Owner, { buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: 'ghcr.io/shop/web:1.0' }));
    renderApp('/applications/app-1/previews');

    expect((await screen.findByTestId('previews-need-git')).textContent).toContain('Previews need a git repository');
    expect(screen.queryByRole('button', { name: 'Save preview settings' })).toBeNull();
  });
});
