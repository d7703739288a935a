import type { DataSource } from 'typeorm';

export interface RepeatingJobRun {
  jobName: string;
  everyMs: number;
  lastRunAt: Date;
}

/** Records that a repeating job just finished (the worker, after each successful run). */
export async function recordRepeatingJobRun(dataSource: DataSource, jobName: string, everyMs: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO "repeating_job_runs" ("job_name", "every_ms", "last_run_at") VALUES ($1, $2, now())
     ON CONFLICT ("job_name") DO UPDATE SET "every_ms" = EXCLUDED."every_ms", "last_run_at" = EXCLUDED."last_run_at"`,
    [jobName, everyMs],
  );
}

/** The last successful run of every repeating job that has run at least once. */
export async function repeatingJobRuns(dataSource: DataSource): Promise<RepeatingJobRun[]> {
  const rows: { job_name: string; every_ms: number; last_run_at: Date }[] = await dataSource.query(
    `SELECT "job_name", "every_ms", "last_run_at" FROM "repeating_job_runs"`,
  );
  return rows.map((row) => ({ jobName: row.job_name, everyMs: row.every_ms, lastRunAt: new Date(row.last_run_at) }));
}

/** A repeating job is overdue once it has not run for two of its periods (one late run is normal jitter). */
export function isOverdue(lastRunAt: Date, everyMs: number, now = Date.now()): boolean {
  return now - lastRunAt.getTime() > 2 * everyMs;
}
