import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage, aServer, anSshKey } from '../../../test/servers-fixtures';
import { aProject, anApplication, anEnvironment } from '../../../test/applications-fixtures';
import { NewApplicationPage } from './new-application-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const STAGING = anEnvironment({ id: 'env-2', name: 'staging', applicationCount: 0 });

function routes(role: Role = Role.Owner, servers = [aServer()]) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    '/api/v1/projects/project-1': () => jsonResponse(aProject()),
    '/api/v1/projects/project-1/environments?page=1&perPage=100': () => jsonResponse(aPage([anEnvironment(), STAGING], { perPage: 100 })),
    '/api/v1/servers?page=1&perPage=100': () => jsonResponse(aPage(servers, { perPage: 100 })),
    '/api/v1/ssh-keys?page=1&perPage=100': () => jsonResponse(aPage([anSshKey()], { perPage: 100 })),
  };
}

/** The note (hint or error) an input announces. */
const noteOf = (input: HTMLElement) => document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent;

describe(NewApplicationPage.name, () => {
  it('shows each of the API’s errors on its own field, and the rest above the button', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/applications': () =>
        problemResponse({
          status: 400,
          title: 'Validation failed',
          errors: [
            { field: 'gitUrl', message: 'gitUrl must be an http(s) or ssh URL without credentials' },
            { field: 'gitBranch', message: 'gitBranch must be a branch name' },
            { field: 'healthCheck.path', message: 'healthCheck.path must start with /' },
            { field: 'domains.1', message: 'must be a domain name like app.example.com' },
            { field: 'port', message: 'port must be between 1 and 65535' },
            { field: 'somethingElse', message: 'is not allowed' },
          ],
        }),
    });
    renderApp('/projects/project-1/applications/new?environment=env-2');

    const form = await screen.findByRole('form', { name: 'New application' });
    expect((within(form).getByLabelText('Environment') as HTMLSelectElement).value).toBe('env-2');
    // The team's only server is chosen for the user.
    expect((within(form).getByLabelText('Server') as HTMLSelectElement).value).toBe('server-1');
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Shop-Web' } });
    fireEvent.change(within(form).getByLabelText('Git repository URL'), { target: { value: "repo.git';curl x" } });
    fireEvent.change(within(form).getByLabelText('Branch'), { target: { value: 'main;rm' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Domains (optional)' }), { target: { value: 'shop.example.com\nNot_A_Domain!' } });
    fireEvent.click(within(form).getByLabelText('HTTP: a path answers 2xx or 3xx'));
    fireEvent.change(within(form).getByLabelText('Path'), { target: { value: 'healthz' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create application' }));

    await waitFor(() =>
      expect(noteOf(within(form).getByLabelText('Git repository URL'))).toBe('gitUrl must be an http(s) or ssh URL without credentials'),
    );
    expect(noteOf(within(form).getByLabelText('Branch'))).toBe('gitBranch must be a branch name');
    expect(noteOf(within(form).getByLabelText('Path'))).toBe('healthCheck.path must start with /');
    expect(noteOf(within(form).getByLabelText('Port'))).toBe('port must be between 1 and 65535');
    expect(within(form).getByTestId('field-errors').textContent).toBe('not_a_domain!: must be a domain name like app.example.com');
    // Only what no field shows is listed above the button.
    const failure = within(form).getByRole('alert');
    expect(failure.textContent).toContain('somethingElse');
    expect(failure.textContent).not.toContain('gitUrl');

    expect(requestsTo(fetchMock, '/api/v1/applications', 'POST')[0].body).toEqual({
      environmentId: 'env-2',
      serverId: 'server-1',
      name: 'shop-web',
      buildPack: 'dockerfile',
      gitUrl: "repo.git';curl x",
      gitBranch: 'main;rm',
      deployKeyId: null,
      dockerfilePath: 'Dockerfile',
      buildTarget: null,
      baseDirectory: '.',
      port: 3000,
      domains: ['shop.example.com', 'not_a_domain!'],
      healthCheck: { type: 'http', path: 'healthz', startPeriodSeconds: 5, intervalSeconds: 2, timeoutSeconds: 2, retries: 10 },
      restartPolicy: 'unless-stopped',
      cpuLimit: null,
      memoryLimitMb: null,
      stopGraceSeconds: 10,
      keepImages: 3,
    });
  });

  it('creates an image application and opens it', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/applications': () =>
        jsonResponse(anApplication({ buildPack: 'image', imageReference: 'nginx:1.27', gitUrl: null, gitBranch: null }), 201),
      '/api/v1/applications/app-1': () =>
        jsonResponse(anApplication({ buildPack: 'image', imageReference: 'nginx:1.27', gitUrl: null, gitBranch: null })),
      '/api/v1/servers/server-1': () => jsonResponse(aServer()),
      '/api/v1/applications/app-1/deployments?page=1&perPage=1': () => jsonResponse(aPage([], { perPage: 1 })),
    });
    const { router } = renderApp('/projects/project-1/applications/new');

    const form = await screen.findByRole('form', { name: 'New application' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'web' } });
    fireEvent.click(within(form).getByLabelText('Prebuilt image'));
    fireEvent.change(within(form).getByLabelText('Image reference'), { target: { value: 'nginx:1.27' } });
    fireEvent.change(within(form).getByLabelText('Port'), { target: { value: '80' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create application' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/applications/app-1'));
    const body = requestsTo(fetchMock, '/api/v1/applications', 'POST')[0].body as Record<string, unknown>;
    expect(body).toMatchObject({ environmentId: 'env-1', buildPack: 'image', imageReference: 'nginx:1.27', port: 80, domains: [] });
    expect(body).not.toHaveProperty('gitUrl');
    expect(await screen.findByText('Never deployed. Press Deploy to build and start it.')).toBeTruthy();
  });

  it('sends an HTTPS token for a private repository from a password field, with the API’s error under it', async () => {
    const TOKEN = 'ghp_s3cretTokenValue';
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/applications': () =>
        problemResponse({
          status: 400,
          title: 'Validation failed',
          errors: [{ field: 'gitToken', message: 'gitToken must be printable ASCII without spaces' }],
        }),
    });
    renderApp('/projects/project-1/applications/new');

    const form = await screen.findByRole('form', { name: 'New application' });
    const token = within(form).getByLabelText('HTTPS token (optional)') as HTMLInputElement;
    expect(token.type).toBe('password');
    expect(token.autocomplete).toBe('off');
    expect(noteOf(token)).toMatch(/^For a private https:\/\/ repository: an access token that can read it/);
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'shop' } });
    fireEvent.change(within(form).getByLabelText('Git repository URL'), { target: { value: 'https://git.example.com/acme/shop.git' } });
    fireEvent.change(token, { target: { value: ` ${TOKEN} ` } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create application' }));

    await waitFor(() => expect(noteOf(token)).toBe('gitToken must be printable ASCII without spaces'));
    // Shown on its field only, not again above the button.
    expect(within(form).queryByRole('alert')?.textContent ?? '').not.toContain('gitToken');
    expect(requestsTo(fetchMock, '/api/v1/applications', 'POST')[0].body).toMatchObject({
      buildPack: 'dockerfile',
      gitUrl: 'https://git.example.com/acme/shop.git',
      gitToken: TOKEN,
    });

    // An image has no repository: the field goes, and nothing typed in it is sent.
    fireEvent.click(within(form).getByLabelText('Prebuilt image'));
    expect(within(form).queryByLabelText('HTTPS token (optional)')).toBeNull();
    fireEvent.change(within(form).getByLabelText('Image reference'), { target: { value: 'nginx:1.27' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create application' }));
    await waitFor(() => expect(requestsTo(fetchMock, '/api/v1/applications', 'POST')).toHaveLength(2));
    expect(requestsTo(fetchMock, '/api/v1/applications', 'POST')[1].body).not.toHaveProperty('gitToken');
  });

  it('sends to the servers page when the team has no server', async () => {
    mockApi(routes(Role.Owner, []));
    renderApp('/projects/project-1/applications/new');
    expect(await screen.findByText("An application runs on one of the team's servers, and the team has none yet.")).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Add a server' }).getAttribute('href')).toBe('/servers');
  });

  it('keeps a viewer from creating, saying why', async () => {
    mockApi(routes(Role.Viewer));
    renderApp('/projects/project-1/applications/new');
    const button = (await screen.findByRole('button', { name: 'Create application' })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(screen.getByText('Your role (viewer) cannot change projects or applications: ask a member, admin or owner.')).toBeTruthy();
  });
});
