import type { DeploymentOps } from './deployment-ops';

export interface CleanupOutcome {
  containers: number;
  images: number;
  /** Tags Docker refused to remove (another container still uses the image). */
  imagesKept: number;
  /** Named volumes removed (only when asked to). */
  volumes?: number;
}

/**
 * Removes everything a deleted application left on its server: its containers (stopped with the
 * app's grace period, so in-flight requests finish), then its images, and its named volumes only
 * with `deleteVolumes`. `ops` is scoped to the
 * application by labels, so nothing of another application or instance is ever touched.
 */
export async function cleanUpApplication(
  ops: Pick<DeploymentOps, 'appContainers' | 'retireContainer' | 'appImages' | 'removeImage' | 'removeAppVolumes'>,
  stopGraceSeconds: number,
  options: { deleteVolumes?: boolean } = {},
): Promise<CleanupOutcome> {
  const containers = await ops.appContainers();
  await Promise.all(containers.map((c) => ops.retireContainer(c.name, c.running ? stopGraceSeconds : 0)));
  let images = 0;
  let imagesKept = 0;
  for (const image of await ops.appImages()) {
    if (await ops.removeImage(image.reference)) images += 1;
    else imagesKept += 1;
  }
  // Volumes last: the containers that mounted them are gone by now. Kept unless asked (listed as orphaned).
  if (options.deleteVolumes) return { containers: containers.length, images, imagesKept, volumes: await ops.removeAppVolumes() };
  return { containers: containers.length, images, imagesKept };
}
