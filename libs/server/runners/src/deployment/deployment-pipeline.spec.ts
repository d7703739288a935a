import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentLogLine, DeploymentStep } from '@zpanel/contracts';
import { APPLICATION_DEFAULTS } from '@zpanel/contracts';
import { generateSshKeyPair, injectionPayloads, knownHostsFingerprints, zpanelDockerNames } from '@zpanel/core';
import { DeploymentLog, Redactor } from './deployment-log';
import { type AbortReason, DeploymentPipeline, type PipelineApplication, type PipelineInput } from './deployment-pipeline';
import { FakeDeploymentOps, FakeHealthProber } from './fake-deployment-ops';
import { type GitCloneSpec, GitHostKeyChangedError, type SourceCheckout, type SourceFetcher } from './git-source';

const names = zpanelDockerNames('zt-unit');
const OLD_ID = '11111111-1111-4111-8111-111111111111';
const NEW_ID = '22222222-2222-4222-8222-222222222222';
const HOST_KEY_LINE = `git.example.com ${generateSshKeyPair('host').publicKey.split(' ').slice(0, 2).join(' ')}`;

const application = (overrides: Partial<PipelineApplication> = {}): PipelineApplication => ({
  id: '33333333-3333-4333-8333-333333333333',
  name: 'shop',
  buildPack: 'dockerfile',
  gitUrl: 'https://git.example.com/shop.git',
  gitBranch: 'main',
  dockerfilePath: 'Dockerfile',
  buildTarget: null,
  baseDirectory: '.',
  imageReference: null,
  port: 8080,
  healthCheck: { ...APPLICATION_DEFAULTS.healthCheck, startPeriodSeconds: 0, retries: 3 },
  restartPolicy: 'unless-stopped',
  cpuLimit: 0.5,
  memoryLimitMb: 256,
  stopGraceSeconds: 7,
  keepImages: 2,
  ...overrides,
});

let workDir: string;

/** A checkout with a Dockerfile, like git would leave it. */
class FakeSource implements SourceFetcher {
  checkouts = 0;
  specs: GitCloneSpec[] = [];
  learnedHostKey: string | null = null;
  failWith: Error | null = null;
  async checkout(spec: GitCloneSpec): Promise<SourceCheckout> {
    this.specs.push(spec);
    if (this.failWith) throw this.failWith;
    this.checkouts += 1;
    const dir = join(workDir, `checkout-${this.checkouts}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'Dockerfile'), 'FROM base\n');
    return { dir, sha: 'a'.repeat(40), learnedHostKey: this.learnedHostKey, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
}

function setup(options: { healthy?: (ip: string, attempt: number) => boolean } = {}) {
  const ops = new FakeDeploymentOps();
  const health = new FakeHealthProber(options.healthy);
  const source = new FakeSource();
  const stored: DeploymentLogLine[] = [];
  const log = new DeploymentLog(
    { store: async (lines) => void stored.push(...lines), publish: async () => undefined },
    new Redactor(['s3cret-value']),
    { batchMs: 1 },
  );
  const steps: DeploymentStep[] = [];
  const pinned: string[] = [];
  const abort = new AbortController();
  let slotsHeld = 0;
  const pipeline = new DeploymentPipeline({
    names,
    ops,
    source,
    health,
    log,
    enterStep: async (step) => void steps.push(step),
    pinGitHostKey: async (knownHosts) => void pinned.push(knownHosts),
    acquireBuildSlot: async () => {
      slotsHeld += 1;
      return async () => void (slotsHeld -= 1);
    },
    signal: abort.signal,
    sleep: async () => undefined,
    drainMs: 0,
  });
  const run = async (input: Partial<PipelineInput> = {}) => {
    const result = await pipeline.run({
      deploymentId: NEW_ID,
      application: application(),
      commit: null,
      imageTag: null,
      rollbackImage: null,
      buildArgs: {},
      runtimeEnv: [],
      deployKey: null,
      gitHostKey: null,
      gitToken: null,
      ...input,
    });
    await log.flush();
    return result;
  };
  return { ops, health, source, stored, steps, pinned, abort, run, slots: () => slotsHeld, text: () => stored.map((l) => l.line).join('\n') };
}

const alias = names.appAlias('shop');
const oldContainer = names.appContainer('shop', OLD_ID);
const newContainer = names.appContainer('shop', NEW_ID);

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'zpanel-pipeline-spec-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe(DeploymentPipeline.name, () => {
  describe('run', () => {
    it('pins the git host key learned at the first clone and says which key it is', async () => {
      const t = setup();
      t.source.learnedHostKey = HOST_KEY_LINE;
      const result = await t.run();
      expect(result.status).toBe('success');
      expect(t.source.specs[0].hostKey).toBeNull();
      expect(t.pinned).toEqual([HOST_KEY_LINE]);
      expect(t.text()).toContain(`Pinned the git host's key at first use: ${knownHostsFingerprints(HOST_KEY_LINE)[0]}`);
    });

    it('passes the pinned key to the clone and pins nothing more', async () => {
      const t = setup();
      await t.run({ gitHostKey: HOST_KEY_LINE });
      expect(t.source.specs[0].hostKey).toBe(HOST_KEY_LINE);
      expect(t.pinned).toEqual([]);
    });

    it("fails with a reason the user can act on when the git host's key changed", async () => {
      const t = setup();
      t.source.failWith = new GitHostKeyChangedError();
      const result = await t.run({ gitHostKey: HOST_KEY_LINE });
      expect(result).toMatchObject({ status: 'failed', step: 'source', reasonCode: 'git.host_key_changed' });
      expect(result.reason).toMatch(/^The git host's key changed; .*forget the pinned host key/);
      expect(t.ops.builds).toEqual([]);
    });

    it('builds, starts, checks, gives the new container the alias before it retires the old one, then prunes', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      t.ops.addImage(names.appImage('shop', OLD_ID), OLD_ID);

      const result = await t.run({ runtimeEnv: [['MESSAGE', 'a "quoted" $HOME\nsecond line']] });

      expect(result).toMatchObject({
        status: 'success',
        step: 'done',
        reason: null,
        reasonCode: null,
        commitSha: 'a'.repeat(40),
        imageTag: names.appImage('shop', NEW_ID),
        containerName: newContainer,
      });
      expect(t.steps).toEqual(['source', 'build', 'start', 'health', 'promote', 'retire', 'prune', 'done']);
      const promote = t.ops.calls.indexOf(`addAlias ${newContainer} ${alias}`);
      const retire = t.ops.calls.indexOf(`retireContainer ${oldContainer} 7`);
      expect(promote).toBeGreaterThan(-1);
      expect(retire).toBeGreaterThan(promote);
      expect(t.ops.answering(alias)).toEqual([newContainer]);
      // Byte-exact: one `KEY=value` entry, nothing parsed or quoted.
      expect(t.ops.containers.get(newContainer)?.spec.env).toEqual(['MESSAGE=a "quoted" $HOME\nsecond line']);
      expect(t.ops.containers.get(newContainer)?.spec).toMatchObject({ cpuLimit: 0.5, memoryLimitMb: 256, stopGraceSeconds: 7, port: 8080 });
      // The image's labels are the same for every deployment (a redeploy stays cached); the tag and the container name it.
      expect(t.ops.builds[0]).toMatchObject({
        tag: names.appImage('shop', NEW_ID),
        labels: { 'zpanel.namespace': 'zt-unit', 'zpanel.application': application().id, 'zpanel.role': 'app-image' },
      });
      expect(t.ops.builds[0].labels).not.toHaveProperty('zpanel.deployment');
      expect(t.ops.containers.get(newContainer)?.spec.labels).toMatchObject({ 'zpanel.deployment': NEW_ID, 'zpanel.role': 'app' });
      expect(t.health.probes[0]).toMatch(/^tcp 172\.30\.0\.\d+:8080$/);
      expect(t.slots()).toBe(0);
    });

    it('keeps the old container serving when the health check fails, and removes the new one', async () => {
      const t = setup({ healthy: () => false });
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);

      const result = await t.run();

      expect(result.status).toBe('failed');
      expect(result.step).toBe('health');
      expect(result.reasonCode).toBe('health_check.failed');
      expect(result.reason).toMatch(/^Health check failed: TCP port 8080 did not pass after 3 tries \(last: connection refused on port 8080\)/);
      expect(t.ops.answering(alias)).toEqual([oldContainer]);
      expect(t.ops.containers.has(newContainer)).toBe(false);
      expect(t.ops.calls).not.toContain(`addAlias ${newContainer} ${alias}`);
      expect(t.ops.calls.some((c) => c.startsWith('retireContainer'))).toBe(false);
      expect(t.text()).toContain('app: listening failed');
      expect(t.text()).toContain('the previous one keeps serving');
    });

    it('fails fast when the new container exits, with its last lines in the log', async () => {
      const t = setup();
      t.ops.exitAfterStart = true;
      const result = await t.run();
      expect(result).toMatchObject({ status: 'failed', step: 'health', reason: 'The new container stopped before it was healthy (exit code 1).' });
      expect(t.health.probes).toEqual([]);
    });

    it('leaves the old container untouched when the build fails, and starts nothing', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      t.ops.failOn.add('buildImage');

      const result = await t.run();

      expect(result).toMatchObject({ status: 'failed', step: 'build', reasonCode: 'build.failed' });
      expect(result.reason).toMatch(/^The build failed: buildImage failed/);
      expect(t.ops.calls.some((c) => c.startsWith('startContainer') || c.startsWith('removeContainer') || c.startsWith('retireContainer'))).toBe(
        false,
      );
      expect(t.ops.answering(alias)).toEqual([oldContainer]);
      expect(t.slots()).toBe(0);
    });

    it('removes the new container when starting it half-fails, and keeps the old one', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      t.ops.failOn.add('addAlias');
      const result = await t.run();
      // Docker's own words, shown as the log shows them, under the code for a step's unclassified error.
      expect(result).toMatchObject({ status: 'failed', step: 'promote', reasonCode: 'deployment.step_failed' });
      expect(t.ops.calls).toContain(`removeContainer ${newContainer}`);
      expect(t.ops.answering(alias)).toEqual([oldContainer]);
    });

    it('stops a cancelled build and starts nothing', async () => {
      const t = setup();
      t.ops.onBuild = () => t.abort.abort('cancelled' satisfies AbortReason);
      const result = await t.run();
      expect(result).toMatchObject({ status: 'cancelled', step: 'build', reason: 'Cancelled.', reasonCode: 'deployment.cancelled' });
      expect(t.ops.calls.some((c) => c.startsWith('startContainer'))).toBe(false);
    });

    it('calls a deployment that outran its time limit failed, naming the step', async () => {
      const t = setup();
      t.ops.onBuild = () => t.abort.abort('timeout' satisfies AbortReason);
      const result = await t.run();
      expect(result).toMatchObject({ status: 'failed', step: 'build', reason: 'Timed out during build.', reasonCode: 'deployment.timed_out' });
    });

    it('rolls back with the kept image: no clone, no build, and the log says so', async () => {
      const t = setup();
      const kept = names.appImage('shop', OLD_ID);
      t.ops.addImage(kept, OLD_ID);
      const result = await t.run({ rollbackImage: kept });
      expect(result).toMatchObject({ status: 'success', imageTag: kept });
      expect(t.source.checkouts).toBe(0);
      expect(t.ops.builds).toEqual([]);
      expect(t.steps).toEqual(['start', 'health', 'promote', 'retire', 'prune', 'done']);
      expect(t.text()).toContain('no clone, no build');
      expect(t.ops.containers.get(newContainer)?.spec.image).toBe(kept);
    });

    it('refuses a rollback whose image is gone', async () => {
      const t = setup();
      const result = await t.run({ rollbackImage: names.appImage('shop', OLD_ID) });
      expect(result.status).toBe('failed');
      expect(result.reason).toMatch(/no longer on the server/);
    });

    const ids = Array.from({ length: 6 }, (_, i) => `aaaaaaaa-0000-4000-8000-00000000000${i + 1}`);
    const tag = (id: string) => names.appImage('shop', id);
    /** Successful deployments, newest first, each with the tag it ran. */
    const history = (...deploymentIds: string[]) => deploymentIds.map((id) => ({ deploymentId: id, imageTag: tag(id) }));

    it('prunes only its own labelled images beyond keepImages, never the live one or others', async () => {
      const t = setup();
      for (const id of ids.slice(0, 3)) t.ops.addImage(tag(id), id);
      t.ops.addImage('postgres:16', null);

      const result = await t.run({ liveHistory: history(ids[2], ids[1], ids[0]) });

      // keepImages 2: the new image and the newest previous one stay.
      expect(result.prunedImageTags.sort()).toEqual([tag(ids[0]), tag(ids[1])].sort());
      expect([...t.ops.images.keys()].sort()).toEqual([tag(NEW_ID), tag(ids[2]), 'postgres:16'].sort());
    });

    it('keeps the images of the last live deployments: builds that never went live are not counted and go', async () => {
      const t = setup();
      // ids[0] was live; ids[1] and ids[2] built images that failed their health check.
      for (const id of ids.slice(0, 3)) t.ops.addImage(tag(id), id);

      const result = await t.run({ liveHistory: history(ids[0]) });

      expect(result.status).toBe('success');
      expect([...t.ops.images.keys()].sort()).toEqual([tag(NEW_ID), tag(ids[0])].sort());
      expect(result.prunedImageTags.sort()).toEqual([tag(ids[1]), tag(ids[2])].sort());
    });

    it('never prunes the image live before this deployment, even with keepImages 1, nor the one a rollback runs', async () => {
      const t = setup();
      for (const id of ids.slice(0, 2)) t.ops.addImage(tag(id), id);
      const deployed = await t.run({ application: application({ keepImages: 1 }), liveHistory: history(ids[1], ids[0]) });
      expect(deployed.prunedImageTags).toEqual([tag(ids[0])]);
      expect([...t.ops.images.keys()].sort()).toEqual([tag(NEW_ID), tag(ids[1])].sort());

      // Rolling back to ids[1]: its image runs, the one live before (NEW_ID's) stays.
      const r = setup();
      for (const id of [ids[1], NEW_ID]) r.ops.addImage(tag(id), id);
      const rolledBack = await r.run({
        application: application({ keepImages: 1 }),
        rollbackImage: tag(ids[1]),
        liveHistory: history(NEW_ID, ids[1]),
      });
      expect(rolledBack).toMatchObject({ status: 'success', prunedImageTags: [] });
      expect([...r.ops.images.keys()].sort()).toEqual([tag(NEW_ID), tag(ids[1])].sort());
    });

    it('counts images, not tags, and keeps one tag per kept image: cached redeploys leave no pile of tags', async () => {
      const t = setup();
      // Image A (deployment 1), image B (deployments 2 and 3: the second a cached rebuild), image C (4 and 5).
      t.ops.addImage(tag(ids[0]), ids[0], 'sha256:a');
      t.ops.addImage(tag(ids[1]), ids[1], 'sha256:b');
      t.ops.addImage(tag(ids[2]), ids[2], 'sha256:b');
      t.ops.addImage(tag(ids[3]), ids[3], 'sha256:c');
      t.ops.addImage(tag(ids[4]), ids[4], 'sha256:c');
      // This deployment rebuilds C from the cache: still image C, under a third tag.
      t.ops.nextBuildImageId = 'sha256:c';

      const result = await t.run({ liveHistory: history(ids[4], ids[3], ids[2], ids[1], ids[0]) });

      // keepImages 2: the live image C (under this deployment's tag only) and B (under its newest live tag); A goes.
      expect([...t.ops.images.keys()].sort()).toEqual([tag(NEW_ID), tag(ids[2])].sort());
      expect(result.prunedImageTags.sort()).toEqual([tag(ids[0]), tag(ids[1]), tag(ids[3]), tag(ids[4])].sort());
      expect(t.text()).toContain(`Removed the extra tag ${tag(ids[4])} (the same image is kept under another)`);
    });

    it('reports the image of a rollback that is gone, so every deployment that ran it is marked', async () => {
      const t = setup();
      const result = await t.run({ rollbackImage: tag(ids[0]) });
      expect(result).toMatchObject({ status: 'failed', prunedImageTags: [tag(ids[0])] });
    });

    it('pulls an image reference only when the server lacks it, and wraps it in a labelled image of its own', async () => {
      const t = setup();
      const app = application({ buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: 'registry.example.com/shop:1.2' });
      await t.run({ application: app });
      expect(t.ops.calls).toContain('pullImage registry.example.com/shop:1.2');
      expect(t.ops.builds[0]).toMatchObject({ tag: names.appImage('shop', NEW_ID), dockerfile: 'Dockerfile', target: null });

      const again = setup();
      again.ops.addImage('registry.example.com/shop:1.2', null);
      await again.run({ application: app });
      expect(again.ops.calls.some((c) => c.startsWith('pullImage'))).toBe(false);
    });

    it('runs the image reference with the tag asked for in place of its own tag or digest, pulling it when the server lacks it', async () => {
      const t = setup();
      const froms: string[] = [];
      t.ops.onBuild = () => froms.push(readFileSync(join(t.ops.builds[t.ops.builds.length - 1].contextDir, 'Dockerfile'), 'utf8'));
      const result = await t.run({
        application: application({ buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: 'localhost:5000/shop:latest' }),
        imageTag: 'v1.4.2',
      });
      expect(result).toMatchObject({ status: 'success', imageTag: names.appImage('shop', NEW_ID) });
      expect(t.ops.calls).toContain('pullImage localhost:5000/shop:v1.4.2');
      expect(t.ops.calls.some((c) => c.includes('shop:latest'))).toBe(false);
      expect(froms).toEqual(['FROM localhost:5000/shop:v1.4.2\n']);
      expect(t.text()).toContain('==> Image tag v1.4.2 asked for: running localhost:5000/shop:v1.4.2 instead of localhost:5000/shop:latest');

      const digest = setup();
      digest.ops.addImage('ghcr.io/acme/web:v2', null);
      await digest.run({
        application: application({ buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: `ghcr.io/acme/web@sha256:${'b'.repeat(64)}` }),
        imageTag: 'v2',
      });
      expect(digest.ops.calls).toContain('imageExists ghcr.io/acme/web:v2');
      expect(digest.ops.calls.some((c) => c.startsWith('pullImage'))).toBe(false);
      expect(digest.text()).toContain('==> Using ghcr.io/acme/web:v2 (already on the server)');
    });

    it('refuses an image tag that is not one before anything reaches Docker, whatever the API let through', async () => {
      const app = application({ buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: 'registry.example.com/shop:1.2' });
      for (const imageTag of [...injectionPayloads('/tmp/pwned'), 'v1\nRUN touch /tmp/pwned', '']) {
        const t = setup();
        const result = await t.run({ application: app, imageTag });
        expect(result).toMatchObject({
          status: 'failed',
          step: 'source',
          reason: expect.stringMatching(/^The image tag cannot be used: the image tag must be/),
        });
        expect(t.ops.calls.filter((c) => /^(imageExists|pullImage|buildImage|startContainer)/.test(c))).toEqual([]);
        expect(t.slots()).toBe(0);
      }
    });

    it('fails a deployment that asked for an image tag when the application now builds from git, cloning nothing', async () => {
      const t = setup();
      const result = await t.run({ imageTag: 'v1.4.2' });
      expect(result).toMatchObject({ status: 'failed', step: 'source', reason: expect.stringContaining('now built from a git repository') });
      expect(t.source.specs).toEqual([]);
    });

    it('rolls back a deployment that ran a requested tag with its kept image: no pull, no build', async () => {
      const t = setup();
      const kept = names.appImage('shop', OLD_ID);
      t.ops.addImage(kept, OLD_ID);
      const app = application({ buildPack: 'image', gitUrl: null, gitBranch: null, imageReference: 'registry.example.com/shop:latest' });
      const result = await t.run({ application: app, imageTag: 'v1.4.2', rollbackImage: kept });
      expect(result).toMatchObject({ status: 'success', imageTag: kept });
      expect(t.ops.calls.filter((c) => /^(pullImage|buildImage)/.test(c))).toEqual([]);
      expect(t.ops.containers.get(newContainer)?.spec.image).toBe(kept);
    });

    it('redacts secret values from every line it logs', async () => {
      const t = setup();
      t.ops.buildOutput = ['RUN echo s3cret-value', 'done'];
      await t.run();
      expect(t.text()).toContain('RUN echo ********');
      expect(t.text()).not.toContain('s3cret-value');
    });
  });

  describe('mounts and the deploy strategy', () => {
    const volumeName = names.appVolume('33333333-3333-4333-8333-333333333333', 'data');

    it('mounts the named volume under the name derived from the application, with its labels, and the resolved bind path', async () => {
      const t = setup();
      t.ops.hostPaths.set('/srv/data', '/srv/data');
      t.ops.hostPaths.set('/srv/data/uploads', '/srv/data/uploads');
      const result = await t.run({
        allowedBindRoots: ['/srv/data'],
        teamId: '44444444-4444-4444-8444-444444444444',
        mounts: [
          { kind: 'volume', name: 'data', mountPath: '/var/lib/app' },
          { kind: 'bind', hostPath: '/srv/data/uploads', mountPath: '/uploads', readOnly: true },
          { kind: 'file', mountPath: '/etc/app/config.yml', content: 'listen: 8080\n' },
        ],
      });
      expect(result.status).toBe('success');
      expect(t.ops.containers.get(newContainer)?.spec.mounts).toEqual({
        volumes: [
          {
            dockerName: volumeName,
            mountPath: '/var/lib/app',
            labels: {
              'zpanel.namespace': 'zt-unit',
              'zpanel.application': '33333333-3333-4333-8333-333333333333',
              'zpanel.volume': 'data',
              'zpanel.role': 'volume',
              'zpanel.team': '44444444-4444-4444-8444-444444444444',
            },
          },
        ],
        binds: [{ source: '/srv/data/uploads', mountPath: '/uploads', readOnly: true }],
        files: [{ path: '/etc/app/config.yml', content: Buffer.from('listen: 8080\n') }],
      });
    });

    it('refuses a bind mount whose host path a symbolic link takes out of the allowed root, keeping the old container serving', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      t.ops.hostPaths.set('/srv/data', '/srv/data');
      t.ops.hostPaths.set('/srv/data/escape', '/etc');
      const result = await t.run({
        allowedBindRoots: ['/srv/data'],
        application: application({ deployStrategy: 'recreate' }),
        mounts: [{ kind: 'bind', hostPath: '/srv/data/escape', mountPath: '/host', readOnly: false }],
      });
      expect(result).toMatchObject({ status: 'failed', step: 'start', reasonCode: 'mount.path_outside' });
      expect(result.reason).toContain('/etc');
      // Refused before anything stopped, even with recreate.
      expect(t.ops.answering(alias)).toEqual([oldContainer]);
      expect(t.ops.calls.filter((c) => c.startsWith('startContainer') || c.startsWith('retireContainer'))).toEqual([]);
    });

    it('refuses an allowed root that itself resolves into a denied path, and a host path that is missing', async () => {
      const linkedRoot = setup();
      linkedRoot.ops.hostPaths.set('/srv/data', '/var/lib/docker');
      linkedRoot.ops.hostPaths.set('/srv/data/x', '/var/lib/docker/x');
      const refused = await linkedRoot.run({
        allowedBindRoots: ['/srv/data'],
        mounts: [{ kind: 'bind', hostPath: '/srv/data/x', mountPath: '/x', readOnly: false }],
      });
      expect(refused).toMatchObject({ status: 'failed', reasonCode: 'mount.path_outside' });

      const missing = setup();
      const gone = await missing.run({
        allowedBindRoots: ['/srv/data'],
        mounts: [{ kind: 'bind', hostPath: '/srv/data/none', mountPath: '/x', readOnly: false }],
      });
      expect(gone).toMatchObject({ status: 'failed', reasonCode: 'mount.path_missing' });
    });

    it.each([
      ['a root no longer allowed', { hostPath: '/srv/data/x', roots: ['/srv/other'] }],
      ['a denied host path', { hostPath: '/var/run/docker.sock', roots: ['/var/run'] }],
      ['a hostile host path', { hostPath: '/srv/data/$(touch /tmp/zp-canary)', roots: ['/srv/data'] }],
    ])('checks a stored bind mount again before resolving anything: %s', async (_what, { hostPath, roots }) => {
      const t = setup();
      const result = await t.run({ allowedBindRoots: roots, mounts: [{ kind: 'bind', hostPath, mountPath: '/x', readOnly: false }] });
      expect(result).toMatchObject({ status: 'failed', reasonCode: 'mount.invalid' });
      expect(t.ops.calls.filter((c) => c.startsWith('resolveHostPath'))).toEqual([]);
    });

    it.each(injectionPayloads('/tmp/zp-canary-mounts').map((p, i) => [i, p] as const))(
      'refuses hostile stored mount path #%i before anything reaches the server',
      async (_i, payload) => {
        const t = setup();
        const result = await t.run({
          mounts: [
            { kind: 'volume', name: 'data', mountPath: `/data/${payload}` },
            { kind: 'file', mountPath: `/${payload}`, content: 'x' },
          ],
        });
        expect(result).toMatchObject({ status: 'failed', reasonCode: 'mount.invalid' });
        expect(t.ops.calls.filter((c) => c.startsWith('startContainer') || c.startsWith('resolveHostPath'))).toEqual([]);
      },
    );

    it('refuses a stored volume name off its allowlist', async () => {
      const t = setup();
      const result = await t.run({ mounts: [{ kind: 'volume', name: '../../etc', mountPath: '/data' }] });
      expect(result).toMatchObject({ status: 'failed', reasonCode: 'mount.invalid' });
    });

    it('rolling (the default) starts the new container beside the old one and stops the old one after promote', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      await t.run();
      const order = t.ops.calls.filter((c) => /^(startContainer|retireContainer|addAlias)/.test(c));
      expect(order).toEqual([`startContainer ${newContainer}`, `addAlias ${newContainer} ${alias}`, `retireContainer ${oldContainer} 7`]);
    });

    it('makes the old container refuse new connections after the drain, before it is stopped', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      const result = await t.run();
      expect(result.status).toBe('success');
      const order = t.ops.calls.filter((c) => /^(addAlias|refuseNewConnections|retireContainer)/.test(c));
      expect(order).toEqual([`addAlias ${newContainer} ${alias}`, `refuseNewConnections ${oldContainer}`, `retireContainer ${oldContainer} 7`]);
      expect(t.text()).toContain(`==> ${oldContainer} refuses new connections; the ones it holds go on`);
      expect(t.text()).not.toContain('could not be made to refuse');
    });

    it('still stops the old container when it cannot be made to refuse new connections, and says so', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      t.ops.refuseProblems.set(oldContainer, 'iptables in its network namespace failed: Permission denied');
      const result = await t.run();
      expect(result.status).toBe('success');
      expect(t.ops.calls).toContain(`retireContainer ${oldContainer} 7`);
      expect(t.text()).toContain(
        `warning: ${oldContainer} could not be made to refuse new connections before it stops (iptables in its network namespace failed: Permission denied)`,
      );
    });

    it('does not ask a stopped old container to refuse connections, and removes it', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      (t.ops.containers.get(oldContainer) as { running: boolean }).running = false;
      await t.run();
      expect(t.ops.calls.filter((c) => c.startsWith('refuseNewConnections'))).toEqual([]);
      expect(t.ops.calls).toContain(`retireContainer ${oldContainer} 7`);
    });

    it('recreate stops the old container before the new one starts, and says the application is down meanwhile', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      const result = await t.run({ application: application({ deployStrategy: 'recreate' }) });
      expect(result.status).toBe('success');
      const order = t.ops.calls.filter((c) => /^(buildImage|startContainer|retireContainer|addAlias)/.test(c));
      expect(order).toEqual([
        `buildImage ${names.appImage('shop', NEW_ID)}`,
        `retireContainer ${oldContainer} 7`,
        `startContainer ${newContainer}`,
        `addAlias ${newContainer} ${alias}`,
      ]);
      expect(t.text()).toContain('down until the new one is healthy');
    });

    it('recreate keeps the old container when the build fails (nothing is stopped before the start step)', async () => {
      const t = setup();
      t.ops.addRunning(oldContainer, names.appImage('shop', OLD_ID), alias, OLD_ID);
      t.ops.failOn.add('buildImage');
      const result = await t.run({ application: application({ deployStrategy: 'recreate' }) });
      expect(result).toMatchObject({ status: 'failed', step: 'build' });
      expect(t.ops.answering(alias)).toEqual([oldContainer]);
    });
  });
});
