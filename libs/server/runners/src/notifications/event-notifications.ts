import { Injectable } from '@nestjs/common';
import type { DeploymentStatus } from '@zpanel/contracts';
import { InjectLogger } from '@zpanel/core';
import {
  type AlertFacts,
  type BackupFacts,
  type DeploymentFacts,
  type MissedScheduleFacts,
  type NotificationEventInput,
  NotificationPlacesRepository,
  type RestoreFacts,
  alertFiredEvent,
  alertResolvedEvent,
  backupFailedEvent,
  backupMissedEvent,
  backupMissedResolvedEvent,
  backupSucceededEvent,
  backupUnverifiedEvent,
  databaseRecoveredEvent,
  databaseUnhealthyEvent,
  deploymentFailedEvent,
  deploymentFinishedEvent,
  deploymentStartedEvent,
  restoreFinishedEvent,
  serverHostKeyChangedEvent,
  serverRecoveredEvent,
  serverUnreachableEvent,
} from '@zpanel/database';
import type { Logger } from 'pino';
import { Notifier } from './notifier';

/** What a backup's events need to know of its source. */
export interface BackupSource {
  sourceKind: string;
  databaseId: string | null;
  volumeId: string | null;
}

/**
 * The worker's runs say what happened here (docs/notifications.md, "Events"): each method looks up
 * where it happened (team, project, environment, names), builds the event with the pure builders of
 * `@zpanel/database` (notifications/event-messages.ts) and records it through `Notifier`. Callers
 * call it once per transition (after the conditional update that made it applied). Never throws:
 * telling people must not fail the run it reports on; a row gone meanwhile records nothing.
 */
@Injectable()
export class EventNotifications {
  private readonly log: Logger;

  constructor(
    private readonly notifier: Notifier,
    private readonly places: NotificationPlacesRepository,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'event-notifications' });
  }

  deploymentStarted(applicationId: string, deployment: DeploymentFacts): Promise<void> {
    return this.record(
      'deployment.started',
      () => this.places.application(applicationId),
      (place) => deploymentStartedEvent(place, deployment),
    );
  }

  /** succeeded (preview.deployed for a preview), failed or cancelled; nothing for superseded. */
  deploymentFinished(applicationId: string, deployment: DeploymentFacts & { status: DeploymentStatus }): Promise<void> {
    return this.record(
      `deployment.${deployment.status}`,
      () => this.places.application(applicationId),
      (place) => deploymentFinishedEvent(place, deployment),
    );
  }

  deploymentFailed(applicationId: string, deployment: DeploymentFacts): Promise<void> {
    return this.record(
      'deployment.failed',
      () => this.places.application(applicationId),
      (place) => deploymentFailedEvent(place, deployment),
    );
  }

  backupSucceeded(source: BackupSource, backup: BackupFacts & { verifying: boolean }): Promise<void> {
    return this.record(
      'backup.succeeded',
      () => this.places.backupSource(source),
      (place) => backupSucceededEvent(place, backup),
    );
  }

  backupFailed(source: BackupSource, backup: BackupFacts): Promise<void> {
    return this.record(
      'backup.failed',
      () => this.places.backupSource(source),
      (place) => backupFailedEvent(place, backup),
    );
  }

  backupUnverified(source: BackupSource, backup: Parameters<typeof backupUnverifiedEvent>[1]): Promise<void> {
    return this.record(
      'backup.unverified',
      () => this.places.backupSource(source),
      (place) => backupUnverifiedEvent(place, backup),
    );
  }

  backupMissed(source: BackupSource, missed: MissedScheduleFacts): Promise<void> {
    return this.record(
      'backup.missed',
      () => this.places.backupSource(source),
      (place) => backupMissedEvent(place, missed),
    );
  }

  backupMissedResolved(source: BackupSource, resolved: Parameters<typeof backupMissedResolvedEvent>[1]): Promise<void> {
    return this.record(
      'alert.resolved',
      () => this.places.backupSource(source),
      (place) => backupMissedResolvedEvent(place, resolved),
    );
  }

  restoreFinished(source: BackupSource, restore: RestoreFacts): Promise<void> {
    return this.record(
      'restore.finished',
      () => this.places.backupSource(source),
      (place) => restoreFinishedEvent(place, restore),
    );
  }

  serverUnreachable(serverId: string, facts: Parameters<typeof serverUnreachableEvent>[1]): Promise<void> {
    return this.record(
      'server.unreachable',
      () => this.places.server(serverId),
      (place) => serverUnreachableEvent(place, facts),
    );
  }

  serverRecovered(serverId: string, facts: Parameters<typeof serverRecoveredEvent>[1]): Promise<void> {
    return this.record(
      'server.recovered',
      () => this.places.server(serverId),
      (place) => serverRecoveredEvent(place, facts),
    );
  }

  serverHostKeyChanged(serverId: string, facts: Parameters<typeof serverHostKeyChangedEvent>[1]): Promise<void> {
    return this.record(
      'server.host_key_changed',
      () => this.places.server(serverId),
      (place) => serverHostKeyChangedEvent(place, facts),
    );
  }

  alertFired(serverId: string, alert: AlertFacts): Promise<void> {
    return this.record(
      'alert.fired',
      () => this.places.server(serverId),
      (place) => alertFiredEvent(place, alert),
    );
  }

  alertResolved(serverId: string, alert: AlertFacts): Promise<void> {
    return this.record(
      'alert.resolved',
      () => this.places.server(serverId),
      (place) => alertResolvedEvent(place, alert),
    );
  }

  databaseUnhealthy(databaseId: string, facts: Parameters<typeof databaseUnhealthyEvent>[1]): Promise<void> {
    return this.record(
      'database.unhealthy',
      () => this.places.database(databaseId),
      (place) => databaseUnhealthyEvent(place, facts),
    );
  }

  databaseRecovered(databaseId: string): Promise<void> {
    return this.record(
      'database.recovered',
      () => this.places.database(databaseId),
      (place) => databaseRecoveredEvent(place),
    );
  }

  private async record<P>(kind: string, lookUp: () => Promise<P | null>, build: (place: P) => NotificationEventInput | null): Promise<void> {
    try {
      const place = await lookUp();
      const input = place ? build(place) : null;
      if (input) await this.notifier.notify(input);
    } catch (error) {
      this.log.error({ err: error, kind }, 'notification event not recorded');
    }
  }
}
