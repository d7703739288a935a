// Deployments, measured on the test server through a whole Zpanel stack (the built API and worker,
// started here with an environment of their own), each figure beside a baseline measured in the same
// run (docs/testing.md "Benchmarks"):
//   a. wall time of a cached redeploy of the sample app, next to a plain script doing the same work
//      (clone, docker build, run, health check, alias swap, drain, stop the old one, prune) on the
//      server with the docker CLI: target ratio under 1.2;
//   b. enqueue-to-start latency over many deployments, from the API's `createdAt` to the claim
//      (`startedAt`) and to the pipeline's first log line: target p99 under 100 ms;
//   c. log line latency from the worker (the line's timestamp) to 200 socket clients: target p99
//      under 100 ms.
// Nothing here passes or fails on speed: the table says whether each target was met.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { median, ms, progress } from './bench-figures.mjs';

const require = createRequire(import.meta.url);
// @zpanel/testing compiled by scripts/bench.sh: the same stack, fixtures and clients as the e2e tests.
const testing = require('../dist/bench/libs/server/testing/src');
const { DEPLOYMENT_TIMINGS } = require('../dist/apps/worker/libs/server/runners/src/deployment/deployment-run.handler');

const REDEPLOY_RUNS = Number(process.env.BENCH_REDEPLOY_RUNS ?? 5);
const LATENCY_DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 100);
const LOG_CLIENTS = Number(process.env.BENCH_LOG_CLIENTS ?? 200);
const LOG_LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000);
/** Lines printed per second by the log bench's build step (busybox usleep between lines). */
const LOG_LINES_PER_SECOND = 100;
const HEALTH_CHECK = { type: 'http', path: '/', startPeriodSeconds: 0, intervalSeconds: 1, timeoutSeconds: 2, retries: 15 };
const STOP_GRACE_SECONDS = 1;
const KEEP_IMAGES = 3;

// What the Jest global setup gives a test run: a run id, the admin database, a Redis prefix, a key.
testing.setUpBenchEnvironment();

const sorted = (values) => [...values].sort((a, b) => a - b);
const quantile = (values, q) => {
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

/** Runs a bash script on the test server over SSH; resolves to its stdout. */
const onServer = testing.runOnTestServer;

/**
 * The plain script: what Zpanel's pipeline does for a redeploy, by hand on the server. It times
 * itself (SSH login excluded) and prints the milliseconds.
 */
const PLAIN_REDEPLOY = `
set -euo pipefail
repo=$1 branch=$2 network=$3 alias=$4 name=$5 image=$6 old=$7 drain_ms=$8 namespace=$9 keep=\${10} grace=\${11}
start=$(date +%s%N)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet --single-branch --branch "$branch" -- "$repo" "$work/src"
docker build -q -t "$image" --label "zpanel.namespace=$namespace" --label zpanel.role=bench-baseline "$work/src" >/dev/null
docker run -d --init --name "$name" --network "$network" --label "zpanel.namespace=$namespace" --restart unless-stopped --stop-timeout "$grace" "$image" >/dev/null
ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \\"$network\\").IPAddress}}" "$name")
healthy=
for try in $(seq 1 ${HEALTH_CHECK.retries}); do
  if curl -fsS -o /dev/null -m ${HEALTH_CHECK.timeoutSeconds} "http://$ip:8080${HEALTH_CHECK.path}"; then healthy=1; break; fi
  sleep ${HEALTH_CHECK.intervalSeconds}
done
[ -n "$healthy" ] || { echo "health check failed" >&2; exit 1; }
docker network disconnect "$network" "$name"
docker network connect --alias "$alias" "$network" "$name"
if [ -n "$old" ]; then
  sleep "$(awk "BEGIN { print $drain_ms / 1000 }")"
  docker stop -t "$grace" "$old" >/dev/null
  docker rm "$old" >/dev/null
fi
docker images --filter label=zpanel.role=bench-baseline --filter "label=zpanel.namespace=$namespace" --format '{{.Repository}}:{{.Tag}}' | tail -n +$((keep + 1)) | xargs -r docker rmi >/dev/null
end=$(date +%s%N)
echo $(( (end - start) / 1000000 ))
`;

/** Resolves when the deployment's live status says it finished (the SPA's view of "done"). */
function watchFinish(socket, deploymentId) {
  return new Promise((resolve, reject) => {
    testing
      .liveSubscribe(socket, { kind: 'deployment-logs', deploymentId })
      .then((sub) => {
        if (!sub.result.ok) return reject(new Error(`subscribe refused: ${sub.result.message}`));
        const check = () => {
          const done = sub.events.find((e) => e.event.type === 'status' && !['queued', 'running'].includes(e.event.status));
          if (done) {
            socket.off('live:event', check);
            // A connection holds at most 50 subscriptions: give this one back.
            socket.emit('live:unsubscribe', sub.subscriptionId);
            resolve({ at: Date.now(), status: done.event.status, reason: done.event.reason });
          }
        };
        socket.on('live:event', check);
        check();
      })
      .catch(reject);
  });
}

async function main() {
  const loadBefore = loadavg()[0];
  const stack = await testing.startStack({ worker: true, env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' } });
  const repos = [];
  const sockets = [];
  try {
    const { owner, asOwner } = await testing.lastingOwner(stack);
    progress('stack up; validating the test server');
    const server = await testing.readyTestServer(asOwner);
    const events = await testing.connectEvents(stack.baseUrl, owner.accessToken);
    sockets.push(events);

    const { repo, app } = await testing.createGitApplication(asOwner, server.id, 'bench', testing.sampleAppFiles('bench'), {
      name: 'bench',
      healthCheck: HEALTH_CHECK,
      stopGraceSeconds: STOP_GRACE_SECONDS,
      keepImages: KEEP_IMAGES,
    });
    repos.push(repo);

    const deploy = async () => {
      const posted = Date.now();
      const queued = await testing.queueDeployment(asOwner, app.id);
      const finished = await watchFinish(events, queued.id);
      if (finished.status !== 'success') throw new Error(`deployment ${queued.id} ended ${finished.status}: ${finished.reason}`);
      return { id: queued.id, wallMs: finished.at - posted };
    };
    // The first build fills the cache; every later one of the same commit is a cached redeploy.
    progress('first deployment (fills the build cache)');
    await deploy();

    // a. Cached redeploy: Zpanel and the plain script take turns, so both see the same machine.
    const names = { network: stack.dockerNamespace, alias: 'bench-plain', namespace: stack.dockerNamespace };
    const plainRun = (i, old) =>
      onServer(PLAIN_REDEPLOY, [
        repo.url,
        repo.branch,
        names.network,
        names.alias,
        `bench-plain-${i}`,
        `bench-plain/app:${i}`,
        old ?? '',
        String(DEPLOYMENT_TIMINGS.drainMs),
        names.namespace,
        String(KEEP_IMAGES),
        String(STOP_GRACE_SECONDS),
      ]).then(Number);
    await plainRun(0, null); // the same warm start for the script: its image cached, an old container to replace
    const zpanelMs = [];
    const plainMs = [];
    for (let i = 1; i <= REDEPLOY_RUNS; i += 1) {
      zpanelMs.push((await deploy()).wallMs);
      plainMs.push(await plainRun(i, `bench-plain-${i - 1}`));
      progress(`redeploy ${i}/${REDEPLOY_RUNS}: Zpanel ${ms(zpanelMs[i - 1])}, plain script ${ms(plainMs[i - 1])}`);
    }

    // b. Enqueue-to-start latency, one deployment at a time (each waits for the last to finish).
    const claimMs = [];
    const firstLineMs = [];
    const buildStepMs = [];
    for (let i = 1; i <= LATENCY_DEPLOYMENTS; i += 1) {
      const { id } = await deploy();
      const row = (await asOwner('GET', `/api/v1/deployments/${id}`)).body;
      const lines = (await asOwner('GET', `/api/v1/deployments/${id}/logs?limit=50`)).body.lines;
      const created = Date.parse(row.createdAt);
      claimMs.push(Date.parse(row.startedAt) - created);
      firstLineMs.push(Date.parse(lines[0].ts) - created);
      const building = lines.find((l) => l.line.startsWith('==> Building'));
      if (building) buildStepMs.push(Date.parse(building.ts) - created);
      if (i % 10 === 0) progress(`latency: ${i}/${LATENCY_DEPLOYMENTS} deployments`);
    }
    // Baseline: a round trip to the same API on the same machine at the same time.
    const healthMs = [];
    for (let i = 0; i < 200; i += 1) {
      const started = performance.now();
      await fetch(`${stack.baseUrl}/api/health`).then((r) => r.arrayBuffer());
      healthMs.push(performance.now() - started);
    }

    // c. Log line latency to 200 clients: a build step that prints steadily, watched by all of them.
    const printStep = `RUN echo "${randomBytes(8).toString('hex')}" && sleep 3 && i=1 && while [ $i -le ${LOG_LINES} ]; do echo "tick $i"; usleep ${Math.round(1e6 / LOG_LINES_PER_SECOND)}; i=$((i + 1)); done`;
    const { repo: logRepo, app: logApp } = await testing.createGitApplication(
      asOwner,
      server.id,
      'bench-logs',
      testing.sampleAppFiles('logs', [printStep]),
      { name: 'bench-logs', healthCheck: HEALTH_CHECK, stopGraceSeconds: STOP_GRACE_SECONDS },
    );
    repos.push(logRepo);
    progress(`connecting ${LOG_CLIENTS} socket clients`);
    const clients = [];
    for (let i = 0; i < LOG_CLIENTS; i += 1) clients.push(await testing.connectEvents(stack.baseUrl, owner.accessToken));
    sockets.push(...clients);
    const logDeployment = await testing.queueDeployment(asOwner, logApp.id);
    const lineLatencies = [];
    let ticksSeen = 0;
    await Promise.all(
      clients.map(async (socket) => {
        let liveFrom = Infinity;
        socket.on('live:event', (message) => {
          const now = Date.now();
          if (message.event.type !== 'lines') return;
          for (const line of message.event.lines) {
            // Lines written before this client was following arrive as a replay: not live latency.
            const ts = Date.parse(line.ts);
            if (ts >= liveFrom && line.line.startsWith('tick ')) {
              lineLatencies.push(now - ts);
              ticksSeen += 1;
            }
          }
        });
        const sub = await testing.liveSubscribe(socket, { kind: 'deployment-logs', deploymentId: logDeployment.id });
        if (!sub.result.ok) throw new Error(`subscribe refused: ${sub.result.message}`);
        liveFrom = Date.now();
      }),
    );
    progress(`${LOG_CLIENTS} clients follow the log; the build prints ${LOG_LINES} lines at ${LOG_LINES_PER_SECOND}/s`);
    const logDone = await watchFinish(events, logDeployment.id);
    if (logDone.status !== 'success') throw new Error(`the log deployment ended ${logDone.status}: ${logDone.reason}`);
    await new Promise((r) => setTimeout(r, 1_000));

    // The report.
    const zpanel = median(zpanelMs);
    const plain = median(plainMs);
    const ratio = zpanel / plain;
    const rows = [
      ['a. cached redeploy, wall time (median)', ms(zpanel), `plain script ${ms(plain)}`, 'ratio < 1.2', `${ratio.toFixed(2)}`, ratio < 1.2],
      [
        'b. enqueue -> claimed (startedAt) p50 / p99',
        `${ms(quantile(claimMs, 0.5))} / ${ms(quantile(claimMs, 0.99))}`,
        '',
        'p99 < 100 ms',
        ms(quantile(claimMs, 0.99)),
        quantile(claimMs, 0.99) < 100,
      ],
      [
        'b. enqueue -> first log line p50 / p99',
        `${ms(quantile(firstLineMs, 0.5))} / ${ms(quantile(firstLineMs, 0.99))}`,
        `API GET round trip ${quantile(healthMs, 0.5).toFixed(1)} / ${quantile(healthMs, 0.99).toFixed(1)} ms`,
        'p99 < 100 ms',
        ms(quantile(firstLineMs, 0.99)),
        quantile(firstLineMs, 0.99) < 100,
      ],
      [
        '   enqueue -> build step (after the clone) p50 / p99',
        `${ms(quantile(buildStepMs, 0.5))} / ${ms(quantile(buildStepMs, 0.99))}`,
        '',
        '(information)',
        '',
        null,
      ],
      [
        `c. log line worker -> ${LOG_CLIENTS} clients p50 / p99`,
        `${ms(quantile(lineLatencies, 0.5))} / ${ms(quantile(lineLatencies, 0.99))}`,
        `max ${ms(lineLatencies.reduce((a, b) => Math.max(a, b), 0))}`,
        'p99 < 100 ms',
        ms(quantile(lineLatencies, 0.99)),
        quantile(lineLatencies, 0.99) < 100,
      ],
    ];
    console.log(
      `deployments on the test server (runs: ${REDEPLOY_RUNS} redeploys each side, ${LATENCY_DEPLOYMENTS} deployments for latency, ${LOG_CLIENTS} clients x ${LOG_LINES} lines)`,
    );
    // Everything runs on this machine (stack, Postgres, Redis, Docker, the clients): say how busy it was.
    console.log(`machine: ${cpus().length} CPUs, load average ${loadBefore.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`);
    const widths = [52, 22, 36, 14, 10];
    console.log(['figure', 'Zpanel', 'baseline (same run)', 'target', 'measured'].map((h, i) => h.padEnd(widths[i])).join(' ') + ' met');
    for (const [name, value, baseline, target, measured, met] of rows) {
      console.log(
        [name, value, baseline, target, measured].map((c, i) => c.padEnd(widths[i])).join(' ') + ` ${met === null ? '' : met ? 'yes' : 'NO'}`,
      );
    }
    console.log(`cached redeploys, Zpanel:       ${zpanelMs.map(ms).join(', ')}`);
    console.log(
      `cached redeploys, plain script: ${plainMs.map(ms).join(', ')} (clone, build, run, health, alias swap, ${DEPLOYMENT_TIMINGS.drainMs} ms drain, stop, prune)`,
    );
    console.log(`log lines measured: ${ticksSeen.toLocaleString('en-US')} (${LOG_LINES} lines x ${LOG_CLIENTS} clients, replayed lines excluded)`);
  } finally {
    for (const socket of sockets) socket.disconnect();
    for (const repo of repos) await repo.close();
    await stack.stop();
    await testing.deleteRedisKeys(process.env.REDIS_PREFIX);
  }
}

await main();
