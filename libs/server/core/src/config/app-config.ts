import type { AddressPolicySettings } from '../network/address-policy';

/** The typed configuration every server process reads; built once at boot by `loadConfig`. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    /** Maximum request body size, in the `bytes` notation express understands (e.g. `1mb`). */
    bodyLimit: string;
    /** Allowed CORS origins; empty means CORS is off. */
    corsOrigins: string[];
    /**
     * Which X-Forwarded-* hops to believe: false (none), a number of proxy hops in front of
     * Zpanel, or the proxies' addresses/CIDRs; handed to express's `trust proxy` as is.
     */
    trustProxy: false | number | string[];
  };
  database: {
    url: string;
    runMigrationsOnBoot: boolean;
  };
  redis: {
    url: string;
    /** Key prefix for every Redis key Zpanel writes (queues, heartbeats), so instances can share a Redis. */
    prefix: string;
  };
  security: {
    /** 32-byte instance key for the secret box; never logged. */
    secretKey: Buffer;
    /** How long an emailed password reset link works (PASSWORD_RESET_TTL_MINUTES, default 30). */
    passwordResetTtlMs: number;
  };
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  };
  worker: {
    healthPort: number;
    /** How long SIGTERM waits for in-flight jobs before handing them back to the queue. */
    shutdownGraceMs: number;
    /** How often a worker makes sure the schedulers of its repeating jobs exist (they vanish with Redis's keys). */
    schedulerCheckMs: number;
  };
  servers: {
    /** Seconds between two checks of a server that has no interval of its own (5..3600). */
    checkIntervalSeconds: number;
  };
  docker: {
    /**
     * Instance namespace of every Docker object Zpanel creates (network, proxy, app containers,
     * images); two instances or test stacks sharing a Docker host never touch each other's.
     */
    namespace: string;
  };
  proxy: {
    /** Caddy image of each server's proxy container; a server without it pulls it. */
    image: string;
    /** Host ports the proxy container publishes for HTTP and (with `https`) HTTPS. */
    httpPort: number;
    httpsPort: number;
    /** Automatic certificates and HTTP→HTTPS redirects; off: plain HTTP only. */
    https: boolean;
  };
  deployments: {
    /** A deployment still running after this long fails with reason "timed out". */
    timeoutMs: number;
    /** Builds running at once on one server; more wait their turn. */
    buildConcurrencyPerServer: number;
  };
  runs: {
    /** How often a running deployment or command run saves its heartbeat (RUN_HEARTBEAT_MS). */
    heartbeatMs: number;
    /** A running run whose heartbeat is older than this lost its worker: the reaper fails it (RUN_LEASE_TTL_MS). */
    leaseTtlMs: number;
    /** How often the command runs reaper passes (COMMAND_RUNS_REAP_MS); see repeatingJobPeriods. */
    commandRunsReapMs: number;
  };
  backups: {
    /** How often the worker looks for due backup schedules (BACKUP_SCHEDULES_TICK_MS); a slot fires at most this late. */
    schedulesTickMs: number;
    /** A schedule without a verified backup this long after a slot is marked missed (BACKUP_MISSED_GRACE_MS). */
    missedGraceMs: number;
    /** Backups and restores running at once on one server; more wait their turn (BACKUP_CONCURRENCY_PER_SERVER). */
    concurrencyPerServer: number;
    /** Largest dump file the API takes to restore from, in bytes (BACKUP_UPLOAD_MAX_BYTES); larger is a 413 before anything is stored. */
    uploadMaxBytes: number;
    /** How long a backup's download URL works (BACKUP_DOWNLOAD_URL_TTL_SECONDS), presigned or signed by the API. */
    downloadUrlTtlSeconds: number;
    /** Image of the short-lived containers that tar, untar and count a volume on a server (BACKUP_HELPER_IMAGE, default busybox:1.36; pulled like the proxy's). */
    helperImage: string;
  };
  notifications: {
    /** First retry delay of a failed delivery, doubled at each attempt (NOTIFICATIONS_RETRY_BASE_MS); a Retry-After header wins when longer. */
    retryBaseMs: number;
    /** Events of one alert rule reach a channel at most once per this interval, plus the resolution (NOTIFICATIONS_GROUP_WINDOW_MS). */
    groupWindowMs: number;
    /** One attempt's limit: connect, send and read the answer (NOTIFICATIONS_TIMEOUT_MS). */
    timeoutMs: number;
    /** Delivery log and notification centre entries older than this are pruned (NOTIFICATIONS_RETENTION_DAYS). */
    retentionDays: number;
    /** How often lost fan-outs and deliveries are looked for (NOTIFICATIONS_REAP_MS). */
    reapMs: number;
    /** Telegram's Bot API origin (TELEGRAM_API_URL); tests point it at a local receiver. */
    telegramApiUrl: string;
  };
  /** Address ranges git URLs, servers and other outbound URLs may reach (see AddressPolicy). */
  network: AddressPolicySettings;
  web: {
    /** Folder with the built SPA; the API serves it when it exists. */
    distDir: string;
  };
}
