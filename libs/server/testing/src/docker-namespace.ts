import { execFileSync } from 'node:child_process';
import { ZPANEL_LABELS, zpanelDockerNames } from '@zpanel/core';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Removes everything a Zpanel instance created under `namespace` on the test server (this machine's
 * Docker Engine): its containers (the proxy, app containers), their images, volumes (the proxy's
 * certificates) and the network. Objects of other namespaces, and everything unlabelled, stay.
 */
export function removeDockerNamespace(namespace: string): void {
  const label = `label=${ZPANEL_LABELS.namespace}=${namespace}`;
  const list = (...args: string[]) => docker(...args).split('\n').filter(Boolean);
  const containers = list('ps', '-aq', '--filter', label);
  if (containers.length) docker('rm', '-f', '-v', ...containers);
  const images = list('images', '-q', '--filter', label);
  if (images.length) docker('rmi', '-f', ...new Set(images));
  const volumes = list('volume', 'ls', '-q', '--filter', label);
  if (volumes.length) docker('volume', 'rm', '-f', ...volumes);
  try {
    execFileSync('docker', ['network', 'rm', zpanelDockerNames(namespace).network], { stdio: 'ignore' });
  } catch {
    // never created
  }
}
