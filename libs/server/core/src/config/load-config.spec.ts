import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './load-config';
import { JobName } from '@zpanel/contracts';
import { repeatingJobPeriods } from './repeating-jobs';

const validEnv = () => ({
  DATABASE_URL: 'postgres://zpanel:s3cret@127.0.0.1:5432/zpanel',
  ZPANEL_SECRET_KEY: randomBytes(32).toString('base64'),
});

function problemsFor(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

describe(loadConfig.name, () => {
  it('builds a typed config with defaults from a minimal environment', () => {
    const config = loadConfig(validEnv());
    expect(config.http.port).toBe(3000);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.redis.prefix).toBe('zpanel');
    expect(config.security.secretKey).toHaveLength(32);
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.database.runMigrationsOnBoot).toBe(true);
    expect(config.servers.checkIntervalSeconds).toBe(60);
    expect(config.docker.namespace).toBe('zpanel');
    expect(config.deployments).toEqual({ timeoutMs: 30 * 60_000, buildConcurrencyPerServer: 2 });
    expect(config.proxy).toEqual({ image: 'caddy:2.6.2', httpPort: 80, httpsPort: 443, https: false });
  });

  it("turns the proxy's HTTPS on by default in production only", () => {
    expect(loadConfig({ ...validEnv(), NODE_ENV: 'production' }).proxy.https).toBe(true);
    expect(loadConfig({ ...validEnv(), NODE_ENV: 'test' }).proxy.https).toBe(false);
    expect(loadConfig({ ...validEnv(), NODE_ENV: 'production', PROXY_HTTPS: 'false' }).proxy.https).toBe(false);
  });

  it('refuses a proxy image that is not an image reference, and bad proxy ports', () => {
    for (const bad of ['caddy; rm -rf /', '--privileged', 'Caddy:2', 'caddy:2 x', '$(id)']) {
      expect(problemsFor({ ...validEnv(), PROXY_IMAGE: bad })).toEqual([expect.stringMatching(/^PROXY_IMAGE must be an image reference/)]);
      expect(problemsFor({ ...validEnv(), BACKUP_HELPER_IMAGE: bad })).toEqual([
        expect.stringMatching(/^BACKUP_HELPER_IMAGE must be an image reference/),
      ]);
    }
    expect(loadConfig(validEnv()).backups.helperImage).toBe('busybox:1.36');
    expect(loadConfig({ ...validEnv(), BACKUP_HELPER_IMAGE: 'registry.example.com/tools/busybox:1.36' }).backups.helperImage).toBe(
      'registry.example.com/tools/busybox:1.36',
    );
    expect(
      problemsFor({ ...validEnv(), PROXY_HTTP_PORT: '0', PROXY_HTTPS_PORT: '65536', PROXY_HTTPS: 'sometimes' }).map((p) => p.split(' ')[0]),
    ).toEqual(['PROXY_HTTP_PORT', 'PROXY_HTTPS_PORT', 'PROXY_HTTPS']);
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      ...validEnv(),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '8080',
      REDIS_URL: 'rediss://:pw@redis.internal:6380/2',
      REDIS_PREFIX: 'zp-test',
      LOG_LEVEL: 'warn',
      WORKER_HEALTH_PORT: '9001',
      WORKER_SHUTDOWN_GRACE_MS: '1000',
      HTTP_BODY_LIMIT: '512kb',
      CORS_ORIGINS: 'https://a.example.com, http://localhost:5173',
      TRUST_PROXY: 'true',
      MIGRATIONS_RUN_ON_BOOT: 'false',
      WEB_DIST_DIR: '/srv/web',
      SERVER_CHECK_INTERVAL_SECONDS: '30',
      DOCKER_NAMESPACE: 'zt-0a1b2c',
      DEPLOYMENT_TIMEOUT_MINUTES: '5',
      DEPLOYMENT_BUILD_CONCURRENCY: '4',
      PROXY_IMAGE: 'registry.example.com:5000/ops/caddy:2.6.2',
      PROXY_HTTP_PORT: '8080',
      PROXY_HTTPS_PORT: '8443',
      PROXY_HTTPS: 'false',
    });
    expect(config).toMatchObject({
      env: 'production',
      http: { host: '127.0.0.1', port: 8080, bodyLimit: '512kb', trustProxy: 1, corsOrigins: ['https://a.example.com', 'http://localhost:5173'] },
      redis: { url: 'rediss://:pw@redis.internal:6380/2', prefix: 'zp-test' },
      log: { level: 'warn' },
      worker: { healthPort: 9001, shutdownGraceMs: 1000, schedulerCheckMs: 30_000 },
      database: { runMigrationsOnBoot: false },
      web: { distDir: '/srv/web' },
      servers: { checkIntervalSeconds: 30 },
      docker: { namespace: 'zt-0a1b2c' },
      deployments: { timeoutMs: 5 * 60_000, buildConcurrencyPerServer: 4 },
      proxy: { image: 'registry.example.com:5000/ops/caddy:2.6.2', httpPort: 8080, httpsPort: 8443, https: false },
    });
  });

  it('reads the run lease periods: a heartbeat every 3 s, a 10 s lease and the command runs reaper every 30 s by default, and refuses a lease shorter than two heartbeats', () => {
    expect(loadConfig(validEnv()).runs).toEqual({ heartbeatMs: 3_000, leaseTtlMs: 10_000, commandRunsReapMs: 30_000 });
    expect(loadConfig({ ...validEnv(), RUN_HEARTBEAT_MS: '500', RUN_LEASE_TTL_MS: '2000', COMMAND_RUNS_REAP_MS: '1000' }).runs).toEqual({
      heartbeatMs: 500,
      leaseTtlMs: 2_000,
      commandRunsReapMs: 1_000,
    });
    expect(problemsFor({ ...validEnv(), COMMAND_RUNS_REAP_MS: '999' })).toEqual([expect.stringContaining('COMMAND_RUNS_REAP_MS')]);
    expect(problemsFor({ ...validEnv(), RUN_HEARTBEAT_MS: '5000', RUN_LEASE_TTL_MS: '6000' })).toEqual([
      'RUN_LEASE_TTL_MS must be at least twice RUN_HEARTBEAT_MS',
    ]);
  });

  it('reads the backup timings: schedules looked at every 10 s, missed after 30 min, two runs per server by default; the tick drives its repeating job', () => {
    expect(loadConfig(validEnv()).backups).toEqual({
      schedulesTickMs: 10_000,
      missedGraceMs: 1_800_000,
      concurrencyPerServer: 2,
      uploadMaxBytes: 10 * 1024 ** 3,
      downloadUrlTtlSeconds: 300,
      helperImage: 'busybox:1.36',
    });
    const config = loadConfig({
      ...validEnv(),
      BACKUP_SCHEDULES_TICK_MS: '1000',
      BACKUP_MISSED_GRACE_MS: '2000',
      BACKUP_CONCURRENCY_PER_SERVER: '1',
    });
    expect(config.backups).toEqual({
      schedulesTickMs: 1_000,
      missedGraceMs: 2_000,
      concurrencyPerServer: 1,
      uploadMaxBytes: 10 * 1024 ** 3,
      downloadUrlTtlSeconds: 300,
      helperImage: 'busybox:1.36',
    });
    expect(loadConfig({ ...validEnv(), BACKUP_UPLOAD_MAX_BYTES: '1048576', BACKUP_DOWNLOAD_URL_TTL_SECONDS: '60' }).backups).toMatchObject({
      uploadMaxBytes: 1_048_576,
      downloadUrlTtlSeconds: 60,
    });
    expect(problemsFor({ ...validEnv(), BACKUP_UPLOAD_MAX_BYTES: '10', BACKUP_DOWNLOAD_URL_TTL_SECONDS: '86400' })).toEqual([
      expect.stringContaining('BACKUP_UPLOAD_MAX_BYTES'),
      expect.stringContaining('BACKUP_DOWNLOAD_URL_TTL_SECONDS'),
    ]);
    expect(repeatingJobPeriods(config)[JobName.BackupSchedulesTick]).toEqual({ everyMs: 1_000 });
    expect(problemsFor({ ...validEnv(), BACKUP_SCHEDULES_TICK_MS: '999', BACKUP_CONCURRENCY_PER_SERVER: '0' })).toEqual([
      expect.stringContaining('BACKUP_SCHEDULES_TICK_MS'),
      expect.stringContaining('BACKUP_CONCURRENCY_PER_SERVER'),
    ]);
  });

  it('reads TRUST_PROXY as a hop count or a list of trusted proxy addresses, never as "believe every hop"', () => {
    const trustProxy = (value: string) => loadConfig({ ...validEnv(), TRUST_PROXY: value }).http.trustProxy;
    expect(trustProxy('false')).toBe(false);
    expect(trustProxy('true')).toBe(1);
    expect(trustProxy('2')).toBe(2);
    expect(trustProxy('loopback, 10.0.0.0/8, fd00::1')).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
    expect(problemsFor({ ...validEnv(), TRUST_PROXY: '10.0.0.0/8, proxy.example.com' })).toEqual([expect.stringMatching(/^TRUST_PROXY must be/)]);
  });

  it('reads the address policy: defaults refuse loopback for outbound URLs only, none empties a list, bad ranges are named', () => {
    expect(loadConfig(validEnv()).network).toEqual({
      allowedCidrs: [],
      outboundDeniedCidrs: expect.arrayContaining(['127.0.0.0/8', '::1/128', '169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128']),
      serverDeniedCidrs: expect.not.arrayContaining(['127.0.0.0/8']),
    });
    expect(
      loadConfig({ ...validEnv(), OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8, ::1', SERVER_DENIED_CIDRS: 'none', OUTBOUND_DENIED_CIDRS: '10.0.0.0/8' })
        .network,
    ).toEqual({
      allowedCidrs: ['127.0.0.0/8', '::1'],
      outboundDeniedCidrs: ['10.0.0.0/8'],
      serverDeniedCidrs: [],
    });
    expect(
      problemsFor({
        ...validEnv(),
        OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/33',
        OUTBOUND_DENIED_CIDRS: 'localhost',
        SERVER_DENIED_CIDRS: '10.0.0.0/8/1',
      }).map((p) => p.split(' ')[0]),
    ).toEqual(['OUTBOUND_ALLOWED_CIDRS', 'OUTBOUND_DENIED_CIDRS', 'SERVER_DENIED_CIDRS']);
  });

  it('names a malformed DATABASE_URL without echoing its value', () => {
    const problems = problemsFor({ ...validEnv(), DATABASE_URL: 'not a url with p4ssw0rd' });
    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL is not a valid URL/)]);
    expect(problems.join(' ')).not.toContain('p4ssw0rd');
  });

  it('refuses a DATABASE_URL of another protocol', () => {
    expect(problemsFor({ ...validEnv(), DATABASE_URL: 'mysql://root@localhost/db' })).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/),
    ]);
  });

  it('lists every bad variable at once', () => {
    const problems = problemsFor({ PORT: '70000', LOG_LEVEL: 'loud', TRUST_PROXY: 'maybe', CORS_ORIGINS: '*', SERVER_CHECK_INTERVAL_SECONDS: '1' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(
      expect.arrayContaining([
        'PORT',
        'LOG_LEVEL',
        'TRUST_PROXY',
        'CORS_ORIGINS',
        'SERVER_CHECK_INTERVAL_SECONDS',
        'DATABASE_URL',
        'ZPANEL_SECRET_KEY',
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('refuses a Docker namespace that could not name a network, container and image', () => {
    for (const bad of ['Zpanel', '1zp', 'zp_x', 'zp;rm', 'a'.repeat(21), '-zp']) {
      expect(problemsFor({ ...validEnv(), DOCKER_NAMESPACE: bad })).toEqual([expect.stringMatching(/^DOCKER_NAMESPACE must start/)]);
    }
  });

  it('has no built-in secret key: a missing or short key is refused', () => {
    const { ZPANEL_SECRET_KEY: _unused, ...withoutKey } = validEnv();
    expect(problemsFor(withoutKey)).toEqual([expect.stringMatching(/^ZPANEL_SECRET_KEY is required/)]);
    expect(problemsFor({ ...withoutKey, ZPANEL_SECRET_KEY: randomBytes(16).toString('base64') })).toEqual([
      expect.stringMatching(/^ZPANEL_SECRET_KEY must be base64 of exactly 32 bytes/),
    ]);
  });
});
