import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Ability, type DeploymentLiveEvent, type DeploymentLogLine, LiveTopics } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { type LiveEntry, LiveSubscriber } from '@zpanel/queue';
import type { Caller } from '../access/caller';
import { type LiveRequestOf, LiveRegistry, type LiveSubscription, requireUuid } from '../live/live-registry';
import { TeamAccessService } from '../access/team-access.service';
import { DeploymentsRepository, type TeamScope } from '@zpanel/database';
import { DeploymentsService } from './deployments.service';

const REPLAY_PAGE = 1_000;

function optionalSeq(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw AppException.validation([{ field: 'afterSeq', message: 'afterSeq must be a whole number of 0 or more' }]);
  }
  return value;
}

type Deliver = (entry: { id: string; event: DeploymentLiveEvent }) => void;

/**
 * `deployment-logs`: the stored lines after the client's `afterSeq` from Postgres, the current status,
 * then what the worker appends to the deployment's stream. The stream is followed (buffered) before
 * Postgres is read, and the worker appends a batch only once it is stored, so every line is either
 * in what is read or in what arrives; lines are delivered by `seq`, each once, and a gap (a batch
 * whose live append failed) is filled from Postgres before later lines go out.
 */
@Injectable()
export class DeploymentLogsLiveSubscriptions implements OnModuleInit {
  constructor(
    private readonly registry: LiveRegistry,
    private readonly access: TeamAccessService,
    private readonly deployments: DeploymentsService,
    private readonly rows: DeploymentsRepository,
    private readonly subscriber: LiveSubscriber,
  ) {}

  onModuleInit(): void {
    this.registry.register('deployment-logs', { authorize: (caller, request) => this.authorize(caller, request) });
  }

  private async authorize(caller: Caller, request: LiveRequestOf<'deployment-logs'>): Promise<LiveSubscription> {
    const deploymentId = requireUuid(request.deploymentId, 'deploymentId');
    const afterSeq = optionalSeq(request.afterSeq);
    const teamId = await this.rows.teamOf(deploymentId);
    const check = (who: Caller) => this.access.requireForResource(who, teamId, Ability.Read, this.rows.noun);
    const { team } = await check(caller);
    const topic = LiveTopics.deploymentLogs(deploymentId);
    return { topic, follow: (deliver) => this.follow(team, deploymentId, afterSeq, deliver as Deliver), recheck: check };
  }

  private async follow(team: TeamScope, deploymentId: string, afterSeq: number, deliver: Deliver): Promise<() => Promise<void>> {
    let lastSeq = afterSeq;
    let buffered: LiveEntry[] | null = [];
    let chain = Promise.resolve();
    let stopped = false;

    const sendLines = (lines: DeploymentLogLine[]) => {
      const fresh = lines.filter((l) => l.seq > lastSeq);
      if (fresh.length === 0 || stopped) return;
      lastSeq = fresh[fresh.length - 1].seq;
      deliver({ id: String(lastSeq), event: { type: 'lines', lines: fresh } });
    };
    const replayUntil = async (untilSeq: number) => {
      while (lastSeq < untilSeq && !stopped) {
        const page = await this.deployments.logs(team, deploymentId, lastSeq, REPLAY_PAGE);
        sendLines(page.lines.filter((l) => l.seq <= untilSeq));
        if (!page.hasMore || page.lines.length === 0) return;
      }
    };
    const handle = async (entry: LiveEntry) => {
      const event = entry.event as DeploymentLiveEvent;
      if (event.type !== 'lines') {
        if (!stopped) deliver({ id: String(lastSeq), event });
        return;
      }
      const first = event.lines[0]?.seq;
      if (first !== undefined && first > lastSeq + 1) await replayUntil(first - 1);
      sendLines(event.lines);
    };
    const enqueue = (entry: LiveEntry) => {
      chain = chain.then(() => handle(entry)).catch(() => undefined);
    };

    const stopFollowing = await this.subscriber.follow(LiveTopics.deploymentLogs(deploymentId), undefined, (entry) =>
      buffered ? buffered.push(entry) : enqueue(entry),
    );
    const stop = async () => {
      stopped = true;
      await stopFollowing();
    };
    try {
      await replayUntil(Number.MAX_SAFE_INTEGER);
      const current = await this.deployments.get(team, deploymentId);
      deliver({
        id: String(lastSeq),
        event: { type: 'status', status: current.status, step: current.step, reason: current.reason, reasonCode: current.reasonCode },
      });
    } catch (error) {
      await stop();
      throw error;
    }
    const arrived = buffered;
    buffered = null;
    arrived.forEach(enqueue);
    return stop;
  }
}
