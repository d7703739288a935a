import type { BackupRunLiveEvent, LiveTopic } from '@zpanel/contracts';
import type { LiveStreams } from '@zpanel/queue';
import type { Logger } from 'pino';
import { PeriodicFlusher } from '../command-runs/command-output';
import { OperationLog } from '../databases/operation-log';

/** A backup's or restore's topic lives as long as a long run, then an hour for a page opened after it ended. */
const LIVE_TTL_SECONDS = 26 * 3_600;

/**
 * A backup's or restore's log and live topic, as database operations have them: lines redacted and
 * capped (`OperationLog`), batched to the topic, saved with each heartbeat (`progress`) and at the end.
 */
export class RunChannel {
  readonly log = new OperationLog();
  private readonly flusher: PeriodicFlusher;
  private savedVersion = 0;

  constructor(
    private readonly live: LiveStreams,
    private readonly topic: LiveTopic<'backup' | 'restore'>,
    private readonly logger: Logger,
    batchMs: number,
  ) {
    this.flusher = new PeriodicFlusher(async () => {
      const lines = this.log.takeLines();
      if (lines.length > 0) await this.send({ type: 'lines', lines });
    }, batchMs);
  }

  start(): void {
    this.flusher.start();
  }

  /** Sends what is left. */
  stop(): Promise<void> {
    return this.flusher.stop();
  }

  /** The log to save with a heartbeat, when it changed since the last one. */
  progress(): Record<string, unknown> {
    if (this.log.version === this.savedVersion) return {};
    this.savedVersion = this.log.version;
    return { log: this.log.text };
  }

  async send(event: BackupRunLiveEvent): Promise<void> {
    try {
      await this.live.append(this.topic, event, { ttlSeconds: LIVE_TTL_SECONDS });
    } catch (error) {
      // Live lines are a convenience: the stored log and status stay the truth.
      this.logger.warn({ err: error, topic: this.topic.key }, 'backup event not sent live');
    }
  }
}
