import type { WebhookProvider } from '@zpanel/contracts';
import type { EntityTarget } from 'typeorm';
import { WebhookDeliveryEntity } from '../entities';
import { EntityRepository, type PageWindow } from './entity-repository';
import type { TeamScope } from './team-scope';

/** One delivery to one application (or to none: a delivery that matched no application). */
export interface DeliveryKey {
  provider: WebhookProvider;
  deliveryId: string;
  applicationId: string;
}

/**
 * The log of webhook deliveries. A row is written before anyone is authenticated (a delivery is
 * verified against each candidate application's secret), so it may have no team; the API reads
 * an application's log with the team's scope.
 */
export class WebhookDeliveriesRepository extends EntityRepository<WebhookDeliveryEntity> {
  protected readonly target: EntityTarget<WebhookDeliveryEntity> = WebhookDeliveryEntity;

  pageOfApplication(team: TeamScope, applicationId: string, window: PageWindow): Promise<[WebhookDeliveryEntity[], number]> {
    return this.rows.findAndCount({
      where: { teamId: this.teamIdOf(team), applicationId },
      order: { receivedAt: 'DESC', id: 'DESC' },
      skip: window.skip,
      take: window.take,
    });
  }

  /** Inserts the row unless this delivery (or, for a verified one, its body) already has one for the application; the new id, or null. */
  async claim(row: Omit<WebhookDeliveryEntity, 'id' | 'receivedAt' | 'deploymentId'>): Promise<string | null> {
    const result = await this.rows.createQueryBuilder().insert().values(row).orIgnore().returning(['id']).execute();
    return (result.raw as { id: string }[])[0]?.id ?? null;
  }

  /** Takes over the delivery's row left `rejected` earlier (e.g. before the secret was fixed) with these values; its id, or null. */
  async retakeRejected(
    key: DeliveryKey,
    values: Pick<WebhookDeliveryEntity, 'outcome' | 'reason' | 'body' | 'headers' | 'bodySha256'>,
  ): Promise<string | null> {
    const retaken = await this.rows
      .createQueryBuilder()
      .update()
      .set({ ...values, receivedAt: () => 'now()' })
      .where(`provider = :provider AND delivery_id = :deliveryId AND application_id = :applicationId AND outcome = 'rejected'`, key)
      .returning(['id'])
      .execute();
    return (retaken.raw as { id: string }[])[0]?.id ?? null;
  }

  findDelivery(key: DeliveryKey): Promise<WebhookDeliveryEntity | null> {
    return this.rows.findOneBy(key);
  }

  /** The delivery of the application that carried this body first, if any. */
  findSameBody(applicationId: string, bodySha256: string): Promise<Pick<WebhookDeliveryEntity, 'id' | 'deliveryId'> | null> {
    return this.rows.findOne({ where: { applicationId, bodySha256 }, select: { id: true, deliveryId: true } });
  }

  async record(id: string, values: Partial<Omit<WebhookDeliveryEntity, 'id'>>): Promise<void> {
    await this.rows.update({ id }, values);
  }

  /**
   * Deletes deliveries received before `cutoff`, except each application's latest `keepLatest`
   * (deliveries that matched no application count as one group); how many were deleted.
   */
  async prune(cutoff: Date, keepLatest: number): Promise<number> {
    const [, deleted]: [unknown, number] = await this.manager.query(
      `DELETE FROM "webhook_deliveries" d
        USING (
          SELECT "id" FROM (
            SELECT "id", "received_at", row_number() OVER (PARTITION BY "application_id" ORDER BY "received_at" DESC, "id" DESC) AS "rank"
              FROM "webhook_deliveries"
          ) ranked
          WHERE ranked."received_at" < $1 AND ranked."rank" > $2
        ) old
        WHERE d."id" = old."id"`,
      [cutoff, keepLatest],
    );
    return deleted;
  }
}
