import type { ProxySyncOutcome } from '@zpanel/contracts';
import type { ZpanelDockerNames } from '@zpanel/core';
import type { ProxySite } from './caddy-config';

/** The instance's proxy settings (config `PROXY_*`) and the namespace its Docker objects live in. */
export interface ProxySettings {
  names: ZpanelDockerNames;
  image: string;
  httpPort: number;
  httpsPort: number;
  https: boolean;
  /** See CaddyConfigOptions.internalCertificates. */
  internalCertificates?: boolean;
}

export interface ProxySyncResult extends ProxySyncOutcome {
  /** sha256 of the config now applied. */
  configHash: string;
}

/** Installs and configures a server's proxy; `DockerProxyConfigurator` is the real one, `FakeProxyConfigurator` the unit-test one. */
export interface ProxyConfigurator {
  /**
   * Makes the server's proxy route exactly `sites`: ensures the network and the proxy container
   * (recreated when its image or settings changed), and reloads Caddy only when the config differs
   * from the one applied last (each load resets some client connections in Caddy 2.6).
   */
  sync(sites: readonly ProxySite[]): Promise<ProxySyncResult>;
}

/** What is on the server now, as far as the decision needs. */
export interface ObservedProxy {
  networkExists: boolean;
  container?: {
    running: boolean;
    /** Attached to the Zpanel network (a container whose network was removed can never start again). */
    onNetwork: boolean;
    imageId: string;
    /** The settings hash the container was created with (a label); undefined for one Zpanel did not make. */
    specHash: string | undefined;
  };
  /** The config the running container was last given; undefined when unknown. */
  appliedConfig?: string;
}

export interface DesiredProxy {
  imageId: string;
  specHash: string;
  config: string;
}

export interface ProxyPlan {
  createNetwork: boolean;
  container: 'create' | 'recreate' | 'start' | 'keep';
  /** Why an existing container is replaced. */
  recreateBecause?: 'network' | 'image' | 'settings';
  /** A new container starts with the config in place; an existing one is reloaded only when its config differs. */
  reload: boolean;
}

/** The decision, apart from the Docker calls, so it can be tested on its own. */
export function planProxySync(observed: ObservedProxy, desired: DesiredProxy): ProxyPlan {
  const createNetwork = !observed.networkExists;
  const current = observed.container;
  if (!current) return { createNetwork, container: 'create', reload: false };
  if (createNetwork || !current.onNetwork) return { createNetwork, container: 'recreate', recreateBecause: 'network', reload: false };
  if (current.imageId !== desired.imageId) return { createNetwork, container: 'recreate', recreateBecause: 'image', reload: false };
  if (current.specHash !== desired.specHash) return { createNetwork, container: 'recreate', recreateBecause: 'settings', reload: false };
  return { createNetwork, container: current.running ? 'keep' : 'start', reload: observed.appliedConfig !== desired.config };
}
