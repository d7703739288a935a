import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { JOB_QUEUE, type JobName, type JobPayload, type JobResult, QueueName } from '@zpanel/contracts';
import { type AppConfig, InjectConfig } from '@zpanel/core';
import { type JobsOptions, type Queue, QueueEvents } from 'bullmq';
import { bullConnection } from './bull-connection';

/** The typed way to put work on a queue: the queue is implied by the job name. */
@Injectable()
export class JobProducer implements OnModuleDestroy {
  private readonly events = new Map<QueueName, QueueEvents>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  async enqueue<J extends JobName>(name: J, payload: JobPayload<J>, options: JobsOptions = {}): Promise<string> {
    const job = await this.queue(JOB_QUEUE[name]).add(name, payload, options);
    return job.id as string;
  }

  /** Opens the event stream a queue's results arrive on, so the first caller does not pay for it. */
  async warmUp(queue: QueueName): Promise<void> {
    await this.queueEvents(queue);
  }

  /** Enqueues and waits for the result; for short jobs whose caller needs the answer. */
  async enqueueAndWait<J extends JobName>(name: J, payload: JobPayload<J>, timeoutMs: number): Promise<JobResult<J>> {
    const queueName = JOB_QUEUE[name];
    const events = await this.queueEvents(queueName);
    // Keep the finished job a while: removed at once, a job that finishes before
    // waitUntilFinished looks at it would be reported missing instead of done.
    const job = await this.queue(queueName).add(name, payload, { removeOnComplete: { age: 60 }, removeOnFail: { age: 3600 } });
    return (await job.waitUntilFinished(events, timeoutMs)) as JobResult<J>;
  }

  private async queueEvents(name: QueueName): Promise<QueueEvents> {
    let events = this.events.get(name);
    if (!events) {
      events = new QueueEvents(name, bullConnection(this.config));
      events.on('error', () => undefined);
      this.events.set(name, events);
    }
    await events.waitUntilReady();
    return events;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.events.values()].map((e) => e.close()));
  }
}
