import { clampPercent } from './host-stats';

export interface ContainerStats {
  id: string;
  name: string;
  /** Share of the whole machine (all cores), 0..100: the same scale as the server's CPU. */
  cpuPercent: number;
  /** Without the reclaimable page cache, as `docker stats` shows it. */
  memoryBytes: number;
  /** Null when the container has no memory limit of its own. */
  memoryLimitBytes: number | null;
}

/** The fields of Docker's `GET /containers/{id}/stats?stream=false` answer that are read here. */
export interface DockerStatsAnswer {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number | undefined> };
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Docker's stats, the way `docker stats` computes them, except that CPU is not multiplied by the
 * number of cores (so 100 % is the whole machine, like the server's figure). Memory subtracts the
 * inactive file cache (cgroup v2 `inactive_file`, v1 `total_inactive_file`). A limit at or above the
 * host's memory is Docker's way of saying "no limit".
 */
export function containerStatsFrom(id: string, name: string, answer: DockerStatsAnswer, hostMemoryBytes: number | null): ContainerStats {
  const cpu = num(answer.cpu_stats?.cpu_usage?.total_usage);
  const preCpu = num(answer.precpu_stats?.cpu_usage?.total_usage);
  const system = num(answer.cpu_stats?.system_cpu_usage);
  const preSystem = num(answer.precpu_stats?.system_cpu_usage);
  let cpuPercent = 0;
  if (cpu !== undefined && preCpu !== undefined && system !== undefined && preSystem !== undefined && system > preSystem && cpu >= preCpu) {
    cpuPercent = clampPercent(((cpu - preCpu) / (system - preSystem)) * 100);
  }

  const memory = answer.memory_stats ?? {};
  const usage = num(memory.usage) ?? 0;
  const inactive = num(memory.stats?.inactive_file) ?? num(memory.stats?.total_inactive_file) ?? 0;
  const memoryBytes = inactive < usage ? usage - inactive : usage;
  const limit = num(memory.limit);
  const memoryLimitBytes =
    limit === undefined || limit <= 0 || (hostMemoryBytes !== null && limit >= hostMemoryBytes) || limit >= 2 ** 62 ? null : limit;

  return { id, name, cpuPercent, memoryBytes, memoryLimitBytes };
}
