import { DEPLOYMENT_LOG_LINE_MAX_CHARS } from '@zpanel/contracts';
import { zpanelDockerNames } from '@zpanel/core';
import type Docker from 'dockerode';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DockerDeploymentOps } from './docker-deployment-ops';

/** A Docker client whose build answers with these progress events (what the Engine streams back). */
function dockerBuilding(events: object[]): Docker {
  return {
    buildImage: async (context: NodeJS.ReadableStream) => {
      (context as Readable).resume();
      return Readable.from(events.map((e) => `${JSON.stringify(e)}\r\n`));
    },
  } as unknown as Docker;
}

describe(`${DockerDeploymentOps.name}.buildImage`, () => {
  let contextDir: string;

  beforeAll(async () => {
    contextDir = await mkdtemp(join(tmpdir(), 'zpanel-ops-spec-'));
    await writeFile(join(contextDir, 'Dockerfile'), 'FROM scratch\n');
  });
  afterAll(() => rm(contextDir, { recursive: true, force: true }));

  async function build(events: object[]): Promise<string[]> {
    const ops = new DockerDeploymentOps(dockerBuilding(events), zpanelDockerNames('zt-spec'), 'app-id');
    const lines: string[] = [];
    await ops.buildImage(
      { contextDir, dockerfile: 'Dockerfile', target: null, buildArgs: {}, tag: 'zt-spec/app:x', labels: {} },
      (_stream, line) => lines.push(line),
      new AbortController().signal,
    );
    return lines;
  }

  it('joins output Docker cut mid-line, so each line is handed over whole and once', async () => {
    const lines = await build([
      { stream: 'Step 1/2 : FROM scratch' },
      { stream: '\n' },
      { stream: 'line 1 of 3\nline 2 o' },
      { stream: 'f 3\nli' },
      { stream: 'ne 3 of 3\n' },
      { status: 'a status message' },
      { stream: 'no newline at the end' },
    ]);
    expect(lines).toEqual(['Step 1/2 : FROM scratch', 'line 1 of 3', 'line 2 of 3', 'line 3 of 3', 'a status message', 'no newline at the end']);
  });

  it('hands over output that never ends its line once it is too long to be one, instead of holding it', async () => {
    const long = 'x'.repeat(DEPLOYMENT_LOG_LINE_MAX_CHARS);
    const lines = await build([{ stream: long }, { stream: long }, { stream: 'x' }, { stream: 'tail\n' }]);
    expect(lines).toEqual([`${long}${long}x`, 'tail']);
  });

  it('rejects with Docker’s words when the build fails, after handing over what came before', async () => {
    const lines: string[] = [];
    const ops = new DockerDeploymentOps(
      dockerBuilding([{ stream: 'Step 1/1 : RUN false\npartial' }, { errorDetail: { message: 'returned a non-zero code: 1' } }]),
      zpanelDockerNames('zt-spec'),
      'app-id',
    );
    await expect(
      ops.buildImage(
        { contextDir, dockerfile: 'Dockerfile', target: null, buildArgs: {}, tag: 'zt-spec/app:x', labels: {} },
        (_s, line) => lines.push(line),
        new AbortController().signal,
      ),
    ).rejects.toThrow('returned a non-zero code: 1');
    expect(lines).toEqual(['Step 1/1 : RUN false', 'partial']);
  });
});

describe(`${DockerDeploymentOps.name} removing an app container`, () => {
  /** A Docker client recording what is asked of containers. */
  function dockerRecording(calls: string[]): Docker {
    return {
      getContainer: (name: string) => ({
        stop: async (options: object) => void calls.push(`stop ${name} ${JSON.stringify(options)}`),
        remove: async (options: object) => void calls.push(`remove ${name} ${JSON.stringify(options)}`),
      }),
    } as unknown as Docker;
  }

  it('takes its anonymous volumes with it, whether retired after a stop or removed at once', async () => {
    const calls: string[] = [];
    const ops = new DockerDeploymentOps(dockerRecording(calls), zpanelDockerNames('zt-spec'), 'app-id');
    await ops.retireContainer('zp-old', 7);
    await ops.removeContainer('zp-new');
    expect(calls).toEqual(['stop zp-old {"t":7}', 'remove zp-old {"force":true,"v":true}', 'remove zp-new {"force":true,"v":true}']);
  });
});
