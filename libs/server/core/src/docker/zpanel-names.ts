/**
 * Names of everything Zpanel creates on a server's Docker Engine, derived from one instance-level
 * namespace (config `DOCKER_NAMESPACE`, default `zpanel`). Two Zpanel instances (or two test stacks)
 * sharing a Docker host then never touch each other's network, proxy, containers or images.
 * Application names are allowlisted slugs (application-fields.ts); ids are UUIDs.
 */
export const DEFAULT_DOCKER_NAMESPACE = 'zpanel';
export const DOCKER_NAMESPACE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/** Labels on every container and image Zpanel creates; pruning only ever considers these. */
export const ZPANEL_LABELS = {
  namespace: 'zpanel.namespace',
  application: 'zpanel.application',
  deployment: 'zpanel.deployment',
  /** On a database's container and data volume: its id, so a volume kept after the row is deleted is still known. */
  database: 'zpanel.database',
  role: 'zpanel.role',
  /** On an application's named volume and a database's container and data volume: the team it belongs to (orphaned volumes are listed per team). */
  team: 'zpanel.team',
  /** On an application's named volume: its name in the application. */
  volume: 'zpanel.volume',
} as const;

export interface ZpanelDockerNames {
  namespace: string;
  /** The bridge network apps and the proxy share. */
  network: string;
  /** The proxy (Caddy) container of the server. */
  proxyContainer: string;
  /** Stable alias the proxy routes an app's domains to; moves to the new container on promote. */
  appAlias(appName: string): string;
  /** One container per deployment: the old one keeps serving beside the new one until retired. */
  appContainer(appName: string, deploymentId: string): string;
  /** Image repository of an app; the tag is the deployment id, so a rollback finds its exact image. */
  appImage(appName: string, deploymentId: string): string;
  /**
   * A database's container name and alias on the network, from its id (never its name): two
   * environments on one server can each have a `main-db`, and a rename or an image change keeps it.
   * Longer than any application alias (`database-` and 32 hex digits are 41 characters, application
   * names at most 40), so the two can never collide and need no check against each other.
   */
  databaseAlias(databaseId: string): string;
  /** The Docker volume holding a database's data directory: kept across recreates, and what backups of the database read. */
  databaseVolume(databaseId: string): string;
  /**
   * An application's named volume, from the application's id (never its name: a rename keeps the
   * data) and the volume's allowlisted name; what every deployment, rollback and restart mounts.
   */
  appVolume(applicationId: string, volumeName: string): string;
}

export function zpanelDockerNames(namespace: string = DEFAULT_DOCKER_NAMESPACE): ZpanelDockerNames {
  if (!DOCKER_NAMESPACE_PATTERN.test(namespace)) throw new Error(`invalid Docker namespace ${JSON.stringify(namespace)}`);
  const prefix = namespace === DEFAULT_DOCKER_NAMESPACE ? 'zp' : namespace;
  return {
    namespace,
    network: namespace,
    proxyContainer: `${namespace}-proxy`,
    appAlias: (app) => `${prefix}-${app}`,
    appContainer: (app, deploymentId) => `${prefix}-${app}-${deploymentId.replace(/-/g, '').slice(0, 12)}`,
    appImage: (app, deploymentId) => `${prefix}/${app}:${deploymentId}`,
    databaseAlias: (databaseId) => `${prefix}-database-${databaseHex(databaseId)}`,
    databaseVolume: (databaseId) => `${prefix}-database-${databaseHex(databaseId)}-data`,
    appVolume: (applicationId, volumeName) => {
      if (!/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(volumeName)) throw new Error(`invalid volume name ${JSON.stringify(volumeName)}`);
      return `${prefix}-volume-${uuidHex(applicationId)}-${volumeName}`;
    },
  };
}

/** A database id (a UUID) as the 32 hex digits of the names derived from it. */
function databaseHex(databaseId: string): string {
  const hex = databaseId.toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`invalid database id ${JSON.stringify(databaseId)}`);
  return hex;
}

/** Any row id (a UUID) as 32 hex digits. */
function uuidHex(id: string): string {
  const hex = id.toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`invalid id ${JSON.stringify(id)}`);
  return hex;
}
