import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CreateDatabaseResponse, CreateOwnerRequest, DatabaseDto, EnvironmentDto, Paginated, ProjectDto } from '@zpanel/contracts';
import { DisposableS3Server, dockerCli, readyTestServer } from '@zpanel/testing';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { expectPageTitle, textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = {
  email: 'bea@example.com',
  name: 'Bea Backups',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

const IMAGE = 'zpanel-test/postgres:15';
/** Pulling nothing (the image is local), the engine's first start and its readiness probe: generous on 2 cores. */
const CREATE_TIMEOUT_MS = 120_000;
/** The schedule's next minute (at most 60 s), a tick, the dump and upload, and the verification's throwaway engine. */
const SCHEDULED_BACKUP_TIMEOUT_MS = 150_000;
/** A new database's create operation, then the download, decryption and pg_restore into it. */
const RESTORE_TIMEOUT_MS = 150_000;
/** Half an hour off UTC: a schedule read in the wrong zone would name other hours and never fire here. */
const ZONE = 'Asia/Kolkata';
const ROWS = ['espresso', 'flat white', 'cortado'];

/** Every minute of this hour and the next, read in ZONE: fires within a minute, whenever the test runs. */
function everyMinuteNowIn(zone: string): string {
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  return `* ${hour},${(hour + 1) % 24} * * *`;
}

/** Files the S3 server keeps for objects whose key ends with `suffix` (it stores each as `<key>._S3rver_object`). */
async function storedObjects(directory: string, suffix: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true });
  return entries.filter((entry) => entry.endsWith(`${suffix}._S3rver_object`)).map((entry) => join(directory, entry));
}

describe('Backups in the browser', () => {
  // Schedules are looked at every second, not production's 10 s: the test waits for a minute's slot, not for the tick.
  const running = useStackAndBrowser({ worker: true, env: { BACKUP_SCHEDULES_TICK_MS: '1000' } });
  const { asOwner } = useOwner(running, OWNER);
  let s3: DisposableS3Server | undefined;
  const psql = (database: DatabaseDto, sql: string) =>
    dockerCli(
      'exec',
      // The container is named as it is reached on the server's network.
      database.internalHost,
      'psql',
      '-U',
      database.userName as string,
      '-d',
      database.databaseName as string,
      '-At',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      sql,
    ).trim();
  const database = async (id: string) => (await asOwner<DatabaseDto>('GET', `/api/v1/databases/${id}`)).body;

  /** The database running with its rows: created before the test, awaited once the test needs it (the destination's steps overlap it). */
  let sourceReady: Promise<DatabaseDto>;

  beforeAll(async () => {
    const [started, created] = await Promise.all([
      DisposableS3Server.start(),
      (async () => {
        // Registering a server and creating a database in the UI have their own tests (servers, databases e2e specs).
        const server = await readyTestServer(asOwner);
        const project = (await asOwner<ProjectDto>('POST', '/api/v1/projects', { name: 'Cafe' })).body;
        const environment = (await asOwner<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0];
        return asOwner<CreateDatabaseResponse>('POST', '/api/v1/databases', {
          environmentId: environment.id,
          serverId: server.id,
          name: 'orders-db',
          engine: 'postgresql',
          image: IMAGE,
        });
      })(),
    ]);
    s3 = started;
    expect(created.status).toBe(202);
    sourceReady = (async () => {
      const id = created.body.database.id;
      await eventually(async () => expect((await database(id)).status).toBe('running'), CREATE_TIMEOUT_MS, 500);
      const running = await database(id);
      psql(
        running,
        `CREATE TABLE drinks (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO drinks (name) VALUES ${ROWS.map((r) => `('${r}')`).join(', ')}`,
      );
      return running;
    })();
    // Its failure is the test's, when it awaits it; not an unhandled rejection before that.
    sourceReady.catch(() => undefined);
  }, 90_000);

  afterAll(async () => {
    await s3?.dispose();
  });

  it('adds an S3 destination, schedules backups of a PostgreSQL database in a time zone, sees one stored and verified, and restores it into a new database that holds the rows', async () => {
    const { stack, browser } = running();
    const bucket = s3 as DisposableS3Server;
    await inFreshContext(
      browser,
      { baseURL: stack.baseUrl, testName: 'backups: destination, schedule, verified, restore' },
      async ({ page, problems }) => {
        page.context().setDefaultTimeout(10_000);
        await signIn(page, OWNER);

        // The destination, from the sidebar: the API checks the bucket (write, read, delete) before it saves it.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backup destinations' }).click();
        await expectPageTitle(page, 'Backup destinations');
        await page.getByTestId('destinations-empty').waitFor();
        await page.getByRole('button', { name: 'Add destination' }).click();
        const add = page.getByRole('dialog', { name: 'Add a backup destination' });
        expect(await add.getByRole('radio', { name: /S3-compatible storage/ }).isChecked()).toBe(true);
        await add.getByLabel('Name', { exact: true }).fill('loopback-s3');
        await add.getByLabel('Endpoint', { exact: true }).fill(bucket.endpoint);
        await add.getByLabel('Bucket', { exact: true }).fill(bucket.bucket);
        await add.getByLabel('Prefix', { exact: true }).fill('cafe');
        expect(await add.getByLabel(/Path-style addressing/).isChecked()).toBe(true);
        await add.getByLabel('Access key ID', { exact: true }).fill(bucket.accessKeyId);
        await add.getByLabel('Secret access key', { exact: true }).fill(bucket.secretAccessKey);
        await add.getByRole('button', { name: 'Add destination' }).click();
        await add.waitFor({ state: 'detached', timeout: 30_000 });
        const destination = page.getByTestId('backup-destinations').locator('tbody tr');
        await eventually(async () => expect(await destination.count()).toBe(1));
        const destinationCells = await destination.locator('td').allTextContents();
        expect(destinationCells.slice(0, 3)).toEqual(['loopback-s3', 'S3', `${bucket.endpoint}/${bucket.bucket}/cafe`]);
        expect(destinationCells[3]).toMatch(/^[0-9a-f]{12}$/);
        expect(destinationCells[4]).toBe('0');
        await destination.getByRole('button', { name: 'Check loopback-s3' }).click();
        await eventually(async () => expect(await textOf(destination.getByTestId('destination-check'))).toMatch(/^OK · \d+ ms$/), 30_000);

        // The schedule, on the database's Backups tab, once the database runs and holds its rows.
        const source = await sourceReady;
        await page.goto(`/databases/${source.id}`);
        await expectPageTitle(page, 'orders-db');
        await page.getByRole('navigation', { name: 'Database sections' }).getByRole('link', { name: 'Backups' }).click();
        const schedules = page.getByRole('region', { name: 'Schedules' });
        await schedules.getByTestId('backup-schedules-empty').waitFor();
        await page.getByTestId('backups-empty').waitFor();
        await schedules.getByRole('button', { name: 'Add schedule' }).click();
        const scheduleDialog = page.getByRole('dialog', { name: 'Add a schedule' });
        await scheduleDialog.getByLabel('Destination', { exact: true }).selectOption({ label: 'loopback-s3 (S3)' });
        const cron = everyMinuteNowIn(ZONE);
        await scheduleDialog.getByLabel('When (cron)').fill(cron);
        await scheduleDialog.getByLabel('Time zone', { exact: true }).fill(ZONE);
        expect(await scheduleDialog.getByLabel(/^Verify each backup/).isChecked()).toBe(true);
        await scheduleDialog.getByRole('button', { name: 'Add schedule' }).click();
        await scheduleDialog.waitFor({ state: 'detached' });
        const schedule = schedules.getByTestId('backup-schedules').locator('tbody tr');
        await eventually(async () => expect(await schedule.count()).toBe(1));
        const scheduleCells = await schedule.locator('td').allTextContents();
        expect(scheduleCells[0]).toContain(`${cron} ${ZONE}`);
        // Within the minute (read in UTC, the hours named would be 5.5 hours away); "now" or just past when the slot comes as the row is read.
        const nextRun = /^(in (\d+ seconds?|1 minute)|now|\d+ seconds? ago)$/;
        expect(scheduleCells.slice(1, 6)).toEqual(['loopback-s3', expect.stringMatching(nextRun), 'at most 7 backups', 'each backup', 'Enabled']);

        // The page shows the scheduled backup by itself once its minute comes, and follows it until it is verified.
        // Its next minute may start another under load: the history is newest first, so the first one is the last row.
        const history = page.getByTestId('backups').locator('tbody tr');
        const row = history.last();
        await eventually(
          async () => expect(await textOf(row.getByTestId('backup-verification').locator('.badge'))).toBe('Verified'),
          SCHEDULED_BACKUP_TIMEOUT_MS,
          1_000,
        );
        const [status, trigger, , duration, size] = await row.locator('td').allTextContents();
        expect({ status, trigger }).toEqual({ status: 'Succeeded', trigger: 'Schedule' });
        expect(duration).toMatch(/^(\d+ s|\d+ min( \d+ s)?)$/);
        expect(size).toMatch(/^\d+(\.\d)? (B|KB|MB)$/);
        // What the verification's throwaway restore compared with the dump's inventory.
        expect(await textOf(row.getByTestId('backup-verification-detail'))).toBe('restored cleanly; 1 table and 3 rows match the dump');
        const checksum = row.locator('code[title^="SHA-256 "]');
        const sha256 = ((await checksum.getAttribute('title')) ?? '').replace(/^SHA-256 /, '');
        expect(sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(await textOf(checksum)).toBe(sha256.slice(0, 12));
        // The checksum shown is the stored object's, under the destination's prefix.
        const objects = await storedObjects(join(bucket.directory, bucket.bucket, 'cafe'), '.zpbk');
        const stored = await Promise.all(
          objects.map(async (file) =>
            createHash('sha256')
              .update(await readFile(file))
              .digest('hex'),
          ),
        );
        expect(stored).toContain(sha256);

        // Restored into a new database, from the backup's row.
        await row.getByRole('button', { name: /^Restore the backup of / }).click();
        const restore = page.getByRole('form', { name: 'Restore' });
        expect(await restore.getByRole('radio', { name: 'A new database' }).isChecked()).toBe(true);
        await restore.getByLabel('New database name').fill('orders-restored');
        await restore.getByRole('button', { name: 'Restore', exact: true }).click();
        const restoreLog = page.getByRole('region', { name: 'Restore log' });
        await eventually(
          async () => expect(await restoreLog.getByTestId('backup-run-status').getAttribute('data-status')).toBe('succeeded'),
          RESTORE_TIMEOUT_MS,
          500,
        );
        expect(await textOf(restoreLog.getByTestId('backup-run-result'))).toBe('Found after the restore: 1 table, 3 rows.');
        await restoreLog.getByRole('link', { name: 'Open the new database' }).click();
        await expectPageTitle(page, 'orders-restored');
        const restored = await database(new URL(page.url()).pathname.split('/')[2]);
        expect(restored.id).not.toBe(source.id);
        expect(psql(restored, 'SELECT name FROM drinks ORDER BY id')).toBe(ROWS.join('\n'));

        expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
      },
    );
  }, 300_000);
});
