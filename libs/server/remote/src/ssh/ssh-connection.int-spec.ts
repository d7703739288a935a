import { existsSync, readFileSync, rmSync } from 'node:fs';
import { injectionPayloads } from '@zpanel/core';
import { testSshTarget } from '@zpanel/testing';
import { HostKeyMismatchError, SshConnection, type SshTarget } from './ssh-connection';
import { dockerOverSsh } from '../docker/docker-over-ssh';

/** A sleep duration (about 40 s) unique to this call. */
function uniqueSleep(): string {
  return `40.${process.pid}${Date.now() % 100_000}`;
}

function target(): SshTarget {
  const t = testSshTarget();
  return { host: t.host, port: t.port, username: t.username, privateKey: readFileSync(t.privateKeyPath) };
}

describe(SshConnection.name, () => {
  let connection: SshConnection;

  beforeAll(async () => {
    connection = await SshConnection.connect(target());
  });
  afterAll(() => connection?.close());

  it('runs `docker version` on the test server over SSH', async () => {
    const result = await connection.exec(['docker', 'version', '--format', '{{.Server.Version}}']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('speaks the Docker Engine API through the forwarded socket', async () => {
    const docker = dockerOverSsh(connection);
    expect((await docker.ping()).toString()).toBe('OK');
    const [first, second] = await Promise.all([docker.version(), docker.version()]);
    expect(first.Version).toBe(second.Version);
  });

  it('records the host key and refuses a server whose key changed', async () => {
    expect(connection.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const pinned = await SshConnection.connect({ ...target(), hostKeyFingerprint: connection.hostKeyFingerprint });
    pinned.close();
    await expect(
      SshConnection.connect({ ...target(), hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    ).rejects.toBeInstanceOf(HostKeyMismatchError);
  });

  it('passes injection payloads to the program literally and runs none of them', async () => {
    const canary = `/tmp/zp-pwned-${process.pid}`;
    rmSync(canary, { force: true });
    // The 100 kB payload alone would make up most of a command line; it is covered by the unit tests.
    const payloads = injectionPayloads(canary).filter((p) => p.length < 10_000);
    for (const payload of payloads) {
      const result = await connection.exec(['printf', '%s', payload]);
      expect(result.stdout).toBe(payload);
      const viaEnv = await connection.exec(['sh', '-c', 'printf "%s" "$VALUE"'], { env: { VALUE: payload } });
      expect(viaEnv.stdout).toBe(payload);
    }
    expect(existsSync(canary)).toBe(false);
  });

  /**
   * Whether no process matching `pattern` is left on the server. A SIGKILLed process can still be
   * listed for a moment after its group leader (whose exit closes the channel) is gone, on a busy
   * machine: look for up to 15 s before concluding it survived.
   */
  async function goneFromServer(pattern: string): Promise<boolean> {
    for (let attempt = 0; attempt < 60; attempt += 1) {
      if ((await connection.exec(['pgrep', '-f', pattern])).exitCode === 1) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  }

  it('reports exit codes, stderr, and stops a command at its timeout', async () => {
    const failed = await connection.exec(['sh', '-c', 'echo oops >&2; exit 3']);
    expect(failed).toMatchObject({ exitCode: 3, stderr: 'oops\n', timedOut: false });

    const started = Date.now();
    // A duration no other run uses, so pgrep cannot find another run's leftover sleep.
    const duration = uniqueSleep();
    const slow = await connection.exec(['sh', '-c', `sleep ${duration}; echo never`], { timeoutMs: 300 });
    expect(slow).toMatchObject({ timedOut: true, stdout: '' });
    expect(Date.now() - started).toBeLessThan(4_000);
    // The command and its children are gone on the server, not just abandoned.
    expect(await goneFromServer(`sleep ${duration}`)).toBe(true);
  });

  it('keeps stderr intact after the pid line it strips', async () => {
    const result = await connection.exec(['sh', '-c', 'printf "first\\nsecond" >&2']);
    expect(result.stderr).toBe('first\nsecond');
  });

  it('caps buffered output and says so', async () => {
    const result = await connection.exec(['sh', '-c', 'head -c 200000 /dev/zero'], { maxBufferBytes: 1000 });
    expect(result.stdout).toHaveLength(1000);
    expect(result.truncated).toBe(true);
  });

  it('cancels a running command by its signal', async () => {
    const controller = new AbortController();
    const duration = uniqueSleep();
    const running = connection.exec(['sleep', duration], { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(running).resolves.toMatchObject({ cancelled: true });
    expect(await goneFromServer(`sleep ${duration}`)).toBe(true);
  });

  it('still stops a command whose timeout comes before the server has said its pid', async () => {
    const duration = uniqueSleep();
    // 1 ms: over before the pid line can have crossed the connection.
    await expect(connection.exec(['sleep', duration], { timeoutMs: 1 })).resolves.toMatchObject({ timedOut: true });
    expect(await goneFromServer(`sleep ${duration}`)).toBe(true);
  });
});
