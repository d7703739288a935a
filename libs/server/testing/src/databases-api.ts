import { execFileSync } from 'node:child_process';
import {
  type CreateDatabaseRequest,
  type CreateDatabaseResponse,
  type DatabaseCredentialsDto,
  type DatabaseDto,
  type DatabaseOperationDto,
  type DatabaseOperationQueuedResponse,
  type DatabaseOperationWithLogDto,
  FINISHED_DATABASE_OPERATION_STATUSES,
} from '@zpanel/contracts';
import { ZPANEL_LABELS } from '@zpanel/core';
import type { OwnerCall } from './deploy-fixture';
import { dockerCli } from './docker-namespace';
import { waitFor } from './wait-for';

/** Runs `argv` in a database's container with `secrets` in its environment (named in argv, valued only in docker's own environment). */
export function execInContainer(container: string, secrets: Record<string, string>, argv: string[]): { ok: boolean; output: string } {
  const names = Object.keys(secrets).flatMap((name) => ['-e', name]);
  try {
    const output = execFileSync('docker', ['exec', ...names, container, ...argv], {
      encoding: 'utf8',
      env: { ...process.env, ...secrets },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { ok: true, output: output.trim() };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim() };
  }
}

/** Docker objects of one database, found by its label as the worker sets it. */
export function dockerObjectsOf(databaseId: string): { containers: string[]; volumes: string[] } {
  const label = `label=${ZPANEL_LABELS.database}=${databaseId}`;
  const list = (...args: string[]) =>
    dockerCli(...args)
      .split('\n')
      .filter(Boolean);
  return { containers: list('ps', '-aq', '--filter', label), volumes: list('volume', 'ls', '-q', '--filter', label) };
}

/** The databases API as the owner, with waits on its operations (suites that run real databases through the worker). */
export function databasesOf(asOwner: OwnerCall) {
  const get = async (id: string) => asOwner<DatabaseDto>('GET', `/api/v1/databases/${id}`);

  /** Polls the operation until it finished; fails with its reason and log when it did not succeed and `expectSuccess`. */
  const finished = async (operation: DatabaseOperationDto, expectSuccess = true, timeoutMs = 180_000): Promise<DatabaseOperationWithLogDto> => {
    const done = await waitFor(
      async () => {
        const current = await asOwner<DatabaseOperationWithLogDto>('GET', `/api/v1/databases/${operation.databaseId}/operations/${operation.id}`);
        if (current.status !== 200) throw new Error(`reading operation ${operation.id}: ${current.status} ${current.text}`);
        return FINISHED_DATABASE_OPERATION_STATUSES.includes(current.body.status) ? current.body : undefined;
      },
      timeoutMs,
      `the ${operation.kind} operation ${operation.id} to finish`,
      250,
    );
    if (expectSuccess && done.status !== 'success') throw new Error(`the ${done.kind} operation failed: ${done.reason}\n${done.log}`);
    return done;
  };

  return {
    get,
    async create(request: CreateDatabaseRequest): Promise<CreateDatabaseResponse> {
      const created = await asOwner<CreateDatabaseResponse>('POST', '/api/v1/databases', request);
      if (created.status !== 202) throw new Error(`creating database ${request.name} failed: ${created.status} ${created.text}`);
      return created.body;
    },
    /** Creates it and waits until its create operation succeeded; gives the database as it is then. */
    async running(request: CreateDatabaseRequest): Promise<DatabaseDto> {
      const { database, operation } = await this.create(request);
      expect(database.status).toBe('creating');
      await finished(operation);
      return (await get(database.id)).body;
    },
    /** Queues start, stop, restart or rotate-password and waits until it succeeded; gives the database after it. */
    async act(id: string, action: 'start' | 'stop' | 'restart' | 'rotate-password'): Promise<DatabaseDto> {
      const queued = await asOwner<DatabaseOperationQueuedResponse>('POST', `/api/v1/databases/${id}/${action}`);
      if (queued.status !== 202) throw new Error(`${action} failed: ${queued.status} ${queued.text}`);
      expect(queued.body.operation).toMatchObject({ kind: action, status: 'queued', databaseId: id });
      await finished(queued.body.operation);
      return (await get(id)).body;
    },
    /** Deletes it, waits until its delete operation succeeded (readable after the row is gone) and checks the row is gone. */
    async deleted(id: string, deleteData: boolean): Promise<void> {
      const queued = await asOwner<DatabaseOperationQueuedResponse>('DELETE', `/api/v1/databases/${id}${deleteData ? '?deleteData=true' : ''}`);
      if (queued.status !== 202) throw new Error(`deleting failed: ${queued.status} ${queued.text}`);
      expect(queued.body.operation).toMatchObject({ kind: 'delete', deleteData });
      await finished(queued.body.operation);
      expect((await get(id)).status).toBe(404);
    },
    async credentials(id: string): Promise<DatabaseCredentialsDto> {
      const revealed = await asOwner<DatabaseCredentialsDto>('GET', `/api/v1/databases/${id}/credentials`);
      if (revealed.status !== 200) throw new Error(`reading the credentials failed: ${revealed.status} ${revealed.text}`);
      return revealed.body;
    },
    finished,
  };
}
