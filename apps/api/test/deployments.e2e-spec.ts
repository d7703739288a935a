import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import {
  type ApplicationDto,
  type DeploymentDto,
  type DeploymentLiveEvent,
  type DeploymentLogPage,
  type Paginated,
  type ProblemDetails,
} from '@zpanel/contracts';
import { ZPANEL_LABELS } from '@zpanel/core';
import {
  QUICK_HTTP_HEALTH_CHECK,
  connectEvents,
  containerAnswer,
  createApplication,
  deploymentFinished,
  dockerCli,
  liveSubscribe,
  proxyAnswer,
  useGitApplication,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

const BASE_IMAGE = 'zpanel-test/busybox';
const BUILD_SECRET = 'e2e-build-secret-7Qx';
/** Makes the RUN step this run's own: a cached step from an earlier run would print nothing to redact. */
const RUN_NONCE = randomUUID();

const appFiles = (version: string) => ({
  Dockerfile: [
    `FROM ${BASE_IMAGE}`,
    'ARG BUILD_SECRET',
    `RUN echo "run ${RUN_NONCE} using $BUILD_SECRET"`,
    'COPY www /www',
    'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
    '',
  ].join('\n'),
  'www/index.html': version,
});

describe('deployments (built api + worker, the test server)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner } = suite;
  /** The application's page as the world gets it: through the server's Caddy, by its domain. */
  const domain = () => `sample-${suite.stack.dockerNamespace}.deploy-e2e.test`;
  const sample = useGitApplication(suite, 'sample', appFiles('v1'), () => ({
    name: 'sample',
    domains: [domain()],
    healthCheck: QUICK_HTTP_HEALTH_CHECK,
    stopGraceSeconds: 1,
  }));
  /** Runs the local base image; deployed with an image tag, as CI would. */
  let imageApp: ApplicationDto;

  /** The page the deployment's container serves, asked directly on the server's bridge network. */
  const answer = (deployment: DeploymentDto) => containerAnswer(suite.stack, deployment.containerName as string);
  const finished = (id: string) => deploymentFinished(asOwner, id);
  const throughProxy = async () => (await proxyAnswer(suite.stack.proxyHttpPort, domain())).body;

  const logText = async (id: string) =>
    (await asOwner<DeploymentLogPage>('GET', `/api/v1/deployments/${id}/logs?limit=5000`)).body.lines.map((l) => l.line).join('\n');

  beforeAll(async () => {
    await asOwner('PUT', `/api/v1/applications/${sample.app.id}/env/BUILD_SECRET`, { value: BUILD_SECRET, buildTime: true, runtime: false });
    imageApp = await createApplication(asOwner, sample.server.id, {
      name: 'tagged',
      buildPack: 'image',
      imageReference: `${BASE_IMAGE}:latest`,
      port: 8080,
      healthCheck: { type: 'http', path: '/', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 2, retries: 15 },
      stopGraceSeconds: 1,
    });
  });
  // Nothing to clean up here: the stack removes everything its namespace created on the test server when it stops.

  it('deploys, redeploys a changed repository, rolls back without a build, and keeps serving when a health check fails', async () => {
    const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
    try {
      const posted = Date.now();
      const queued = await asOwner<DeploymentDto>('POST', `/api/v1/applications/${sample.app.id}/deployments`, {});
      expect(queued.status).toBe(202);
      expect(queued.body).toMatchObject({ status: 'queued', trigger: 'manual', step: 'queued', applicationId: sample.app.id });
      const live = await liveSubscribe<DeploymentLiveEvent>(socket, { kind: 'deployment-logs', deploymentId: queued.body.id });
      expect(live.result.ok).toBe(true);

      const first = await finished(queued.body.id);
      const firstMs = Date.now() - posted;
      expect(first).toMatchObject({ status: 'success', step: 'done', reason: null, imageKept: true });
      expect(first.commitSha).toMatch(/^[0-9a-f]{40}$/);
      expect(await answer(first)).toBe('v1');
      expect(await throughProxy()).toBe('v1');

      // Every line once, in order, live and stored alike; the secret never in either.
      await waitFor(
        async () => (live.events.some((e) => e.event.type === 'status' && e.event.status === 'success') ? true : undefined),
        10_000,
        'the final status live',
      );
      const stored = (await asOwner<DeploymentLogPage>('GET', `/api/v1/deployments/${first.id}/logs?limit=5000`)).body;
      const liveSeqs = live.events.flatMap((e) => (e.event.type === 'lines' ? e.event.lines.map((l) => l.seq) : []));
      expect(liveSeqs).toEqual(stored.lines.map((l) => l.seq));
      expect(stored.lines.map((l) => l.seq)).toEqual(stored.lines.map((_, i) => i + 1));
      const text = stored.lines.map((l) => l.line).join('\n');
      expect(text).toContain(`run ${RUN_NONCE} using ********`);
      expect(text).not.toContain(BUILD_SECRET);
      const download = await fetch(`${suite.stack.baseUrl}/api/v1/deployments/${first.id}/logs/download`, {
        headers: { authorization: `Bearer ${suite.owner.accessToken}` },
      });
      expect(download.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await download.text()).toBe(`${text}\n`);
      // A late viewer resuming after seq 3 gets the rest, from Postgres.
      const resumed = await liveSubscribe<DeploymentLiveEvent>(socket, { kind: 'deployment-logs', deploymentId: first.id, afterSeq: 3 });
      await waitFor(async () => (resumed.events.some((e) => e.event.type === 'status') ? true : undefined), 10_000, 'the replay');
      expect(resumed.events.flatMap((e) => (e.event.type === 'lines' ? e.event.lines.map((l) => l.seq) : []))).toEqual(
        stored.lines.slice(3).map((l) => l.seq),
      );

      const buildLine = stored.lines.find((l) => l.line.startsWith('==> Building'));
      const claimMs = new Date(first.startedAt as string).getTime() - new Date(first.createdAt).getTime();
      const buildStartMs = new Date(buildLine?.ts as string).getTime() - new Date(first.createdAt).getTime();
      process.stdout.write(`enqueue->claim ${claimMs} ms, enqueue->build start ${buildStartMs} ms, first deploy wall time ${firstMs} ms\n`);

      await sample.repo.commit({ 'www/index.html': 'v2' }, 'v2');
      const redeployStarted = Date.now();
      const second = await finished((await asOwner<DeploymentDto>('POST', `/api/v1/applications/${sample.app.id}/deployments`, {})).body.id);
      const redeployMs = Date.now() - redeployStarted;
      expect(second).toMatchObject({ status: 'success' });
      expect(second.commitSha).not.toBe(first.commitSha);
      expect(await answer(second)).toBe('v2');
      expect(await throughProxy()).toBe('v2');
      process.stdout.write(`cached redeploy wall time ${redeployMs} ms\n`);

      const rollbackStarted = Date.now();
      const rollbackQueued = await asOwner<DeploymentDto>('POST', `/api/v1/deployments/${first.id}/rollback`);
      expect(rollbackQueued.status).toBe(202);
      expect(rollbackQueued.body).toMatchObject({
        trigger: 'rollback',
        sourceDeploymentId: first.id,
        imageTag: first.imageTag,
        commitSha: first.commitSha,
      });
      const rollback = await finished(rollbackQueued.body.id);
      process.stdout.write(`rollback wall time ${Date.now() - rollbackStarted} ms\n`);
      expect(rollback).toMatchObject({ status: 'success', imageTag: first.imageTag });
      expect(await answer(rollback)).toBe('v1');
      expect(await throughProxy()).toBe('v1');
      const rollbackLog = await logText(rollback.id);
      expect(rollbackLog).toContain('no clone, no build');
      expect(rollbackLog).not.toMatch(/==> Building|==> Cloning|Step \d/);

      await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, {
        healthCheck: { type: 'http', path: '/missing', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 2, retries: 2 },
      });
      const broken = await finished((await asOwner<DeploymentDto>('POST', `/api/v1/applications/${sample.app.id}/deployments`, {})).body.id);
      expect(broken).toMatchObject({ status: 'failed', step: 'health', reasonCode: 'health_check.failed' });
      expect(broken.reason).toMatch(/^Health check failed: HTTP GET \/missing/);
      expect(await answer(rollback)).toBe('v1');
      expect(await throughProxy()).toBe('v1');

      // Deploying a given commit builds exactly that commit (a rebuild, not a rollback).
      await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, {
        healthCheck: { type: 'http', path: '/', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 2, retries: 15 },
      });
      const pinned = await finished(
        (await asOwner<DeploymentDto>('POST', `/api/v1/applications/${sample.app.id}/deployments`, { commit: second.commitSha })).body.id,
      );
      expect(pinned).toMatchObject({ status: 'success', commitSha: second.commitSha });
      expect(await throughProxy()).toBe('v2');
      expect(await logText(pinned.id)).toMatch(/==> Building/);

      const list = (await asOwner<Paginated<DeploymentDto>>('GET', `/api/v1/applications/${sample.app.id}/deployments`)).body;
      expect(list.items.map((d) => d.id)).toEqual([pinned.id, broken.id, rollback.id, second.id, first.id]);
      const late = await asOwner<ProblemDetails>('POST', `/api/v1/deployments/${first.id}/cancel`);
      expect(late.status).toBe(409);
      expect((await asOwner<ProblemDetails>('POST', `/api/v1/deployments/${broken.id}/rollback`)).status).toBe(409);
    } finally {
      socket.disconnect();
    }
  });

  it('documents every deployment route in the OpenAPI document, with examples', async () => {
    type Operation = { summary?: string; responses: Record<string, unknown> };
    const doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> };
    };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.includes('/deployments'))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    expect(operations).toHaveLength(7);
    for (const { route, op } of operations) {
      expect({ route, summary: Boolean(op.summary), success: Object.keys(op.responses).some((status) => /^2/.test(status)) }).toEqual({
        route,
        summary: true,
        success: true,
      });
    }
    for (const schema of ['CreateDeploymentDto', 'DeploymentDoc', 'DeploymentLogLineDoc', 'DeploymentActorDoc']) {
      const withoutExample = Object.entries(doc.components.schemas[schema].properties)
        .filter(([, property]) => property.example === undefined && !('$ref' in property) && !('format' in property))
        .map(([name]) => name);
      expect({ schema, withoutExample }).toEqual({ schema, withoutExample: [] });
    }
  });

  it('refuses a commit that is not a hash, naming the field', async () => {
    const refused = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${sample.app.id}/deployments`, { commit: 'main; touch /tmp/pwned' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.map((e) => e.field)).toEqual(['commit']);
  });

  it('deploys an image application with the tag CI pushed in place of the reference’s own', async () => {
    // A second tag of the base image, this stack's own (its namespace label has the stack remove it):
    // unlike :latest it serves a page, so what answers proves which image runs.
    const tag = `ci-${suite.stack.dockerNamespace}.1`;
    const tagged = `${BASE_IMAGE}:${tag}`;
    const page = `tagged ${RUN_NONCE}`;
    execFileSync('docker', ['build', '-q', '-t', tagged, '--label', `${ZPANEL_LABELS.namespace}=${suite.stack.dockerNamespace}`, '-'], {
      input: [
        `FROM ${BASE_IMAGE}:latest`,
        `RUN mkdir /www && echo -n '${page}' > /www/index.html`,
        'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
        '',
      ].join('\n'),
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: ['pipe', 'ignore', 'pipe'],
    });

    const queued = await asOwner<DeploymentDto>('POST', `/api/v1/applications/${imageApp.id}/deployments`, { imageTag: tag });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: 'queued', requestedImageTag: tag, commitSha: null });
    const deployed = await finished(queued.body.id);
    expect(deployed).toMatchObject({ status: 'success', step: 'done', requestedImageTag: tag, imageKept: true });
    expect(await answer(deployed)).toBe(page);
    // The deployment's own image (what a rollback runs again) is built FROM the tagged one.
    const layers = (image: string) => JSON.parse(dockerCli('image', 'inspect', '-f', '{{json .RootFS.Layers}}', image)) as string[];
    expect(layers(deployed.imageTag as string)).toEqual(layers(tagged));
    const log = await logText(deployed.id);
    expect(log).toContain(`==> Image tag ${tag} asked for: running ${tagged} instead of ${BASE_IMAGE}:latest`);
    expect(log).toContain(`==> Using ${tagged} (already on the server)`);
  });

  it('refuses an imageTag that is not a tag, for an application built from git, or beside a commit, naming the field and queueing nothing', async () => {
    const canary = `/tmp/pwned-${suite.stack.dockerNamespace}`;
    const attempts: [ApplicationDto, Record<string, unknown>][] = [
      [imageApp, { imageTag: `latest; touch ${canary}` }],
      [imageApp, { imageTag: `$(touch ${canary})` }],
      [imageApp, { imageTag: 'v1\nRUN touch /tmp/pwned' }],
      [imageApp, { imageTag: '-v1' }],
      [imageApp, { imageTag: 'evil.example.com/x:1' }],
      [imageApp, { imageTag: null }],
      [imageApp, { imageTag: 'v1', commit: 'a'.repeat(40) }],
      [sample.app, { imageTag: 'v1' }],
    ];
    const total = async (application: ApplicationDto) =>
      (await asOwner<Paginated<DeploymentDto>>('GET', `/api/v1/applications/${application.id}/deployments`)).body.total;
    const before = [await total(imageApp), await total(sample.app)];
    for (const [application, body] of attempts) {
      const refused = await asOwner<ProblemDetails>('POST', `/api/v1/applications/${application.id}/deployments`, body);
      expect({ body, status: refused.status, type: refused.headers.get('content-type'), fields: refused.body.errors?.map((e) => e.field) }).toEqual({
        body,
        status: 400,
        type: expect.stringMatching(/^application\/problem\+json/),
        fields: ['imageTag'],
      });
    }
    expect([await total(imageApp), await total(sample.app)]).toEqual(before);
    expect(existsSync(canary)).toBe(false);
  });

  it('supersedes a still-queued deployment with a newer one, and cancels a queued one at once', async () => {
    // A running deployment of the application (as if another worker had it) keeps the next ones queued.
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      const [busy] = (
        await db.query(
          `INSERT INTO "deployments" ("team_id", "application_id", "status", "trigger", "step", "actor_name", "heartbeat_at") VALUES ($1, $2, 'running', 'manual', 'build', 'x', now()) RETURNING "id"`,
          [suite.owner.teamId, sample.app.id],
        )
      ).rows as { id: string }[];
      const a = (await asOwner<DeploymentDto>('POST', `/api/v1/applications/${sample.app.id}/deployments`, {})).body;
      const b = (await asOwner<DeploymentDto>('POST', `/api/v1/applications/${sample.app.id}/deployments`, {})).body;
      expect((await asOwner<DeploymentDto>('GET', `/api/v1/deployments/${a.id}`)).body).toMatchObject({
        status: 'superseded',
        reason: expect.stringContaining(b.id),
        reasonCode: 'deployment.superseded',
      });
      expect((await asOwner<DeploymentDto>('GET', `/api/v1/deployments/${b.id}`)).body.status).toBe('queued');

      const cancelled = await asOwner<DeploymentDto>('POST', `/api/v1/deployments/${b.id}/cancel`);
      expect(cancelled.status).toBe(202);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: 'Cancelled before it started.', reasonCode: 'deployment.cancelled' });
      // No worker reports it: the API told the team, once; the superseded one tells nobody.
      const notified = (
        await db.query(
          `SELECT "subject_id", "kind", "title", "url", "project_id", "environment_id" FROM "notification_events" WHERE "subject_id" = ANY($1)`,
          [[a.id, b.id]],
        )
      ).rows;
      expect(notified).toEqual([
        {
          subject_id: b.id,
          kind: 'deployment.cancelled',
          title: 'Deployment of sample (production) cancelled',
          url: `/applications/${sample.app.id}/deployments/${b.id}`,
          project_id: sample.app.projectId,
          environment_id: sample.app.environmentId,
        },
      ]);
      await db.query(`UPDATE "deployments" SET "status" = 'failed', "finished_at" = now() WHERE "id" = $1`, [busy.id]);
    } finally {
      await db.end();
    }
  });

  it("removes the application's containers and images from the server when the application is deleted", async () => {
    const ofApp = `label=zpanel.application=${sample.app.id}`;
    expect(dockerCli('ps', '-q', '--filter', ofApp)).not.toBe('');
    expect((await asOwner('DELETE', `/api/v1/applications/${sample.app.id}`)).status).toBe(204);
    await waitFor(
      async () => (dockerCli('ps', '-aq', '--filter', ofApp) === '' && dockerCli('images', '-q', '--filter', ofApp) === '' ? true : undefined),
      60_000,
      "the deleted application's containers and images to be removed",
    );
  });
});
