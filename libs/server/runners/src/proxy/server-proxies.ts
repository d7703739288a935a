import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig, zpanelDockerNames } from '@zpanel/core';
import { DockerProxyConfigurator, type PooledTarget, type ProxyConfigurator, type ProxySettings, releaseDocker } from '@zpanel/remote';
import { WorkerSshPool } from '../servers/ssh-pool.provider';

/** The instance's proxy settings (config `PROXY_*`, `DOCKER_NAMESPACE`). */
export function proxySettingsFrom(config: AppConfig): ProxySettings {
  return {
    names: zpanelDockerNames(config.docker.namespace),
    image: config.proxy.image,
    httpPort: config.proxy.httpPort,
    httpsPort: config.proxy.httpsPort,
    https: config.proxy.https,
  };
}

/**
 * Makes the configurator a proxy sync uses, over the worker's pooled connection; `release` closes the
 * Docker client's keep-alive channels when the sync is done. Tests substitute another.
 */
@Injectable()
export class ServerProxies {
  private readonly settings: ProxySettings;

  constructor(
    private readonly pool: WorkerSshPool,
    @InjectConfig() config: AppConfig,
  ) {
    this.settings = proxySettingsFrom(config);
  }

  open(target: PooledTarget): { proxy: ProxyConfigurator; release: () => void } {
    const docker = this.pool.docker(target);
    return { proxy: new DockerProxyConfigurator(docker, this.settings), release: () => releaseDocker(docker) };
  }
}
