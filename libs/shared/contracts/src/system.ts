export type ComponentName = 'postgres' | 'redis';

export interface ComponentCheck {
  status: 'up' | 'down';
  latencyMs: number;
  /** Why the component is down; never contains credentials. */
  error?: string;
}

/** `GET /api/health`: the process is alive. */
export interface HealthResponse {
  status: 'ok';
  uptimeSeconds: number;
}

/** `GET /api/ready`: 200 when every dependency answers, 503 naming the ones that do not. */
export interface ReadinessResponse {
  status: 'ready' | 'unavailable';
  /** Names of the components that are down (empty when ready). */
  failing: ComponentName[];
  checks: Record<ComponentName, ComponentCheck>;
}

export interface WorkerInfo {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  startedAt: string;
  lastSeenAt: string;
  queues: string[];
}

export interface WorkerProbeResult {
  ok: boolean;
  /** Time from enqueue to completion as seen by the API. */
  roundTripMs: number;
  workerId?: string;
  error?: string;
}

/** A job the workers schedule themselves (reapers, the server checks tick, pruning). */
export interface RepeatingJobStatus {
  name: string;
  everyMs: number;
  /** When it last finished successfully; null when it has never run on this instance. */
  lastRunAt: string | null;
  /** It has not run for more than two of its periods: no worker runs it, or its scheduler is gone. */
  overdue: boolean;
}

/** `GET /api/v1/system/status`. */
export interface SystemStatus {
  version: string;
  instanceId: string;
  apiStartedAt: string;
  readiness: ReadinessResponse;
  workers: WorkerInfo[];
  repeatingJobs: RepeatingJobStatus[];
  /** Present only when the caller asked for `probe=true`. */
  probe?: WorkerProbeResult;
}
