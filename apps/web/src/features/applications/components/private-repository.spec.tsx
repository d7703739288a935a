import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type ApplicationDto, type GeneratedDeployKeyResponse, Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { badRequest, jsonResponse, mockApi, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage, anSshKey } from '../../../test/servers-fixtures';
import { anApplication } from '../../../test/applications-fixtures';
import { applicationPageRoutes } from '../../../test/application-routes';
import { PrivateRepository } from './private-repository';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const APP = '/api/v1/applications/app-1';
const KEYS = '/api/v1/ssh-keys?page=1&perPage=100';
const teamKey = anSshKey({ id: 'key-1', name: 'ops', publicKey: 'ssh-ed25519 AAAAteamkey ops', fingerprint: 'SHA256:team' });
const generatedKey = anSshKey({
  id: 'key-2',
  name: 'Deploy key: web',
  publicKey: 'ssh-ed25519 AAAAgenerated zpanel-deploy-web',
  fingerprint: 'SHA256:generated',
});

function routes(application: () => ApplicationDto, role: Role = Role.Owner, extra: Record<string, () => Response> = {}) {
  return {
    ...applicationPageRoutes(role, application),
    [KEYS]: () => jsonResponse(aPage([teamKey], { perPage: 100 })),
    ...extra,
  };
}

const sshApp = (overrides: Partial<ApplicationDto> = {}) =>
  anApplication({ buildPack: 'dockerfile', gitUrl: 'git@github.com:acme/web.git', gitBranch: 'main', ...overrides });

describe(PrivateRepository.name, () => {
  it("shows the deploy key's public half to copy, and generates a new one for the application", async () => {
    let app = sshApp({ deployKeyId: 'key-1' });
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const fetchMock = mockApi(
      routes(() => app, Role.Owner, {
        [`POST ${APP}/deploy-key`]: () => {
          app = { ...app, deployKeyId: 'key-2' };
          return jsonResponse({ application: app, sshKey: generatedKey } satisfies GeneratedDeployKeyResponse, 201);
        },
      }),
    );
    renderApp('/applications/app-1/settings');

    const section = await screen.findByTestId('deploy-key');
    await waitFor(() => expect(within(section).getByTestId('deploy-key-public').textContent).toBe('ssh-ed25519 AAAAteamkey ops'));
    fireEvent.click(within(section).getByRole('button', { name: 'Copy public key' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('ssh-ed25519 AAAAteamkey ops'));

    fireEvent.click(within(section).getByRole('button', { name: 'Generate a new deploy key' }));
    await waitFor(() => expect(within(section).getByTestId('deploy-key-public').textContent).toBe('ssh-ed25519 AAAAgenerated zpanel-deploy-web'));
    expect(section.textContent).toContain('Paste its public key into the provider now');
    expect(requestsTo(fetchMock, `${APP}/deploy-key`, 'POST')).toHaveLength(1);
  });

  it('shows the pinned host key and forgets it only after confirming', async () => {
    let app = sshApp({ gitHostKeyFingerprints: ['ssh-ed25519 SHA256:pinnedPrint'] });
    const fetchMock = mockApi(
      routes(() => app, Role.Owner, {
        [`POST ${APP}/git-host-key/forget`]: () => {
          app = { ...app, gitHostKeyFingerprints: null };
          return jsonResponse(app);
        },
      }),
    );
    renderApp('/applications/app-1/settings');

    const section = await screen.findByTestId('git-host-key');
    expect(section.textContent).toContain('ssh-ed25519 SHA256:pinnedPrint');
    fireEvent.click(within(section).getByRole('button', { name: 'Forget host key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Forget the git host key?' });
    expect(requestsTo(fetchMock, `${APP}/git-host-key/forget`, 'POST')).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Forget host key' }));
    await waitFor(() => expect(screen.getByTestId('git-host-key').textContent).toContain('Not pinned yet'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(requestsTo(fetchMock, `${APP}/git-host-key/forget`, 'POST')).toHaveLength(1);
  });

  it('sets the HTTPS token write-only, shows the field error, and clears it', async () => {
    let app = sshApp({ gitUrl: 'https://gitlab.com/acme/web.git' });
    let attempt = 0;
    const fetchMock = mockApi(
      routes(() => app, Role.Owner, {
        [`PATCH ${APP}`]: () => {
          attempt += 1;
          if (attempt === 1) return badRequest({ field: 'gitToken', message: 'gitToken must be printable ASCII without spaces' });
          app = { ...app, gitTokenSet: attempt === 2 };
          return jsonResponse(app);
        },
      }),
    );
    renderApp('/applications/app-1/settings');

    const section = await screen.findByTestId('git-token');
    expect(within(section).getByTestId('git-token-state').textContent).toContain('No token');
    expect(screen.getByTestId('git-host-key').textContent).toContain('Only ssh repositories pin a host key');
    const input = within(section).getByLabelText('Token') as HTMLInputElement;
    expect(input.type).toBe('password');
    fireEvent.change(input, { target: { value: 'bad token' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Set token' }));
    expect(await within(section).findByText('gitToken must be printable ASCII without spaces')).toBeTruthy();

    fireEvent.change(input, { target: { value: 'glpat-secretvalue' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Set token' }));
    await waitFor(() => expect(within(screen.getByTestId('git-token')).getByTestId('git-token-state').textContent).toContain('A token is set'));
    expect((within(screen.getByTestId('git-token')).getByLabelText('Replace the token') as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('git-token').textContent).not.toContain('glpat-secretvalue');
    expect(requestsTo(fetchMock, APP, 'PATCH')[1].body).toEqual({ gitToken: 'glpat-secretvalue' });

    fireEvent.click(within(screen.getByTestId('git-token')).getByRole('button', { name: 'Clear token' }));
    await waitFor(() => expect(screen.getByTestId('git-token-state').textContent).toContain('No token'));
    expect(requestsTo(fetchMock, APP, 'PATCH')[2].body).toEqual({ gitToken: null });
  });

  it('lets a viewer see but not change anything', async () => {
    mockApi(routes(() => sshApp({ gitTokenSet: true, gitHostKeyFingerprints: ['ssh-ed25519 SHA256:x'] }), Role.Viewer));
    renderApp('/applications/app-1/settings');
    const section = await screen.findByRole('region', { name: 'Private repository' });
    for (const name of ['Generate a deploy key', 'Forget host key', 'Set token', 'Clear token'])
      expect((within(section).getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('is not shown for an application that runs an image', async () => {
    mockApi(routes(() => anApplication({ buildPack: 'image', imageReference: 'nginx:1.27', gitUrl: null, gitBranch: null })));
    renderApp('/applications/app-1/settings');
    await screen.findByRole('region', { name: 'Settings' });
    expect(screen.queryByRole('region', { name: 'Private repository' })).toBeNull();
  });
});
