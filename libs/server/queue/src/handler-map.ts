import { ALL_JOB_NAMES, JobName } from '@zpanel/contracts';

export class HandlerMapError extends Error {
  constructor(
    readonly missing: JobName[],
    readonly duplicated: JobName[],
    readonly unknown: string[],
  ) {
    const parts = [
      missing.length ? `no handler for ${missing.join(', ')}` : '',
      duplicated.length ? `more than one handler for ${duplicated.join(', ')}` : '',
      unknown.length ? `handlers for unknown jobs ${unknown.join(', ')}` : '',
    ].filter(Boolean);
    super(`job handlers do not match the job map: ${parts.join('; ')}`);
    this.name = 'HandlerMapError';
  }
}

/**
 * Pairs every job name of the contracts' job map with exactly one handler. Any gap, duplicate or
 * stray handler is a deployment error that must stop the worker at boot, not fail jobs at 3 a.m.
 */
export function buildHandlerMap<H>(found: ReadonlyArray<{ jobName: string; handler: H }>): Map<JobName, H> {
  const byName = new Map<string, H[]>();
  for (const { jobName, handler } of found) byName.set(jobName, [...(byName.get(jobName) ?? []), handler]);

  const missing = ALL_JOB_NAMES.filter((name) => !byName.has(name));
  const duplicated = ALL_JOB_NAMES.filter((name) => (byName.get(name)?.length ?? 0) > 1);
  const unknown = [...byName.keys()].filter((name) => !(ALL_JOB_NAMES as readonly string[]).includes(name));
  if (missing.length || duplicated.length || unknown.length) throw new HandlerMapError(missing, duplicated, unknown);

  return new Map(ALL_JOB_NAMES.map((name) => [name, (byName.get(name) as H[])[0]]));
}
