import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode, Role } from '@zpanel/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DESTINATIONS, aDestination, aServerDestination } from '../../../test/backups-fixtures';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, refusal, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage, aServer } from '../../../test/servers-fixtures';
import { DestinationsPage } from './destinations-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

afterEach(() => {
  vi.unstubAllGlobals();
});

const SERVERS = '/api/v1/servers?page=1&perPage=100';

function routes({ role = Role.Owner, destinations = [aDestination(), aServerDestination()] } = {}) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [DESTINATIONS]: () => jsonResponse(destinations),
    [SERVERS]: () => jsonResponse(aPage([aServer()], { perPage: 100 })),
  };
}

describe(DestinationsPage.name, () => {
  it('says how to start when the team has no destination', async () => {
    mockApi(routes({ destinations: [] }));
    renderApp('/team/backup-destinations');

    expect((await screen.findByTestId('destinations-empty', {}, { timeout: 5_000 })).textContent).toContain('No destinations yet');
    expect(screen.getByRole('link', { name: 'Backup destinations' }).getAttribute('aria-current')).toBe('page');
    // The file's first render compiles the whole app: more than 5 s under load.
  }, 15_000);

  it('lists each destination with where it stores, its key ID and how many backups it holds', async () => {
    mockApi(routes());
    renderApp('/team/backup-destinations');

    const s3 = await screen.findByTestId('destination-dest-1');
    expect(s3.textContent).toContain('offsite');
    expect(s3.textContent).toContain('S3');
    expect(s3.textContent).toContain('https://s3.eu-west-1.amazonaws.com/acme-backups/zpanel');
    expect(s3.textContent).toContain('k-3f9a1c');
    expect(s3.textContent).toContain('4');
    const local = screen.getByTestId('destination-dest-2');
    await waitFor(() => expect(local.textContent).toContain('web-1:/srv/backups'));
    expect(local.textContent).toContain('Server directory');
  });

  it('adds an S3 destination, showing the storage’s own words when the API’s check of it fails', async () => {
    let posts = 0;
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/backup-destinations': () => {
        posts += 1;
        if (posts === 1) return validationProblem({ field: 'bucket', message: 'The specified bucket does not exist (NoSuchBucket)' });
        if (posts === 2) {
          return problemResponse({
            status: 400,
            title: 'The storage refused the check',
            detail: 'SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.',
            code: ErrorCode.ValidationFailed,
          });
        }
        return jsonResponse(aDestination({ id: 'dest-3' }), 201);
      },
    });
    renderApp('/team/backup-destinations');

    fireEvent.click(await screen.findByRole('button', { name: 'Add destination' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a backup destination' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'minio' } });
    fireEvent.change(within(dialog).getByLabelText('Endpoint'), { target: { value: 'http://127.0.0.1:9000' } });
    fireEvent.change(within(dialog).getByLabelText('Bucket'), { target: { value: 'nope' } });
    fireEvent.change(within(dialog).getByLabelText('Prefix'), { target: { value: 'zp' } });
    fireEvent.change(within(dialog).getByLabelText('Access key ID'), { target: { value: 'minio' } });
    fireEvent.change(within(dialog).getByLabelText('Secret access key'), { target: { value: 'minio-secret' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add destination' }));

    expect(await within(dialog).findByText('The specified bucket does not exist (NoSuchBucket)')).toBeTruthy();
    expect(within(dialog).getByLabelText('Bucket').getAttribute('aria-invalid')).toBe('true');
    expect(requestsTo(fetchMock, '/api/v1/backup-destinations', 'POST')[0].body).toEqual({
      kind: 's3',
      name: 'minio',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      bucket: 'nope',
      prefix: 'zp',
      forcePathStyle: true,
      accessKeyId: 'minio',
      secretAccessKey: 'minio-secret',
    });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Add destination' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('SignatureDoesNotMatch');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Add destination' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('adds a directory on a server', async () => {
    const fetchMock = mockApi({ ...routes(), 'POST /api/v1/backup-destinations': () => jsonResponse(aServerDestination(), 201) });
    renderApp('/team/backup-destinations');

    fireEvent.click(await screen.findByRole('button', { name: 'Add destination' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a backup destination' });
    fireEvent.click(within(dialog).getByLabelText('A directory on a server'));
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'local' } });
    fireEvent.change(await within(dialog).findByLabelText('Server'), { target: { value: 'server-1' } });
    fireEvent.change(within(dialog).getByLabelText('Directory'), { target: { value: '/srv/backups' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add destination' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, '/api/v1/backup-destinations', 'POST')[0].body).toEqual({
      kind: 'server',
      name: 'local',
      serverId: 'server-1',
      path: '/srv/backups',
    });
  });

  it('edits an S3 destination, keeping the stored secret when the field is left blank', async () => {
    const fetchMock = mockApi({ ...routes(), 'PATCH /api/v1/backup-destinations/dest-1': () => jsonResponse(aDestination({ name: 'offsite-2' })) });
    renderApp('/team/backup-destinations');

    fireEvent.click(await screen.findByRole('button', { name: 'Edit offsite' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit offsite' });
    expect(within(dialog).getByText('Leave blank to keep the stored secret.')).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'offsite-2' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const [sent] = requestsTo(fetchMock, '/api/v1/backup-destinations/dest-1', 'PATCH');
    expect(sent.body).toMatchObject({ name: 'offsite-2', bucket: 'acme-backups', accessKeyId: 'AKIAEXAMPLE' });
    expect(sent.body).not.toHaveProperty('secretAccessKey');
  });

  it('checks a destination and shows the latency, or what the storage answered', async () => {
    let checks = 0;
    mockApi({
      ...routes(),
      'POST /api/v1/backup-destinations/dest-1/check': () => {
        checks += 1;
        return jsonResponse(
          checks === 1
            ? { ok: true, error: null, checkedAt: new Date().toISOString(), latencyMs: 42 }
            : { ok: false, error: 'connect ECONNREFUSED 127.0.0.1:9000', checkedAt: new Date().toISOString(), latencyMs: 3 },
        );
      },
    });
    renderApp('/team/backup-destinations');

    const row = await screen.findByTestId('destination-dest-1');
    fireEvent.click(within(row).getByRole('button', { name: 'Check offsite' }));
    await waitFor(() => expect(within(row).getByTestId('destination-check').textContent).toBe('OK · 42 ms'));
    fireEvent.click(within(row).getByRole('button', { name: 'Check offsite' }));
    await waitFor(() => expect(within(row).getByTestId('destination-check').textContent).toContain('connect ECONNREFUSED 127.0.0.1:9000'));
    expect(within(row).getByTestId('destination-check').textContent).toContain('Failed');
  });

  it('reveals the key to copy, with where decrypting without Zpanel is explained', async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const fetchMock = mockApi({
      ...routes(),
      '/api/v1/backup-destinations/dest-1/key': () => jsonResponse({ keyId: 'k-3f9a1c', key: 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=' }),
    });
    renderApp('/team/backup-destinations');

    expect(requestsTo(fetchMock, '/api/v1/backup-destinations/dest-1/key')).toEqual([]);
    fireEvent.click(await screen.findByRole('button', { name: 'Reveal the key of offsite' }));
    expect((await screen.findByTestId('destination-key')).textContent).toBe('q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=');
    expect(screen.getByRole('dialog').textContent).toContain('Decrypting without Zpanel');
    fireEvent.click(screen.getByRole('button', { name: 'Copy key' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA='));
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(document.body.textContent).not.toContain('q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=');
  });

  it('deletes a destination after asking, and shows why the API refused', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'DELETE /api/v1/backup-destinations/dest-1': () => refusal(409, 'offsite still holds 4 backups and is used by 1 schedule'),
    });
    renderApp('/team/backup-destinations');

    fireEvent.click(await screen.findByRole('button', { name: 'Delete offsite' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete offsite?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete destination' }));
    expect(await within(confirm).findByText('offsite still holds 4 backups and is used by 1 schedule')).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/backup-destinations/dest-1', 'DELETE')).toHaveLength(1);
  });

  it('lets a viewer see the destinations but not change them or reveal a key', async () => {
    mockApi(routes({ role: Role.Viewer }));
    renderApp('/team/backup-destinations');

    const row = await screen.findByTestId('destination-dest-1');
    expect((within(row).getByRole('button', { name: 'Reveal the key of offsite' }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(row).getByRole('button', { name: 'Delete offsite' }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(row).getByRole('button', { name: 'Check offsite' }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByRole('button', { name: 'Add destination' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
