import type { EntityTarget } from 'typeorm';
import { NotificationDeliveryEntity } from '../entities';
import { EntityRepository, type PageWindow } from './entity-repository';
import type { TeamScope } from './team-scope';

/** One event to one channel. Created by the fan-out (unique per channel and event, so a second fan-out adds nothing), updated by each attempt. */
export class NotificationDeliveriesRepository extends EntityRepository<NotificationDeliveryEntity> {
  protected readonly target: EntityTarget<NotificationDeliveryEntity> = NotificationDeliveryEntity;

  /** Newest first: a channel's delivery log. */
  pageOfChannel(team: TeamScope, channelId: string, window: PageWindow): Promise<[NotificationDeliveryEntity[], number]> {
    return this.rows.findAndCount({
      where: { teamId: this.teamIdOf(team), channelId },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: window.skip,
      take: window.take,
    });
  }

  findById(id: string): Promise<NotificationDeliveryEntity | null> {
    return this.rows.findOneBy({ id });
  }

  async record(id: string, values: Partial<Omit<NotificationDeliveryEntity, 'id' | 'teamId' | 'channelId' | 'eventId'>>): Promise<void> {
    await this.rows.update({ id }, values);
  }
}
