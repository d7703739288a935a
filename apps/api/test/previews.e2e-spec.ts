import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type {
  ApplicationDto,
  DeploymentDto,
  EnvVarDto,
  Paginated,
  PreviewDto,
  ProblemDetails,
  WebhookDeliveryDto,
  WebhookReceiptDto,
} from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { Client } from 'pg';
import {
  type PullRequestSpec,
  deploymentFinished,
  dockerCli,
  proxyAnswer,
  proxyStopsAnswering,
  pullRequestDelivery,
  sampleAppFiles,
  useGitApplication,
  useOwnedStack,
  waitFor,
  webhookHeaders,
} from '@zpanel/testing';

/** The app serves its version at / and, from a build-time variable, the greeting it was built with. */
const files = (version: string) => sampleAppFiles(version, ['ARG GREETING=unset', 'RUN mkdir -p /www && echo "$GREETING" > /www/greeting.txt']);

describe('preview deployments (built api + worker, the test server, its Caddy)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner } = suite;
  const sample = useGitApplication(suite, 'previewed', files('main-v1'), { name: 'previewed', gitBranch: 'main' });
  let secret: string;
  const previewDomain = () => `pv-${suite.stack.dockerNamespace}.previews-e2e.test`;

  async function deliverPull(
    provider: 'github' | 'gitlab' | 'gitea',
    spec: Partial<PullRequestSpec> & Pick<PullRequestSpec, 'number' | 'action' | 'headSha'>,
    deliveryId?: string,
  ) {
    const { payload, event } = pullRequestDelivery(provider, {
      repoUrl: sample.repo.url,
      baseBranch: 'main',
      headBranch: `feature/${spec.number}`,
      ...spec,
    });
    const body = JSON.stringify(payload);
    const res = await fetch(`${suite.stack.baseUrl}/webhooks/${provider}`, {
      method: 'POST',
      headers: webhookHeaders(provider, body, secret, { event, deliveryId }),
      body,
    });
    return { status: res.status, body: (await res.json()) as WebhookReceiptDto };
  }

  const previews = async () => (await asOwner<Paginated<PreviewDto>>('GET', `/api/v1/applications/${sample.app.id}/previews`)).body;
  const answer = async (host: string, path = '/') => (await proxyAnswer(suite.stack.proxyHttpPort, host, { path })).body.trim();
  const gone = (host: string) => proxyStopsAnswering(suite.stack.proxyHttpPort, host);
  const leftOnServer = (applicationId: string) => {
    const label = `label=zpanel.application=${applicationId}`;
    return dockerCli('ps', '-aq', '--filter', label) + dockerCli('images', '-q', '--filter', label);
  };

  beforeAll(async () => {
    secret = (await asOwner<{ webhookSecret: string }>('POST', `/api/v1/applications/${sample.app.id}/webhook-secret`)).body.webhookSecret;
    await asOwner('PUT', `/api/v1/applications/${sample.app.id}/env/GREETING`, { value: 'from the application', buildTime: true, runtime: false });
    const first = await asOwner<DeploymentDto>('POST', `/api/v1/applications/${sample.app.id}/deployments`, { commit: sample.head });
    expect(await deploymentFinished(asOwner, first.body.id)).toMatchObject({ status: 'success' });
  });

  it('validates the preview settings, naming the field and changing nothing', async () => {
    const missing = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${sample.app.id}`, { previewsEnabled: true });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ field: 'previewDomain', message: 'previewDomain is required to turn previews on' }]);
    for (const previewDomain of ['*.example.com', 'localhost', 'a b.example.com', '$(touch /tmp/pwned).example.com', 'x'.repeat(250)]) {
      const bad = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${sample.app.id}`, { previewsEnabled: true, previewDomain });
      expect({ previewDomain, status: bad.status, fields: bad.body.errors?.map((e) => e.field) }).toEqual({
        previewDomain,
        status: 400,
        fields: ['previewDomain'],
      });
    }
    expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${sample.app.id}`)).body).toMatchObject({
      previewsEnabled: false,
      previewDomain: null,
      previewForks: false,
      previewOf: null,
    });

    const ok = await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${sample.app.id}`, {
      previewsEnabled: true,
      previewDomain: previewDomain().toUpperCase(),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ previewsEnabled: true, previewDomain: previewDomain(), previewForks: false });
    const override = await asOwner<EnvVarDto>('PUT', `/api/v1/applications/${sample.app.id}/preview-env/GREETING`, {
      value: 'from the preview',
      buildTime: true,
      runtime: false,
    });
    expect(override.body).toMatchObject({ scope: 'preview', key: 'GREETING', value: 'from the preview' });
  });

  it('ignores pull requests while previews are off, against another branch, and from forks, creating nothing', async () => {
    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { previewsEnabled: false });
    const head = await sample.repo.pullRequest('refs/pull/5/head', files('pr5'), 'pr 5');
    expect((await deliverPull('github', { number: 5, action: 'opened', headSha: head })).body.deliveries[0]).toMatchObject({
      outcome: 'ignored',
      reason: 'previews: pull request previews are off for this application',
    });
    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { previewsEnabled: true });
    const other = await deliverPull('github', { number: 5, action: 'opened', headSha: head, baseBranch: 'develop' });
    expect(other.status).toBe(202);
    expect(other.body.deliveries[0]).toMatchObject({
      outcome: 'ignored',
      reason: 'branch: the pull request targets develop, the application deploys main',
      deploymentId: null,
    });
    const fork = await deliverPull('github', { number: 5, action: 'opened', headSha: head, fork: true });
    expect(fork.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^fork: /) });
    expect((await previews()).total).toBe(0);
  });

  it('deploys an opened pull request to pr-<n>.<preview domain> through Caddy with the preview overrides, updates it on new commits, and answers a redelivery with the same deployment', async () => {
    const v1 = await sample.repo.pullRequest('refs/pull/7/head', files('pr7-v1'), 'pr 7');
    const deliveryId = randomUUID();
    const opened = await deliverPull('github', { number: 7, action: 'opened', headSha: v1, title: 'Add the cart' }, deliveryId);
    expect(opened.status).toBe(202);
    const domain = `pr-7.${previewDomain()}`;
    expect(opened.body.deliveries[0]).toMatchObject({
      applicationId: sample.app.id,
      outcome: 'accepted',
      reason: `preview deployed: #7 at ${domain}`,
    });
    const firstId = opened.body.deliveries[0].deploymentId as string;
    const first = await deploymentFinished(asOwner, firstId);
    expect(first).toMatchObject({ status: 'success', commitSha: v1, trigger: 'webhook', actor: { name: 'GitHub webhook (pull request #7)' } });
    expect(await answer(domain)).toBe('pr7-v1');
    expect(await answer(domain, '/greeting.txt')).toBe('from the preview');
    // The pull request deployed the preview only: the application's own deployments are as they were.
    expect((await asOwner<Paginated<DeploymentDto>>('GET', `/api/v1/applications/${sample.app.id}/deployments`)).body.total).toBe(1);

    const again = await deliverPull('github', { number: 7, action: 'opened', headSha: v1, title: 'Add the cart' }, deliveryId);
    expect(again.body.deliveries[0].deploymentId).toBe(firstId);
    // The application's delivery log says whose deployment it is (the preview's), so it can link there.
    const logged = (await asOwner<Paginated<WebhookDeliveryDto>>('GET', `/api/v1/applications/${sample.app.id}/webhook-deliveries`)).body.items.find(
      (d) => d.deploymentId === firstId,
    );
    expect(logged).toMatchObject({ event: 'pull_request', outcome: 'accepted', deploymentApplicationId: (await previews()).items[0].id });

    const listed = await previews();
    expect(listed.items).toEqual([
      expect.objectContaining({
        applicationId: sample.app.id,
        provider: 'github',
        number: 7,
        title: 'Add the cart',
        headBranch: 'feature/7',
        fork: false,
        domain,
        commitSha: v1,
        link: `${sample.repo.url.replace(/\.git$/, '')}/pull/7`,
        latestDeployment: expect.objectContaining({ id: firstId, status: 'success', commitSha: v1 }),
      }),
    ]);
    // A preview is not listed among the team's applications, and follows its application's settings.
    const apps = (await asOwner<Paginated<ApplicationDto>>('GET', '/api/v1/applications?perPage=100')).body;
    expect(apps.items.map((a) => a.id)).toEqual([sample.app.id]);
    const preview = (await asOwner<ApplicationDto>('GET', `/api/v1/applications/${listed.items[0].id}`)).body;
    expect(preview).toMatchObject({ name: 'previewed-pr-7', previewOf: { applicationId: sample.app.id, number: 7 }, domains: [domain] });
    const patched = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${preview.id}`, { port: 9090 });
    expect(patched.status).toBe(409);
    expect((await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { stopGraceSeconds: 2 })).status).toBe(200);
    expect((await asOwner<ApplicationDto>('GET', `/api/v1/applications/${preview.id}`)).body.stopGraceSeconds).toBe(2);

    const v2 = await sample.repo.pullRequest('refs/pull/7/head', files('pr7-v2'), 'pr 7 again');
    const synced = await deliverPull('github', { number: 7, action: 'synchronize', headSha: v2 });
    expect(synced.body.deliveries[0]).toMatchObject({ outcome: 'accepted' });
    expect(await deploymentFinished(asOwner, synced.body.deliveries[0].deploymentId as string)).toMatchObject({ status: 'success', commitSha: v2 });
    expect(await answer(domain)).toBe('pr7-v2');
  });

  it('removes the preview when the pull request is closed: route, container and images', async () => {
    const [preview] = (await previews()).items;
    const domain = preview.domain;
    expect(leftOnServer(preview.id)).not.toBe('');
    const closed = await deliverPull('github', { number: 7, action: 'closed', headSha: preview.commitSha as string });
    expect(closed.status).toBe(202);
    expect(closed.body.deliveries[0]).toMatchObject({ outcome: 'accepted', reason: `preview removed: #7 closed (${domain})`, deploymentId: null });
    await gone(domain);
    await waitFor(async () => (leftOnServer(preview.id) === '' ? true : undefined), 60_000, "the preview's containers and images to be removed");
    expect((await previews()).total).toBe(0);
    expect((await asOwner('GET', `/api/v1/applications/${preview.id}`)).status).toBe(404);
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      const removed = (
        await db.query(`SELECT "kind", "title", "url", "message" FROM "notification_events" WHERE "subject_id" = $1 AND "kind" = 'preview.removed'`, [
          preview.id,
        ])
      ).rows;
      expect(removed).toEqual([
        expect.objectContaining({
          kind: 'preview.removed',
          title: 'Preview #7 of previewed (production) removed',
          url: `/applications/${preview.applicationId}/previews`,
        }),
      ]);
      expect(removed[0].message).toContain('its pull request was closed');
    } finally {
      await db.end();
    }
    // Closed again (a new event: the same bytes again would be answered as a replay).
    const twice = await deliverPull('github', {
      number: 7,
      action: 'closed',
      headSha: preview.commitSha as string,
      title: 'Add the cart (closed again)',
    });
    expect(twice.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: 'pull request: #7 closed, and it has no preview' });
  });

  it('deploys a GitLab merge request (refs/merge-requests/<iid>/head) and a Gitea pull request, and removes them on merge and by hand', async () => {
    const lab = await sample.repo.pullRequest('refs/merge-requests/12/head', files('mr12'), 'mr 12');
    const opened = await deliverPull('gitlab', { number: 12, action: 'open', headSha: lab });
    expect(opened.body.deliveries[0]).toMatchObject({ outcome: 'accepted', reason: `preview deployed: #12 at pr-12.${previewDomain()}` });
    expect(await deploymentFinished(asOwner, opened.body.deliveries[0].deploymentId as string)).toMatchObject({ status: 'success', commitSha: lab });
    expect(await answer(`pr-12.${previewDomain()}`)).toBe('mr12');

    const tea = await sample.repo.pullRequest('refs/pull/13/head', files('pr13'), 'pr 13');
    const gitea = await deliverPull('gitea', { number: 13, action: 'opened', headSha: tea });
    expect(await deploymentFinished(asOwner, gitea.body.deliveries[0].deploymentId as string)).toMatchObject({ status: 'success' });
    expect(await answer(`pr-13.${previewDomain()}`)).toBe('pr13');

    const merged = await deliverPull('gitlab', { number: 12, action: 'merge', headSha: lab });
    expect(merged.body.deliveries[0]).toMatchObject({ outcome: 'accepted', reason: expect.stringMatching(/^preview removed: #12 merge/) });
    await gone(`pr-12.${previewDomain()}`);

    const [left] = (await previews()).items;
    expect(left).toMatchObject({ number: 13, provider: 'gitea' });
    expect((await asOwner('DELETE', `/api/v1/applications/${sample.app.id}/previews/${randomUUID()}`)).status).toBe(404);
    expect((await asOwner('DELETE', `/api/v1/applications/${sample.app.id}/previews/${left.id}`)).status).toBe(204);
    await gone(`pr-13.${previewDomain()}`);
    await waitFor(async () => (leftOnServer(left.id) === '' ? true : undefined), 60_000, "the removed preview's containers and images to be removed");
  });

  it('takes injection payloads in pull request branches, titles and commits as data: nothing runs', async () => {
    const canary = `/tmp/zpanel-preview-pwned-${randomUUID()}`;
    const payloads = injectionPayloads(canary);
    const head = await sample.repo.pullRequest('refs/pull/21/head', files('pr21'), 'pr 21');
    for (const value of payloads) {
      const base = await deliverPull('github', { number: 21, action: 'opened', headSha: head, baseBranch: value });
      expect(base.body.deliveries[0]).toMatchObject({ outcome: 'ignored', deploymentId: null });
      const commit = await deliverPull('github', { number: 21, action: 'opened', headSha: value.slice(0, 200) });
      expect(commit.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: 'commit: the pull request’s head is not a valid commit hash' });
    }
    expect((await previews()).total).toBe(0);
    // Titles and head branch names are only stored and shown.
    const shown = await deliverPull('github', {
      number: 21,
      action: 'opened',
      headSha: head,
      title: payloads.join(' ').slice(0, 250),
      headBranch: payloads[0],
    });
    expect(shown.body.deliveries[0]).toMatchObject({ outcome: 'accepted' });
    expect(await deploymentFinished(asOwner, shown.body.deliveries[0].deploymentId as string)).toMatchObject({ status: 'success' });
    expect((await previews()).items[0]).toMatchObject({ number: 21, headBranch: payloads[0] });
    expect(existsSync(canary)).toBe(false);
  });

  it('moves previews to a new preview domain, and removes them when previews are turned off', async () => {
    const [preview] = (await previews()).items;
    const moved = `pv2-${suite.stack.dockerNamespace}.previews-e2e.test`;
    expect((await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { previewDomain: moved })).status).toBe(200);
    expect((await previews()).items[0].domain).toBe(`pr-21.${moved}`);
    expect(await answer(`pr-21.${moved}`)).toBe('pr21');
    await gone(preview.domain);

    expect((await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { previewsEnabled: false })).status).toBe(200);
    expect((await previews()).total).toBe(0);
    await gone(`pr-21.${moved}`);
    await waitFor(
      async () => (leftOnServer(preview.id) === '' ? true : undefined),
      60_000,
      'the previews to be removed when previews are turned off',
    );

    expect((await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { previewsEnabled: true, previewDomain: previewDomain() })).status).toBe(
      200,
    );
    const head = await sample.repo.pullRequest('refs/pull/22/head', files('pr22'), 'pr 22');
    const opened = await deliverPull('github', { number: 22, action: 'opened', headSha: head });
    expect(await deploymentFinished(asOwner, opened.body.deliveries[0].deploymentId as string)).toMatchObject({ status: 'success' });
  });

  it('holds at most 25 previews per application: a pull request past that is ignored, saying why', async () => {
    const [open] = (await previews()).items;
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      // Previews as earlier pull requests would have left them (no containers: only the count matters here).
      await db.query(
        `INSERT INTO applications (team_id, project_id, environment_id, server_id, name, build_pack, git_url, git_branch, port, health_check, keep_images, preview_of_id, preview_number, preview_provider, preview_ref)
         SELECT team_id, project_id, environment_id, server_id, 'filler-pr-' || n, build_pack, git_url, git_branch, port, health_check, 1, preview_of_id, n, 'github', 'refs/pull/' || n || '/head'
         FROM applications, generate_series(101, 124) AS n WHERE id = $1`,
        [open.id],
      );
      expect((await previews()).total).toBe(25);
      const head = await sample.repo.pullRequest('refs/pull/40/head', files('pr40'), 'pr 40');
      const refused = await deliverPull('github', { number: 40, action: 'opened', headSha: head });
      expect(refused.status).toBe(202);
      expect(refused.body.deliveries[0]).toMatchObject({
        outcome: 'ignored',
        deploymentId: null,
        reason: expect.stringContaining('already has 25 previews'),
      });
      // An open one still updates.
      const again = await sample.repo.pullRequest('refs/pull/22/head', files('pr22 again'), 'pr 22 again');
      const updated = await deliverPull('github', { number: 22, action: 'synchronize', headSha: again });
      expect(await deploymentFinished(asOwner, updated.body.deliveries[0].deploymentId as string)).toMatchObject({
        status: 'success',
        commitSha: again,
      });
    } finally {
      await db.query(`DELETE FROM applications WHERE name LIKE 'filler-pr-%'`);
      await db.end();
    }
  });

  it("removes the application's previews with it", async () => {
    const [preview] = (await previews()).items;
    expect(leftOnServer(preview.id)).not.toBe('');
    expect((await asOwner('DELETE', `/api/v1/applications/${sample.app.id}`)).status).toBe(204);
    await waitFor(
      async () => (leftOnServer(preview.id) === '' && leftOnServer(sample.app.id) === '' ? true : undefined),
      60_000,
      'the application and its preview to be removed from the server',
    );
    await gone(preview.domain);
  });

  it('documents the preview routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    for (const [path, method] of [
      ['/api/v1/applications/{applicationId}/previews', 'get'],
      ['/api/v1/applications/{applicationId}/previews/{previewId}', 'delete'],
      ['/api/v1/applications/{applicationId}/preview-env', 'get'],
      ['/api/v1/applications/{applicationId}/preview-env', 'put'],
      ['/api/v1/applications/{applicationId}/preview-env/{key}', 'put'],
      ['/api/v1/applications/{applicationId}/preview-env/{key}', 'delete'],
    ]) {
      expect({ path, method, summary: Boolean(doc.paths[path]?.[method]?.summary) }).toEqual({ path, method, summary: true });
    }
  });
});
