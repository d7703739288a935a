import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  type ApplicationDto,
  type DeploymentDto,
  type Paginated,
  type ProblemDetails,
  type WebhookDeliveryDto,
  type WebhookReceiptDto,
  type WebhookSecretDto,
  type WebhookSettingsDto,
} from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import {
  type WebhookProviderName,
  deploymentFinished,
  githubPingPayload,
  pushPayload,
  sampleAppFiles,
  useGitApplication,
  useOwnedStack,
  webhookHeaders,
} from '@zpanel/testing';

describe('webhooks (built api + worker, the test server)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner } = suite;
  const sample = useGitApplication(suite, 'hooked', sampleAppFiles('v1'), { name: 'hooked', gitBranch: 'main' });
  let secret: string;
  /** The branch's head commit: the first one, until a test commits another. */
  let head: string;

  /** Sends a delivery as the provider would: the exact bytes that were signed. */
  async function deliver(provider: WebhookProviderName, body: string, headers: Record<string, string>) {
    const res = await fetch(`${suite.stack.baseUrl}/webhooks/${provider}`, { method: 'POST', headers, body });
    const text = await res.text();
    return {
      status: res.status,
      text,
      contentType: res.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : undefined) as WebhookReceiptDto & ProblemDetails,
    };
  }

  let pushes = 0;
  /** Each call a new push (its own commit message): the same bytes twice would be a replay. */
  function signedPush(
    provider: WebhookProviderName,
    spec: Partial<Parameters<typeof pushPayload>[1]> = {},
    options: { secret?: string | null; deliveryId?: string } = {},
  ) {
    const body = JSON.stringify(
      pushPayload(provider, {
        repoUrl: sample.repo.url,
        branch: 'main',
        after: head,
        message: `Update ${++pushes}`,
        modified: ['www/index.html'],
        ...spec,
      }),
    );
    return deliver(
      provider,
      body,
      webhookHeaders(provider, body, options.secret === undefined ? secret : options.secret, { deliveryId: options.deliveryId }),
    );
  }

  const deploymentCount = async () =>
    (await asOwner<Paginated<DeploymentDto>>('GET', `/api/v1/applications/${sample.app.id}/deployments?perPage=1`)).body.total;

  beforeAll(() => {
    head = sample.head;
  });

  it('shows the URL per provider, and the secret only once', async () => {
    const before = await asOwner<WebhookSettingsDto>('GET', `/api/v1/applications/${sample.app.id}/webhook`);
    expect(before.body).toEqual({
      applicationId: sample.app.id,
      secretSet: false,
      urls: {
        github: `${suite.stack.baseUrl}/webhooks/github`,
        gitlab: `${suite.stack.baseUrl}/webhooks/gitlab`,
        bitbucket: `${suite.stack.baseUrl}/webhooks/bitbucket`,
        gitea: `${suite.stack.baseUrl}/webhooks/gitea`,
      },
    });

    const rotated = await asOwner<WebhookSecretDto>('POST', `/api/v1/applications/${sample.app.id}/webhook-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookSecret).toMatch(/^zpw_[A-Za-z0-9]{36}$/);
    secret = rotated.body.webhookSecret;

    const after = await asOwner<WebhookSettingsDto>('GET', `/api/v1/applications/${sample.app.id}/webhook`);
    expect(after.body.secretSet).toBe(true);
    expect(after.text).not.toContain(secret);
  });

  it('answers a signed ping with 200', async () => {
    const body = JSON.stringify(githubPingPayload(sample.repo.url));
    const res = await deliver('github', body, webhookHeaders('github', body, secret, { event: 'ping' }));
    expect(res.status).toBe(200);
    expect(res.body.deliveries).toEqual([
      { applicationId: sample.app.id, outcome: 'ignored', reason: expect.stringMatching(/^ping/), deploymentId: null },
    ]);
  });

  it('queues a deployment of the pushed commit for a signed GitHub push, which reaches success; a redelivery answers the same', async () => {
    const deliveryId = randomUUID();
    const started = Date.now();
    const res = await signedPush('github', {}, { deliveryId });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(202);
    expect(elapsed).toBeLessThan(5_000);
    const [delivery] = res.body.deliveries;
    expect(delivery).toMatchObject({ applicationId: sample.app.id, outcome: 'accepted', reason: 'deployed' });
    const deployment = (await asOwner<DeploymentDto>('GET', `/api/v1/deployments/${delivery.deploymentId}`)).body;
    expect(deployment).toMatchObject({ trigger: 'webhook', commitSha: head, actor: { name: 'GitHub webhook', userId: null, tokenId: null } });
    expect(await deploymentFinished(asOwner, deployment.id)).toMatchObject({ status: 'success', reason: null });

    const count = await deploymentCount();
    const again = await signedPush('github', {}, { deliveryId });
    expect(again.status).toBe(202);
    expect(again.body.deliveries).toEqual([{ applicationId: sample.app.id, outcome: 'accepted', reason: 'deployed', deploymentId: deployment.id }]);
    expect(await deploymentCount()).toBe(count);
  });

  it('answers a replay (the same signed body under a new delivery id) without deploying again, logging it as a duplicate', async () => {
    const body = JSON.stringify(
      pushPayload('github', {
        repoUrl: sample.repo.url,
        branch: 'main',
        after: head,
        message: `Replayed ${randomUUID()}`,
        modified: ['www/index.html'],
      }),
    );
    const firstId = randomUUID();
    const first = await deliver('github', body, webhookHeaders('github', body, secret, { deliveryId: firstId }));
    expect(first.body.deliveries[0]).toMatchObject({ outcome: 'accepted', reason: 'deployed' });
    await deploymentFinished(asOwner, first.body.deliveries[0].deploymentId as string);
    const count = await deploymentCount();

    const replayIds = [randomUUID(), randomUUID(), randomUUID()];
    // Sequential and concurrent replays alike: the delivery id is not covered by the signature, the body is.
    const replays = [await deliver('github', body, webhookHeaders('github', body, secret, { deliveryId: replayIds[0] }))];
    replays.push(
      ...(await Promise.all(replayIds.slice(1).map((deliveryId) => deliver('github', body, webhookHeaders('github', body, secret, { deliveryId }))))),
    );
    for (const replay of replays) {
      expect(replay.status).toBe(202);
      expect(replay.body.deliveries).toEqual([
        {
          applicationId: sample.app.id,
          outcome: 'ignored',
          reason: `duplicate: the same signed body was already received as delivery ${firstId}; nothing is deployed again`,
          deploymentId: null,
        },
      ]);
    }
    expect(await deploymentCount()).toBe(count);
    const log = (await asOwner<Paginated<WebhookDeliveryDto>>('GET', `/api/v1/applications/${sample.app.id}/webhook-deliveries?perPage=10`)).body
      .items;
    for (const deliveryId of replayIds)
      expect(log.find((d) => d.deliveryId === deliveryId)).toMatchObject({
        outcome: 'ignored',
        reason: expect.stringMatching(/^duplicate: /),
        deploymentId: null,
      });
  });

  it('refuses a wrong or missing signature with 401 problem+json, queues nothing and logs a rejection', async () => {
    const count = await deploymentCount();
    const marker = `marker-${randomUUID()}`;
    const wrong = await signedPush('github', { message: marker }, { secret: 'zpw_not-the-secret' });
    expect(wrong.status).toBe(401);
    expect(wrong.contentType).toContain('application/problem+json');
    expect(wrong.text).not.toContain(marker);
    const missing = await signedPush('github', { message: marker }, { secret: null });
    expect(missing.status).toBe(401);
    for (const provider of ['gitlab', 'gitea', 'bitbucket'] as const)
      expect((await signedPush(provider, {}, { secret: 'zpw_wrong' })).status).toBe(401);
    expect(await deploymentCount()).toBe(count);

    const log = (await asOwner<Paginated<WebhookDeliveryDto>>('GET', `/api/v1/applications/${sample.app.id}/webhook-deliveries?perPage=50`)).body
      .items;
    const rejected = log.filter((d) => d.outcome === 'rejected');
    expect(rejected.length).toBeGreaterThanOrEqual(5);
    expect(rejected.map((d) => d.reason)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^signature: does not match/),
        expect.stringMatching(/^signature: no x-hub-signature-256 header/),
      ]),
    );
    for (const d of rejected) expect(d.body).toBe('');
  });

  it('keeps answering forged deliveries with 401 but logs a bounded number of them', async () => {
    const rejectedCount = async () =>
      (await asOwner<Paginated<WebhookDeliveryDto>>('GET', `/api/v1/applications/${sample.app.id}/webhook-deliveries?perPage=100`)).body.items.filter(
        (d) => d.outcome === 'rejected',
      ).length;
    const before = await rejectedCount();
    const statuses = new Set<number>();
    for (let i = 0; i < 70; i++) statuses.add((await signedPush('github', {}, { secret: 'zpw_forged' })).status);
    expect([...statuses]).toEqual([401]);
    const after = await rejectedCount();
    expect(after - before).toBeLessThan(70);
    expect(after).toBeLessThanOrEqual(60 + before);
  });

  it('documents the webhook routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
    };
    for (const [path, method] of [
      ['/webhooks/{provider}', 'post'],
      ['/api/v1/applications/{applicationId}/webhook', 'get'],
      ['/api/v1/applications/{applicationId}/webhook-secret', 'post'],
      ['/api/v1/applications/{applicationId}/webhook-deliveries', 'get'],
    ]) {
      const op = doc.paths[path]?.[method];
      expect({ path, summary: Boolean(op?.summary), success: Object.keys(op?.responses ?? {}).some((s) => /^2/.test(s)) }).toEqual({
        path,
        summary: true,
        success: true,
      });
    }
  });

  it('ignores another branch and a skip marker with a reason, queuing nothing', async () => {
    const count = await deploymentCount();
    const other = await signedPush('github', { branch: 'feature/x' });
    expect(other.status).toBe(202);
    expect(other.body.deliveries[0]).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/^branch: pushed to feature\/x/),
      deploymentId: null,
    });
    // GitHub's other content type (a form field holding the JSON) is read too.
    const form = `payload=${encodeURIComponent(JSON.stringify(pushPayload('github', { repoUrl: sample.repo.url, branch: 'feature/form', after: head })))}`;
    const formed = await deliver('github', form, { ...webhookHeaders('github', form, secret), 'content-type': 'application/x-www-form-urlencoded' });
    expect(formed.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^branch: pushed to feature\/form/) });
    const skipped = await signedPush('github', { message: 'Docs [skip ci]' });
    expect(skipped.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: 'skipped: [skip ci] in the head commit message' });
    expect(await deploymentCount()).toBe(count);
  });

  it('answers 202 "no matching application" for an unknown repository, and 413 for an oversized body', async () => {
    const body = JSON.stringify(pushPayload('github', { repoUrl: 'https://git.example.com/nobody/nothing.git', branch: 'main', after: head }));
    const res = await deliver('github', body, webhookHeaders('github', body, secret));
    expect(res.status).toBe(202);
    expect(res.body.deliveries).toEqual([{ applicationId: null, outcome: 'ignored', reason: 'no matching application', deploymentId: null }]);

    const huge = await deliver('github', 'x'.repeat(2 * 1024 * 1024), webhookHeaders('github', '', secret));
    expect(huge.status).toBe(413);
    expect(huge.contentType).toContain('application/problem+json');
  });

  it('honours watch paths, validated on the application', async () => {
    const invalid = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: ['../outside/**'] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.map((e) => e.field)).toContain('watchPaths');

    expect((await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: ['src/**'] })).status).toBe(200);
    const count = await deploymentCount();
    const unwatched = await signedPush('github', { modified: ['www/index.html'] });
    expect(unwatched.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^watch paths:/) });
    expect(await deploymentCount()).toBe(count);

    expect((await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: ['www/**', 'Dockerfile'] })).status).toBe(200);
    const watched = await signedPush('github', { modified: ['www/index.html'] });
    expect(watched.body.deliveries[0]).toMatchObject({ outcome: 'accepted' });
    await deploymentFinished(asOwner, watched.body.deliveries[0].deploymentId as string);
    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: [] });
  });

  it('supports {a,b}, [ab] and ! in watch paths (a file counts when it matches a pattern without ! and none with !), and refuses malformed globs at save', async () => {
    for (const [watchPaths, message] of [
      [['{src,www'], /^watchPaths\[0\] must be a valid glob: it has a \{ without its \}/],
      [['!www/**'], /^watchPaths needs a pattern without !/],
      [['{..,www}/x'], /^watchPaths\[0\] must be a relative path glob/],
    ] as const) {
      const refused = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors).toEqual([{ field: 'watchPaths', message: expect.stringMatching(message) }]);
    }

    const saved = await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${sample.app.id}`, {
      watchPaths: ['{src,www}/**', '!www/docs/**', '[Dd]ockerfile'],
    });
    expect(saved.status).toBe(200);
    expect(saved.body.watchPaths).toEqual(['{src,www}/**', '!www/docs/**', '[Dd]ockerfile']);
    const count = await deploymentCount();
    const excluded = await signedPush('github', { modified: ['www/docs/readme.md', 'README.md'] });
    expect(excluded.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^watch paths:/) });
    expect(await deploymentCount()).toBe(count);
    const watched = await signedPush('github', { modified: ['www/docs/readme.md', 'dockerfile'] });
    expect(watched.body.deliveries[0]).toMatchObject({ outcome: 'accepted' });
    await deploymentFinished(asOwner, watched.body.deliveries[0].deploymentId as string);
    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: [] });
  });

  it('keeps answering other requests while it compares a hostile watch path with a hostile changed file', async () => {
    // A backtracking RegExp takes seconds per changed file here (22 s for one file was seen); the automaton a moment.
    expect((await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: ['*a*a*a*a*a*a*c'] })).status).toBe(200);
    let processed = false;
    const delivery = signedPush('github', { modified: ['a'.repeat(80), `${'a'.repeat(79)}/${'a'.repeat(80)}`] }).finally(() => {
      processed = true;
    });
    // Health is asked while the delivery is handled (at least once, more if the handling takes a while); each answer must come promptly.
    const waits: number[] = [];
    do {
      const asked = Date.now();
      const health = await fetch(`${suite.stack.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      waits.push(Date.now() - asked);
    } while (!processed);
    expect(Math.max(...waits)).toBeLessThan(2_000);
    expect((await delivery).body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^watch paths:/) });
    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: [] });
  });

  it('deploys a pushed tag that matches deployTags (fetching the tag, annotated or not), and ignores other tags', async () => {
    const invalid = await asOwner<ProblemDetails>('PATCH', `/api/v1/applications/${sample.app.id}`, { deployTags: '-v*; touch /tmp/pwned' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.map((e) => e.field)).toEqual(['deployTags']);
    expect((await asOwner<ApplicationDto>('PATCH', `/api/v1/applications/${sample.app.id}`, { deployTags: 'v*' })).body.deployTags).toBe('v*');

    const release = await sample.repo.tag('v2.0.0', { annotated: true });
    const res = await signedPush('github', { ref: 'refs/tags/v2.0.0', after: release.object, message: 'Release 2.0.0' });
    expect(res.status).toBe(202);
    expect(res.body.deliveries[0]).toMatchObject({ outcome: 'accepted', reason: 'deployed: tag v2.0.0' });
    const deployment = await deploymentFinished(asOwner, res.body.deliveries[0].deploymentId as string);
    expect(deployment).toMatchObject({ status: 'success', gitTag: 'v2.0.0', commitSha: release.commit, trigger: 'webhook' });

    const count = await deploymentCount();
    const nightly = await signedPush('github', { ref: 'refs/tags/nightly', after: release.commit });
    expect(nightly.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: 'tag: nightly does not match the application’s deployTags v*' });
    expect(await deploymentCount()).toBe(count);
    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { deployTags: null });
    const off = await signedPush('github', { ref: 'refs/tags/v2.0.0', after: release.object });
    expect(off.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/^tag: tag pushes do not deploy/) });
  });

  it.each(['gitlab', 'gitea', 'bitbucket'] as const)('queues a deployment for a signed %s push', async (provider) => {
    head = await sample.repo.commit(sampleAppFiles(`${provider} ${randomUUID()}`), provider);
    const res = await signedPush(provider);
    expect(res.status).toBe(202);
    expect(res.body.deliveries[0]).toMatchObject({ applicationId: sample.app.id, outcome: 'accepted' });
    const deployment = await deploymentFinished(asOwner, res.body.deliveries[0].deploymentId as string);
    expect(deployment).toMatchObject({ trigger: 'webhook', commitSha: head, status: 'success' });
  });

  it('takes injection payloads in branch names, repository URLs, commit messages and file paths as data: nothing runs, nothing is queued for invalid refs', async () => {
    const canary = `/tmp/zpanel-webhook-pwned-${randomUUID()}`;
    const payloads = injectionPayloads(canary);
    const count = await deploymentCount();
    for (const value of payloads) {
      const branch = await signedPush('github', { branch: value });
      expect(branch.status).toBe(202);
      expect(branch.body.deliveries[0]).toMatchObject({ outcome: 'ignored', deploymentId: null });

      const payload = pushPayload('github', { repoUrl: sample.repo.url, branch: 'main', after: head });
      payload.repository = {
        ...(payload.repository as object),
        clone_url: value,
        ssh_url: `${sample.repo.url}${value}`,
        html_url: value,
        git_url: value,
        url: value,
      };
      const body = JSON.stringify(payload);
      const repoUrl = await deliver('github', body, webhookHeaders('github', body, secret));
      expect(repoUrl.status).toBe(202);
      expect(repoUrl.body.deliveries[0]).toMatchObject({ applicationId: null, reason: 'no matching application' });

      const commit = await signedPush('github', { after: value.slice(0, 200) });
      expect(commit.body.deliveries[0]).toMatchObject({ outcome: 'ignored', reason: 'commit: the pushed commit is not a valid commit hash' });
    }
    expect(await deploymentCount()).toBe(count);

    // Messages and file paths only ever reach the skip-marker check and the glob matcher.
    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: ['www/**'] });
    const files = await signedPush('github', { message: payloads.join('\n'), modified: payloads, added: payloads.map((p) => `www/${p}`) });
    expect(files.body.deliveries[0]).toMatchObject({ outcome: 'accepted' });
    await deploymentFinished(asOwner, files.body.deliveries[0].deploymentId as string);
    await asOwner('PATCH', `/api/v1/applications/${sample.app.id}`, { watchPaths: [] });
    expect(existsSync(canary)).toBe(false);
  });
});
