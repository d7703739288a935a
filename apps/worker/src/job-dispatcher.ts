import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { JOB_QUEUE, type JobName, QueueName } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, repeatingJobPeriods } from '@zpanel/core';
import { isOverdue, recordRepeatingJobRun, repeatingJobRuns } from '@zpanel/database';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  InjectRedis,
  JOB_HANDLER_METADATA,
  type JobHandler,
  JobProducer,
  QUEUE_EVENTS_MAX_LEN,
  WORKER_ID,
  bullConnection,
  buildHandlerMap,
} from '@zpanel/queue';
import { type Job, WaitingError, Worker } from 'bullmq';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

/** How many jobs of each queue one worker process runs at once. */
export const QUEUE_CONCURRENCY: { readonly [Q in QueueName]: number } = {
  [QueueName.System]: 4,
  [QueueName.Servers]: 4,
  [QueueName.ServerOps]: 8,
  // Commands mostly wait on the server; each holds a slot (and one of the server's SSH channels) while it runs.
  [QueueName.ServerCommands]: 8,
  // Log follows mostly wait on the network; each holds a slot for as long as its viewer watches.
  [QueueName.ServerStreams]: 50,
  // A check mostly waits on the server (about a second each); a slow or dead server holds a slot for its timeouts only.
  [QueueName.ServerChecks]: 8,
  // A deployment mostly waits on the server's build or health check; builds per server are capped apart (DEPLOYMENT_BUILD_CONCURRENCY).
  [QueueName.Deployments]: 10,
  // An operation mostly waits on the server (an image pull, the engine coming up); one per database at a time.
  [QueueName.Databases]: 8,
  // A backup mostly waits on the dump and the upload; runs per server are capped apart (BACKUP_CONCURRENCY_PER_SERVER).
  [QueueName.Backups]: 8,
  // A delivery mostly waits on a third party's answer (at most NOTIFICATIONS_TIMEOUT_MS); many at once keep a slow receiver from delaying the rest.
  [QueueName.Notifications]: 20,
};

/**
 * Queues whose jobs only ever end when told to (a log follow lasts as long as its viewer): waiting for
 * them would hold every shutdown for the whole grace period, so they are told to stop at once.
 */
export const ABORTED_AT_SHUTDOWN: ReadonlySet<QueueName> = new Set([QueueName.ServerStreams]);

type AnyHandler = JobHandler<JobName>;

/**
 * A repeating job's finished runs are not kept in Redis (a tick every 5 s would pile up thousands):
 * the last successful run is in Postgres (repeating_job_runs), failures are logged; a few failed
 * ones stay for inspection.
 */
export const REPEATING_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 20 } as const;

/**
 * Consumes every queue of the job map and hands each job to its one handler. On shutdown it
 * stops taking jobs, lets running ones finish within the grace period, then aborts the rest and
 * puts them back in the queue, so a deploy of the worker never loses or fails a job.
 */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly workers: Worker[] = [];
  private readonly running = new Map<string, { queue: QueueName; controller: AbortController }>();
  private handlers = new Map<JobName, AnyHandler>();
  private shuttingDown = false;
  private schedulerCheck?: NodeJS.Timeout;
  private readonly logger: Logger;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
    @Inject(WORKER_ID) private readonly workerId: string,
    private readonly producer: JobProducer,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRedis() private readonly redis: Redis,
  ) {
    this.logger = logger.child({ component: 'job-dispatcher' });
  }

  /** Queue names this process consumes. */
  get queues(): QueueName[] {
    return [...new Set([...this.handlers.keys()].map((name) => JOB_QUEUE[name]))];
  }

  get activeJobs(): number {
    return this.running.size;
  }

  get isRunning(): boolean {
    return this.workers.length > 0 && this.workers.every((w) => w.isRunning()) && !this.shuttingDown;
  }

  onApplicationBootstrap(): void {
    const found = this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.metatype && wrapper.instance)
      .map((wrapper) => ({
        jobName: this.reflector.get<string | undefined>(JOB_HANDLER_METADATA, wrapper.metatype as object as new () => unknown),
        handler: wrapper.instance as AnyHandler,
      }))
      .filter((entry): entry is { jobName: string; handler: AnyHandler } => typeof entry.jobName === 'string');
    this.handlers = buildHandlerMap(found);

    for (const queue of this.queues) {
      const worker = new Worker(queue, (job, token) => this.process(job, token), {
        ...bullConnection(this.config),
        concurrency: QUEUE_CONCURRENCY[queue],
        name: this.workerId,
        // A job held by a dead worker (a deployment waiting its turn) goes to a live one within about
        // the run lease, not BullMQ's 30 s lock plus 30 s stall check; never under 10 s, so a busy
        // event loop does not lose a live worker its lock.
        lockDuration: Math.max(this.config.runs.leaseTtlMs, 10_000),
        stalledInterval: 5_000,
      });
      worker.on('error', (error) => this.logger.error({ err: error, queue }, 'queue connection error'));
      worker.on('failed', (job, error) => this.logger.warn({ queue, jobId: job?.id, job: job?.name, err: error }, 'job failed'));
      this.workers.push(worker);
    }
    this.logger.info({ queues: this.queues, workerId: this.workerId }, 'consuming queues');
    void this.scheduleRepeatingJobs().then(() => {
      // Schedulers live in Redis only: deleted keys or a restored Redis would stop every repeating
      // job silently until a worker restarts, so look again regularly and put back what is missing.
      if (!this.shuttingDown) this.schedulerCheck = setInterval(() => void this.restoreMissingSchedulers(), this.config.worker.schedulerCheckMs);
    });
  }

  private get repeatingJobs(): [JobName, { everyMs: number }][] {
    return Object.entries(repeatingJobPeriods(this.config)).filter(([name]) => this.handlers.has(name as JobName)) as [
      JobName,
      { everyMs: number },
    ][];
  }

  private upsertScheduler(name: JobName, everyMs: number): Promise<unknown> {
    return this.producer.queue(JOB_QUEUE[name]).upsertJobScheduler(name, { every: everyMs }, { name, data: {}, opts: REPEATING_JOB_OPTIONS });
  }

  /** Upserts the scheduler of every repeating job this process handles; retried while Redis is away. */
  private async scheduleRepeatingJobs(): Promise<void> {
    const scheduled = this.repeatingJobs;
    for (let attempt = 1; scheduled.length > 0 && !this.shuttingDown; attempt += 1) {
      try {
        for (const [name, { everyMs }] of scheduled) await this.upsertScheduler(name, everyMs);
        this.logger.info({ jobs: scheduled.map(([name]) => name) }, 'repeating jobs scheduled');
        return;
      } catch (error) {
        this.logger.warn({ err: error, attempt }, 'scheduling repeating jobs failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(attempt * 1_000, 10_000)).unref());
      }
    }
  }

  /**
   * Upserts the scheduler of each repeating job whose scheduler is gone, or that has not run for two
   * of its periods (its scheduler may be there without its next job). Not every scheduler every time:
   * upserting one whose job is running would add a second next run.
   */
  async restoreMissingSchedulers(): Promise<void> {
    if (this.shuttingDown) return;
    try {
      const lastRuns = new Map((await repeatingJobRuns(this.dataSource).catch(() => [])).map((run) => [run.jobName, run.lastRunAt]));
      const restored: JobName[] = [];
      for (const [name, { everyMs }] of this.repeatingJobs) {
        const scheduler = await this.producer.queue(JOB_QUEUE[name]).getJobScheduler(name);
        const lastRun = lastRuns.get(name);
        if (scheduler && !(lastRun && isOverdue(lastRun, everyMs))) continue;
        await this.upsertScheduler(name, everyMs);
        restored.push(name);
      }
      if (restored.length > 0) {
        this.logger.warn({ jobs: restored }, 'repeating jobs were not scheduled (Redis keys lost?); scheduled them again');
        // The queues' settings went with the keys: BullMQ would fall back to 10,000 events per queue.
        for (const name of Object.values(QueueName))
          await this.redis.hset(`${this.config.redis.prefix}:${name}:meta`, 'opts.maxLenEvents', QUEUE_EVENTS_MAX_LEN);
      }
    } catch (error) {
      this.logger.warn({ err: error }, "checking the repeating jobs' schedulers failed; next check later");
    }
  }

  private async process(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    const controller = new AbortController();
    const key = `${job.queueName}:${job.id}`;
    this.running.set(key, { queue: job.queueName as QueueName, controller });
    try {
      const result = await handler.handle(job.data, { jobId: job.id as string, attempt: job.attemptsStarted, signal: controller.signal });
      const repeating = repeatingJobPeriods(this.config)[job.name as JobName];
      if (repeating) {
        // In Postgres, so a Redis wipe cannot erase the evidence that a repeating job stopped running.
        await recordRepeatingJobRun(this.dataSource, job.name, repeating.everyMs).catch((error: unknown) =>
          this.logger.warn({ err: error, job: job.name }, 'last run of a repeating job not recorded'),
        );
      }
      return result;
    } catch (error) {
      if (controller.signal.aborted && this.shuttingDown) {
        // Interrupted by our own shutdown: not the job's failure. Give it back for the next worker.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      throw error;
    } finally {
      this.running.delete(key);
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.schedulerCheck);
    this.logger.info({ signal, active: this.running.size }, 'stopping: finishing in-flight jobs');
    for (const { queue, controller } of this.running.values()) if (ABORTED_AT_SHUTDOWN.has(queue)) controller.abort();
    // close() stops fetching at once and resolves when the running jobs have settled.
    const closed = Promise.all(this.workers.map((w) => w.close()));
    const drained = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), this.config.worker.shutdownGraceMs).unref()),
    ]);
    if (!drained) {
      this.logger.warn({ active: this.running.size }, 'grace period over: handing unfinished jobs back to the queue');
      for (const { controller } of this.running.values()) controller.abort();
      await closed;
    }
  }
}
