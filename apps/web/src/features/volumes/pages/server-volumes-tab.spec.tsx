import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type OrphanedVolumeDto, Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { badRequest, jsonResponse, mockApi, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aServer } from '../../../test/servers-fixtures';
import { ServerVolumesTab } from './server-volumes-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SERVER = '/api/v1/servers/server-1';
const ROOTS = `${SERVER}/allowed-bind-roots`;
const ORPHANED = `${SERVER}/volumes/orphaned`;
const ORPHAN: OrphanedVolumeDto = {
  dockerName: 'zp-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data',
  applicationId: '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
  name: 'data',
  sizeBytes: 2048,
  createdAt: new Date(Date.now() - 3_600_000).toISOString(),
};

function routes(role: Role, extra: Record<string, Parameters<typeof mockApi>[0][string]> = {}) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [SERVER]: () => jsonResponse(aServer()),
    [ORPHANED]: () => jsonResponse([ORPHAN]),
    ...extra,
  };
}

describe(ServerVolumesTab.name, () => {
  it('lets an owner set the allowed bind roots, listing each refused path', async () => {
    let attempt = 0;
    const fetchMock = mockApi(
      routes(Role.Owner, {
        [`PUT ${ROOTS}`]: () => {
          attempt += 1;
          return attempt === 1
            ? badRequest({ field: 'allowedBindRoots.1', message: 'allowedBindRoots.1 must not be /etc, under it, or contain it' })
            : jsonResponse(aServer({ allowedBindRoots: ['/srv/data'] }));
        },
      }),
    );
    renderApp('/servers/server-1/volumes');
    const roots = await screen.findByRole('textbox', { name: 'Allowed bind roots' });
    fireEvent.change(roots, { target: { value: ' /srv/data \n/etc\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save bind roots' }));
    expect((await screen.findByTestId('field-errors')).textContent).toContain('must not be /etc');

    fireEvent.change(roots, { target: { value: '/srv/data' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save bind roots' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(requestsTo(fetchMock, ROOTS, 'PUT').map((r) => r.body)).toEqual([
      { allowedBindRoots: ['/srv/data', '/etc'] },
      { allowedBindRoots: ['/srv/data'] },
    ]);
  });

  it('keeps an admin from changing the roots, saying only owners can, but lets them remove an orphaned volume after asking', async () => {
    const fetchMock = mockApi(routes(Role.Admin, { [`DELETE ${SERVER}/volumes/${ORPHAN.dockerName}`]: () => new Response(null, { status: 204 }) }));
    renderApp('/servers/server-1/volumes');
    const save = (await screen.findByRole('button', { name: 'Save bind roots' })) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(save.title).toContain('only an owner of the team can');

    const orphans = await screen.findByRole('table', { name: 'Orphaned volumes' });
    expect(within(orphans).getByText('2.0 KB')).toBeTruthy();
    fireEvent.click(within(orphans).getByRole('button', { name: 'Remove' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('every file in it are deleted');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove volume' }));
    await waitFor(() => expect(requestsTo(fetchMock, `${SERVER}/volumes/${ORPHAN.dockerName}`, 'DELETE')).toHaveLength(1));
  });
});
