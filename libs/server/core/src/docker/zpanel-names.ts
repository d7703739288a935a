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
  role: 'zpanel.role',
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
  };
}
