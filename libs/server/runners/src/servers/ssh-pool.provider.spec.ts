import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { APP_CONFIG } from '@zpanel/core';
import { type PooledTarget, SshConnection } from '@zpanel/remote';
import { WorkerSshPool } from './ssh-pool.provider';

const target: PooledTarget = { id: 'server-1', host: '10.0.0.1', port: 22, username: 'zpanel', privateKey: 'key' };

/** Stands for the job dispatcher, which lets running jobs finish in beforeApplicationShutdown. */
@Injectable()
class DrainingJobs implements BeforeApplicationShutdown {
  reached: unknown;

  constructor(private readonly pool: WorkerSshPool) {}

  async beforeApplicationShutdown(): Promise<void> {
    this.reached = await this.pool.connection(target).catch((error: unknown) => error);
  }
}

describe('WorkerSshPool at shutdown', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is closed after the running jobs were let finish: they still reach their servers while the worker drains', async () => {
    const connection = { isClosed: false, close: jest.fn(), onClose: jest.fn() };
    jest.spyOn(SshConnection, 'connect').mockResolvedValue(connection as unknown as SshConnection);
    const module = await Test.createTestingModule({
      providers: [
        { provide: APP_CONFIG, useValue: { network: { allowedCidrs: [], outboundDeniedCidrs: [], serverDeniedCidrs: [] } } },
        WorkerSshPool,
        DrainingJobs,
      ],
    }).compile();
    const app = module.createNestApplication();
    await app.init();
    const jobs = app.get(DrainingJobs);

    await app.close();

    expect(jobs.reached).toBe(connection);
    // And closed once they did.
    expect(connection.close).toHaveBeenCalled();
  });
});
