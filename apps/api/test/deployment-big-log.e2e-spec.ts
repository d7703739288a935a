import { randomUUID } from 'node:crypto';
import type { DeploymentLiveEvent, DeploymentLogLine } from '@zpanel/contracts';
import {
  type EventsSocket,
  type LiveSubscription,
  allLogLines,
  connectEvents,
  deploymentFinished,
  liveSubscribe,
  queueDeployment,
  sampleAppFiles,
  useGitApplication,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

const LINES = 50_000;
const CHUNK = 1_000;
/** Makes the printing step this run's own: a cached step prints nothing. */
const NONCE = randomUUID();
const numbered = (n: number) => `line ${n} of ${LINES}`;

/**
 * 50 chunks of 1,000 numbered lines, 0.1 s apart: about 5 s of output, so a viewer can drop off
 * while it streams (busybox sh; Docker passes a RUN line to the shell untouched).
 */
const PRINT_STEP = [
  `RUN echo "printing ${NONCE}" && i=1 && while [ $i -le ${LINES} ]; do`,
  `echo "line $i of ${LINES}";`,
  `if [ $((i % ${CHUNK})) -eq 0 ]; then usleep 100000; fi;`,
  `i=$((i + 1)); done`,
].join(' ');

function liveLines(subscription: LiveSubscription<DeploymentLiveEvent>): DeploymentLogLine[] {
  return subscription.events.flatMap((e) => (e.event.type === 'lines' ? e.event.lines : []));
}

const finalStatusArrived = (subscription: LiveSubscription<DeploymentLiveEvent>) =>
  subscription.events.some((e) => e.event.type === 'status' && e.event.status !== 'queued' && e.event.status !== 'running');

describe('a 50,000-line build log (built api + worker, the test server)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner } = suite;
  const sample = useGitApplication(suite, 'big-log', sampleAppFiles('big', [PRINT_STEP]), {
    name: 'big-log',
    healthCheck: { type: 'tcp', startPeriodSeconds: 0, intervalSeconds: 1, retries: 15 },
    stopGraceSeconds: 1,
  });

  it('arrives complete and in order in the paged logs, the download and live, across a viewer that drops off mid-stream and resumes', async () => {
    const sockets: EventsSocket[] = [];
    try {
      const first = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
      sockets.push(first);
      const queued = await queueDeployment(asOwner, sample.app.id);
      const before = await liveSubscribe<DeploymentLiveEvent>(first, { kind: 'deployment-logs', deploymentId: queued.id });
      expect(before.result.ok).toBe(true);

      // Drop off once a fifth of the numbered lines are in, while the build still prints.
      await waitFor(
        async () => (liveLines(before).filter((l) => l.line.startsWith('line ')).length >= LINES / 5 ? true : undefined),
        180_000,
        'a fifth of the lines live',
      );
      first.disconnect();
      const seen = liveLines(before);
      const resumeAfter = Number(before.events[before.events.length - 1].id);
      expect(resumeAfter).toBe(seen[seen.length - 1].seq);
      expect(seen.filter((l) => l.line.startsWith('line ')).length).toBeLessThan(LINES);

      const second = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
      sockets.push(second);
      const after = await liveSubscribe<DeploymentLiveEvent>(second, { kind: 'deployment-logs', deploymentId: queued.id, afterSeq: resumeAfter });
      expect(after.result.ok).toBe(true);

      const done = await deploymentFinished(asOwner, queued.id, 300_000);
      expect(done).toMatchObject({ status: 'success' });
      await waitFor(async () => (finalStatusArrived(after) ? true : undefined), 30_000, 'the final status live');

      const stored = await allLogLines(asOwner, queued.id, 5_000);
      // Every seq once, from 1 up; the numbered lines all there, in order.
      expect(stored.map((l) => l.seq)).toEqual(stored.map((_, i) => i + 1));
      const printed = stored.filter((l) => /^line \d+ of /.test(l.line)).map((l) => l.line);
      expect(printed).toHaveLength(LINES);
      expect(printed).toEqual(Array.from({ length: LINES }, (_, i) => numbered(i + 1)));

      // Live: the lines before the drop, then the rest after it; no gap, no duplicate, same text.
      const resumed = liveLines(after);
      expect(resumed.length).toBeGreaterThan(0);
      expect(resumed[0].seq).toBe(resumeAfter + 1);
      const joined = [...seen, ...resumed];
      expect(joined.map((l) => l.seq)).toEqual(stored.map((l) => l.seq));
      expect(joined.map((l) => l.line)).toEqual(stored.map((l) => l.line));

      const download = await fetch(`${suite.stack.baseUrl}/api/v1/deployments/${queued.id}/logs/download`, {
        headers: { authorization: `Bearer ${suite.owner.accessToken}` },
      });
      expect(download.status).toBe(200);
      const text = await download.text();
      expect(text).toBe(`${stored.map((l) => l.line).join('\n')}\n`);
      process.stdout.write(
        `50,000-line build: ${stored.length} lines stored, ${seen.length} live before the drop, ${resumed.length} after resuming at seq ${resumeAfter}\n`,
      );
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  }, 360_000);
});
