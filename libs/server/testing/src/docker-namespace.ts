import { execFileSync } from 'node:child_process';
import { ZPANEL_LABELS, zpanelDockerNames } from '@zpanel/core';

/** Runs the docker CLI against the local engine (the test server's) and gives its trimmed output; throws on failure. */
export function dockerCli(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Removes everything a Zpanel instance created under `namespace` on the test server (this machine's
 * Docker Engine): its containers (the proxy, app containers), their images, volumes (the proxy's
 * certificates) and the network. Objects of other namespaces, and everything unlabelled, stay.
 */
export function removeDockerNamespace(namespace: string): void {
  const label = `label=${ZPANEL_LABELS.namespace}=${namespace}`;
  const list = (...args: string[]) =>
    dockerCli(...args)
      .split('\n')
      .filter(Boolean);
  const containers = list('ps', '-aq', '--filter', label);
  if (containers.length) dockerCli('rm', '-f', '-v', ...containers);
  // An image built FROM another of the namespace's images pins its parent until it is gone itself:
  // remove one by one, in rounds, until nothing of the namespace is left.
  for (let round = 0; round < 5; round += 1) {
    const images = [...new Set(list('images', '-q', '--filter', label))];
    if (images.length === 0) break;
    for (const image of images) {
      try {
        dockerCli('rmi', '-f', image);
      } catch {
        // a child image still uses it: the next round gets it
      }
    }
  }
  const left = list('images', '-q', '--filter', label);
  if (left.length) throw new Error(`images of Docker namespace ${namespace} could not be removed: ${left.join(' ')}`);
  const volumes = list('volume', 'ls', '-q', '--filter', label);
  if (volumes.length) dockerCli('volume', 'rm', '-f', ...volumes);
  try {
    execFileSync('docker', ['network', 'rm', zpanelDockerNames(namespace).network], { stdio: 'ignore' });
  } catch {
    // never created
  }
}
