import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZPANEL_LABELS, zpanelDockerNames } from '@zpanel/core';
import { type PooledTarget, SshPool, dockerOverSsh, releaseDocker } from '@zpanel/remote';
import { testSshTarget } from '@zpanel/testing';
import type Docker from 'dockerode';
import { cleanUpApplication } from './application-cleanup';
import { DockerDeploymentOps } from './docker-deployment-ops';

describe('cleaning up a deleted application on the test server', () => {
  const names = zpanelDockerNames(`zt-${randomBytes(3).toString('hex')}`);
  const pool = new SshPool();
  let docker: Docker;
  let context: string;
  const t = testSshTarget();
  const target: PooledTarget = {
    id: 'application-cleanup-int-spec',
    host: t.host,
    port: t.port,
    username: t.username,
    privateKey: readFileSync(t.privateKeyPath),
  };

  const labels = (applicationId: string, deploymentId: string, role: string) => ({
    [ZPANEL_LABELS.namespace]: names.namespace,
    [ZPANEL_LABELS.application]: applicationId,
    [ZPANEL_LABELS.deployment]: deploymentId,
    [ZPANEL_LABELS.role]: role,
  });

  /** A deployed-looking app: a labelled image and a running container from it, as the pipeline makes them. */
  async function deployed(applicationId: string, app: string): Promise<{ container: string; image: string; volume: string }> {
    const ops = new DockerDeploymentOps(docker, names, applicationId);
    const deploymentId = randomUUID();
    const image = names.appImage(app, deploymentId);
    await ops.buildImage(
      {
        contextDir: context,
        dockerfile: 'Dockerfile',
        target: null,
        buildArgs: {},
        tag: image,
        labels: labels(applicationId, deploymentId, 'app-image'),
      },
      () => undefined,
      new AbortController().signal,
    );
    const container = names.appContainer(app, deploymentId);
    await ops.startContainer({
      name: container,
      image,
      env: [],
      labels: labels(applicationId, deploymentId, 'app'),
      restartPolicy: 'no',
      cpuLimit: null,
      memoryLimitMb: null,
      stopGraceSeconds: 1,
      port: 8080,
      mounts: {
        volumes: [
          {
            dockerName: names.appVolume(applicationId, 'data'),
            mountPath: '/data',
            labels: { ...volumeLabels, [ZPANEL_LABELS.application]: applicationId },
          },
        ],
        binds: [],
        files: [],
      },
    });
    return { container, image, volume: names.appVolume(applicationId, 'data') };
  }

  const volumeLabels = { [ZPANEL_LABELS.namespace]: names.namespace, [ZPANEL_LABELS.volume]: 'data', [ZPANEL_LABELS.role]: 'volume' };

  const exists = async (what: 'container' | 'image' | 'volume', name: string) => {
    try {
      await (what === 'container'
        ? docker.getContainer(name).inspect()
        : what === 'image'
          ? docker.getImage(name).inspect()
          : docker.getVolume(name).inspect());
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    docker = dockerOverSsh(pool.streams(target));
    context = await mkdtemp(join(tmpdir(), 'zp-cleanup-'));
    await writeFile(join(context, 'Dockerfile'), 'FROM zpanel-test/busybox\nCMD ["sleep", "3600"]\n');
    await new DockerDeploymentOps(docker, names, 'setup').ensureNetwork();
  });

  afterAll(async () => {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${ZPANEL_LABELS.namespace}=${names.namespace}`] } }))
      await docker.getContainer(c.Id).remove({ force: true });
    for (const i of await docker.listImages({ filters: { label: [`${ZPANEL_LABELS.namespace}=${names.namespace}`] } }))
      await docker
        .getImage(i.Id)
        .remove({ force: true })
        .catch(() => undefined);
    for (const v of (await docker.listVolumes({ filters: { label: [`${ZPANEL_LABELS.namespace}=${names.namespace}`] } })).Volumes ?? [])
      await docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined);
    await docker
      .getNetwork(names.network)
      .remove()
      .catch(() => undefined);
    releaseDocker(docker);
    pool.close();
    await rm(context, { recursive: true, force: true });
  });

  it("removes the application's containers and images, and nothing of another application", async () => {
    const goneApp = randomUUID();
    const keptApp = randomUUID();
    const gone = await deployed(goneApp, 'gone');
    const kept = await deployed(keptApp, 'kept');

    const outcome = await cleanUpApplication(new DockerDeploymentOps(docker, names, goneApp), 1);

    expect(outcome).toEqual({ containers: 1, images: 1, imagesKept: 0 });
    expect([await exists('container', gone.container), await exists('image', gone.image)]).toEqual([false, false]);
    expect([await exists('container', kept.container), await exists('image', kept.image)]).toEqual([true, true]);
    // Its named volume stays unless asked for (listed as orphaned): asked, it goes, and nothing of the other application's.
    expect(await exists('volume', gone.volume)).toBe(true);
    expect(await cleanUpApplication(new DockerDeploymentOps(docker, names, goneApp), 1, { deleteVolumes: true })).toEqual({
      containers: 0,
      images: 0,
      imagesKept: 0,
      volumes: 1,
    });
    expect([await exists('volume', gone.volume), await exists('volume', kept.volume)]).toEqual([false, true]);
    // Done twice (a retried job) it finds nothing left and fails nothing.
    expect(await cleanUpApplication(new DockerDeploymentOps(docker, names, goneApp), 1)).toEqual({ containers: 0, images: 0, imagesKept: 0 });
  });
});
