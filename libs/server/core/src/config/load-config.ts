import { isIP } from 'node:net';
import { BACKUP_LIMITS } from '@zpanel/contracts';
import { resolve } from 'node:path';
import { imageReference } from '../applications/application-fields';
import { DEFAULT_DOCKER_NAMESPACE, DOCKER_NAMESPACE_PATTERN } from '../docker/zpanel-names';
import { DEFAULT_OUTBOUND_DENIED_CIDRS, DEFAULT_SERVER_DENIED_CIDRS, parseCidr } from '../network/address-policy';
import type { AppConfig } from './app-config';

/** Thrown when the environment is invalid; `problems` names every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Named ranges express's `trust proxy` understands. */
const TRUSTED_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

/**
 * Reads and validates the environment into an `AppConfig`. Collects every problem before
 * failing so that an operator fixes the file once, not once per variable. Messages never echo
 * values, because URLs and keys carry credentials.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = read(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}`);
    return fallback;
  };

  const port = (name: string, fallback: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
      problems.push(`${name} must be a port number between 1 and 65535`);
      return fallback;
    }
    return n;
  };

  const bool = (name: string, fallback: boolean): boolean => {
    const value = read(name);
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
    problems.push(`${name} must be true or false`);
    return fallback;
  };

  /**
   * `true` means one proxy (the usual single reverse proxy): the client is the address that proxy
   * saw, never the leftmost X-Forwarded-For value, which the client itself can write.
   */
  const trustProxy = (name: string): false | number | string[] => {
    const value = read(name);
    if (value === undefined || ['false', '0', 'no'].includes(value.toLowerCase())) return false;
    if (['true', 'yes'].includes(value.toLowerCase())) return 1;
    if (/^\d+$/.test(value) && Number(value) <= 10) return Number(value);
    const list = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (
      list.length > 0 &&
      list.every((item) => TRUSTED_PROXY_NAMES.includes(item) || (/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(item) && isIP(item.split('/')[0]) !== 0))
    )
      return list;
    problems.push(`${name} must be false, a number of proxy hops (1-10), or a comma-separated list of proxy addresses/CIDRs`);
    return false;
  };

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = read(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      problems.push(`${name} must be a whole number between ${min} and ${max}`);
      return fallback;
    }
    return n;
  };

  const url = (name: string, protocols: string[], fallback?: string): string => {
    const value = read(name) ?? fallback;
    if (value === undefined) {
      problems.push(`${name} is required (${protocols.map((p) => `${p}//…`).join(' or ')})`);
      return '';
    }
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      problems.push(`${name} is not a valid URL (expected ${protocols.map((p) => `${p}//…`).join(' or ')})`);
      return '';
    }
    if (!protocols.includes(parsed.protocol) || parsed.hostname === '') {
      problems.push(`${name} must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL with a host`);
      return '';
    }
    return value;
  };

  // `none`: an empty list (an unset or blank variable means the default).
  const cidrs = (name: string, fallback: readonly string[]): string[] => {
    const value = read(name);
    if (value === undefined) return [...fallback];
    if (value.toLowerCase() === 'none') return [];
    const list = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    if (list.some((part) => parseCidr(part) === null)) {
      problems.push(`${name} must be none or a comma-separated list of addresses or ranges like 127.0.0.0/8, ::1/128`);
      return [...fallback];
    }
    return list;
  };

  const secretKey = (): Buffer => {
    const value = read('ZPANEL_SECRET_KEY');
    if (value === undefined) {
      problems.push('ZPANEL_SECRET_KEY is required (base64 of 32 random bytes: openssl rand -base64 32)');
      return Buffer.alloc(0);
    }
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) {
      problems.push('ZPANEL_SECRET_KEY must be base64 of exactly 32 bytes (openssl rand -base64 32)');
      return Buffer.alloc(0);
    }
    return key;
  };

  // The TTL must outlast a few heartbeats, or one slow write would fail a healthy run.
  const runLease = (): AppConfig['runs'] => {
    const heartbeatMs = int('RUN_HEARTBEAT_MS', 3_000, 200, 60_000);
    const leaseTtlMs = int('RUN_LEASE_TTL_MS', 10_000, 1_000, 600_000);
    if (leaseTtlMs < 2 * heartbeatMs) problems.push('RUN_LEASE_TTL_MS must be at least twice RUN_HEARTBEAT_MS');
    return { heartbeatMs, leaseTtlMs, commandRunsReapMs: int('COMMAND_RUNS_REAP_MS', 30_000, 1_000, 600_000) };
  };
  const prefix = read('REDIS_PREFIX') ?? 'zpanel';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) problems.push('REDIS_PREFIX may use only letters, digits, _ . - (1-64)');

  const bodyLimit = read('HTTP_BODY_LIMIT') ?? '1mb';
  if (!/^\d+(b|kb|mb)$/i.test(bodyLimit)) problems.push('HTTP_BODY_LIMIT must look like 512kb or 1mb');

  const dockerNamespace = read('DOCKER_NAMESPACE') ?? DEFAULT_DOCKER_NAMESPACE;
  if (!DOCKER_NAMESPACE_PATTERN.test(dockerNamespace)) {
    problems.push('DOCKER_NAMESPACE must start with a lowercase letter, then lowercase letters, digits or - (at most 20)');
  }

  const backupHelperImage = read('BACKUP_HELPER_IMAGE') ?? 'busybox:1.36';
  if (imageReference(backupHelperImage) !== null) problems.push('BACKUP_HELPER_IMAGE must be an image reference like busybox:1.36');
  const proxyImage = read('PROXY_IMAGE') ?? 'caddy:2.6.2';
  if (imageReference(proxyImage) !== null)
    problems.push('PROXY_IMAGE must be an image reference like caddy:2.6.2 or registry.example.com/caddy:2.6.2');

  const corsOrigins = (read('CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push('CORS_ORIGINS must be a comma-separated list of http(s)://host[:port] origins');
  }

  const nodeEnv = oneOf('NODE_ENV', NODE_ENVS, 'development');
  const config: AppConfig = {
    env: nodeEnv,
    http: {
      host: read('HOST') ?? '0.0.0.0',
      port: port('PORT', 3000),
      bodyLimit,
      corsOrigins,
      trustProxy: trustProxy('TRUST_PROXY'),
    },
    database: {
      url: url('DATABASE_URL', ['postgres:', 'postgresql:']),
      runMigrationsOnBoot: bool('MIGRATIONS_RUN_ON_BOOT', true),
    },
    redis: {
      url: url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
      prefix,
    },
    security: { secretKey: secretKey(), passwordResetTtlMs: int('PASSWORD_RESET_TTL_MINUTES', 30, 1, 24 * 60) * 60_000 },
    log: { level: oneOf('LOG_LEVEL', LOG_LEVELS, 'info') },
    worker: {
      healthPort: port('WORKER_HEALTH_PORT', 3001),
      shutdownGraceMs: int('WORKER_SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
      schedulerCheckMs: int('WORKER_SCHEDULER_CHECK_MS', 30_000, 1_000, 60_000),
    },
    servers: { checkIntervalSeconds: int('SERVER_CHECK_INTERVAL_SECONDS', 60, 5, 3600) },
    docker: { namespace: dockerNamespace },
    proxy: {
      image: proxyImage,
      httpPort: port('PROXY_HTTP_PORT', 80),
      httpsPort: port('PROXY_HTTPS_PORT', 443),
      // Certificates need public DNS and ports 80/443: on in production, off in development and tests.
      https: bool('PROXY_HTTPS', nodeEnv === 'production'),
    },
    deployments: {
      timeoutMs: int('DEPLOYMENT_TIMEOUT_MINUTES', 30, 1, 1440) * 60_000,
      buildConcurrencyPerServer: int('DEPLOYMENT_BUILD_CONCURRENCY', 2, 1, 32),
    },
    runs: runLease(),
    backups: {
      schedulesTickMs: int('BACKUP_SCHEDULES_TICK_MS', 10_000, 1_000, 600_000),
      missedGraceMs: int('BACKUP_MISSED_GRACE_MS', 30 * 60_000, 1_000, 7 * 24 * 3_600_000),
      concurrencyPerServer: int('BACKUP_CONCURRENCY_PER_SERVER', 2, 1, 32),
      uploadMaxBytes: int('BACKUP_UPLOAD_MAX_BYTES', BACKUP_LIMITS.uploadBytes, 1_024, 1024 ** 4),
      downloadUrlTtlSeconds: int('BACKUP_DOWNLOAD_URL_TTL_SECONDS', 300, 10, 3_600),
      helperImage: backupHelperImage,
    },
    notifications: {
      retryBaseMs: int('NOTIFICATIONS_RETRY_BASE_MS', 5_000, 10, 600_000),
      groupWindowMs: int('NOTIFICATIONS_GROUP_WINDOW_MS', 15 * 60_000, 0, 24 * 3_600_000),
      timeoutMs: int('NOTIFICATIONS_TIMEOUT_MS', 10_000, 100, 120_000),
      retentionDays: int('NOTIFICATIONS_RETENTION_DAYS', 30, 1, 3_650),
      reapMs: int('NOTIFICATIONS_REAP_MS', 5_000, 500, 600_000),
      telegramApiUrl: url('TELEGRAM_API_URL', ['https:', 'http:'], 'https://api.telegram.org'),
    },
    network: {
      allowedCidrs: cidrs('OUTBOUND_ALLOWED_CIDRS', []),
      outboundDeniedCidrs: cidrs('OUTBOUND_DENIED_CIDRS', DEFAULT_OUTBOUND_DENIED_CIDRS),
      serverDeniedCidrs: cidrs('SERVER_DENIED_CIDRS', DEFAULT_SERVER_DENIED_CIDRS),
    },
    web: { distDir: resolve(read('WEB_DIST_DIR') ?? 'dist/apps/web') },
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
