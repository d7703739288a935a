import type { EntityTarget } from 'typeorm';
import { TeamEntity } from '../entities';
import type { ApplicationPlace, BackupSourcePlace, DatabasePlace, ServerPlace, VolumePlace } from '../notifications/event-messages';
import { EntityRepository } from './entity-repository';

interface ApplicationRow {
  team_id: string;
  project_id: string;
  environment_id: string;
  environment_name: string;
  id: string;
  name: string;
  preview_of_id: string | null;
  preview_of_name: string | null;
  preview_number: number | null;
}

/**
 * Where something a notification event reports on lives (docs/notifications.md, "Events"): its team,
 * project, environment and the names its title shows, read by id whatever the team. Only the
 * places that record events use it (the worker's runs, the API after a checked change); null when
 * the row is gone.
 */
export class NotificationPlacesRepository extends EntityRepository<TeamEntity> {
  protected readonly target: EntityTarget<TeamEntity> = TeamEntity;

  async application(applicationId: string): Promise<ApplicationPlace | null> {
    const [row] = (await this.manager.query(
      `SELECT a."team_id", e."project_id", a."environment_id", e."name" AS "environment_name", a."id", a."name",
              a."preview_of_id", p."name" AS "preview_of_name", a."preview_number"
         FROM "applications" a
         JOIN "environments" e ON e."id" = a."environment_id"
         LEFT JOIN "applications" p ON p."id" = a."preview_of_id"
        WHERE a."id" = $1`,
      [applicationId],
    )) as ApplicationRow[];
    return row ? toApplicationPlace(row) : null;
  }

  async database(databaseId: string): Promise<DatabasePlace | null> {
    const [row] = (await this.manager.query(
      `SELECT d."team_id", e."project_id", d."environment_id", e."name" AS "environment_name", d."id", d."name", d."engine"
         FROM "databases" d JOIN "environments" e ON e."id" = d."environment_id"
        WHERE d."id" = $1`,
      [databaseId],
    )) as { team_id: string; project_id: string; environment_id: string; environment_name: string; id: string; name: string; engine: string }[];
    if (!row) return null;
    return {
      teamId: row.team_id,
      projectId: row.project_id,
      environmentId: row.environment_id,
      environmentName: row.environment_name,
      databaseId: row.id,
      databaseName: row.name,
      engine: row.engine,
    };
  }

  /** A named volume: an `application_mounts` row of kind `volume`. */
  async volume(volumeId: string): Promise<VolumePlace | null> {
    const [mount] = (await this.manager.query(`SELECT "application_id", "name" FROM "application_mounts" WHERE "id" = $1`, [volumeId])) as {
      application_id: string;
      name: string | null;
    }[];
    if (!mount) return null;
    const app = await this.application(mount.application_id);
    return app ? { ...app, volumeId, volumeName: mount.name ?? volumeId } : null;
  }

  async server(serverId: string): Promise<ServerPlace | null> {
    const [row] = (await this.manager.query(`SELECT "team_id", "name" FROM "servers" WHERE "id" = $1`, [serverId])) as {
      team_id: string;
      name: string;
    }[];
    return row ? { teamId: row.team_id, serverId, serverName: row.name } : null;
  }

  /**
   * What a backup, restore or schedule is of: the database or volume, or the instance (reported to
   * the instance's first team, whose owners operate it). Null when the source is gone or, for the
   * instance, no team exists yet.
   */
  async backupSource(source: { sourceKind: string; databaseId: string | null; volumeId: string | null }): Promise<BackupSourcePlace | null> {
    if (source.sourceKind === 'database' && source.databaseId) {
      const place = await this.database(source.databaseId);
      return place ? { kind: 'database', ...place } : null;
    }
    if (source.sourceKind === 'volume' && source.volumeId) {
      const place = await this.volume(source.volumeId);
      return place ? { kind: 'volume', ...place } : null;
    }
    if (source.sourceKind === 'instance') {
      const first = await this.rows.findOne({ where: {}, order: { createdAt: 'ASC', id: 'ASC' }, select: { id: true } });
      return first ? { kind: 'instance', teamId: first.id } : null;
    }
    return null;
  }
}

function toApplicationPlace(row: ApplicationRow): ApplicationPlace {
  return {
    teamId: row.team_id,
    projectId: row.project_id,
    environmentId: row.environment_id,
    environmentName: row.environment_name,
    applicationId: row.id,
    applicationName: row.name,
    previewOfId: row.preview_of_id,
    previewOfName: row.preview_of_name,
    previewNumber: row.preview_number === null ? null : Number(row.preview_number),
  };
}
