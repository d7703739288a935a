import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, zpanelDockerNames } from '@zpanel/core';
import { ApplicationDomainsRepository, ApplicationsRepository, type TeamScope, teamScope } from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler } from '@zpanel/queue';
import { type ProxiedApplication, proxySitesFrom } from '@zpanel/remote';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CHECKED_STATUSES } from '../metrics/server-check-state';
import { ServerTargets } from '../servers/server-targets';
import { ServerProxies } from './server-proxies';

/** How long a sync waits for another one of the same server before failing (and being retried). */
const LOCK_WAIT_MS = 60_000;
const LOCK_POLL_MS = 100;

/**
 * Brings a server's proxy in line with the applications set to run on it: reads them (names,
 * ports, domains) from Postgres, leaves out any stored value its allowlist refuses, and hands the
 * rest to the configurator, which installs the proxy when needed and reloads Caddy only when the
 * config changed.
 *
 * Syncs of one server run one at a time, under a Postgres advisory lock held across workers, and
 * read the applications only once they hold it: a sync that started earlier can never apply an
 * older state over a newer one.
 */
@Injectable()
@HandlesJob(JobName.ServerProxySync)
export class ServerProxySyncHandler implements JobHandler<JobName.ServerProxySync> {
  private readonly logger: Logger;
  private readonly names;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly domains: ApplicationDomainsRepository,
    private readonly targets: ServerTargets,
    private readonly proxies: ServerProxies,
    @InjectConfig() config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'proxy-sync' });
    this.names = zpanelDockerNames(config.docker.namespace);
  }

  async handle({ serverId }: JobPayload<JobName.ServerProxySync>, context: JobContext): Promise<JobResult<JobName.ServerProxySync>> {
    return this.exclusive(serverId, context.signal, async () => {
      const loaded = await this.targets.load(serverId);
      if (!loaded) return { skipped: 'server deleted' };
      // A sync is never a server's first contact: validation pins the host key, and queues a sync when it succeeds.
      if (!loaded.server.hostKeyFingerprint || !CHECKED_STATUSES.includes(loaded.server.status)) return { skipped: 'server not validated' };

      const { sites, refused } = proxySitesFrom(await this.applicationsOf(teamScope(loaded.server.teamId), serverId), this.names);
      for (const entry of refused) this.logger.warn({ serverId, ...entry }, 'a stored value failed its allowlist: left out of the proxy config');

      const { proxy, release } = this.proxies.open(loaded.target);
      try {
        const result = await proxy.sync(sites);
        this.logger.info({ serverId, ...result, refused: refused.length }, 'proxy in sync');
        return {
          network: result.network,
          container: result.container,
          config: result.config,
          routes: result.routes,
          refused: refused.length,
          durationMs: result.durationMs,
        };
      } finally {
        release();
      }
    });
  }

  private async applicationsOf(team: TeamScope, serverId: string): Promise<ProxiedApplication[]> {
    const applications = await this.applications.onServer(team, serverId);
    const domains = await this.domains.ofApplications(
      team,
      applications.map((a) => a.id),
    );
    return applications.map((a) => ({ id: a.id, name: a.name, port: a.port, domains: domains.get(a.id) ?? [] }));
  }

  /** Runs `work` holding the server's proxy lock (a session lock on a connection of its own, freed if the worker dies). */
  private async exclusive<T>(serverId: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const key = `proxy-sync:${serverId}`;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const deadline = Date.now() + LOCK_WAIT_MS;
      for (;;) {
        const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key])) as [{ locked: boolean }];
        if (locked) break;
        if (signal.aborted) throw new Error('the worker is stopping');
        if (Date.now() > deadline) throw new Error(`another proxy sync of server ${serverId} held the lock for over ${LOCK_WAIT_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
      }
      try {
        return await work();
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      }
    } finally {
      await runner.release();
    }
  }
}
