import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { DatabaseEngine } from '@zpanel/contracts';
import { connectionUrl } from './connection';
import { generateDatabasePassword } from './database-fields';
import {
  type DatabaseCredentials,
  type EngineCommand,
  databaseContainer,
  newDatabaseCredentials,
  passwordRotation,
  readinessProbe,
} from './engine-commands';
import { hostileDatabaseValues } from './hostile-values';
import { quoteMysqlLiteral, quotePgIdentifier, quotePgLiteral } from './sql-quote';

/**
 * The builders against real engines: the test images (docs/testing.md) keep the official images'
 * contract, so the container, probe, rotation and URL that work here are what production runs. The
 * docker CLI stands in for the worker: `--env NAME` without a value takes it from the CLI's own
 * environment, so no secret is in any argv here either.
 */

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function docker(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

async function must(args: string[]): Promise<string> {
  const result = await docker(args);
  if (result.code !== 0) throw new Error(`docker ${args[0]} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Runs an engine command the way the worker will: `docker exec -i`, environment by name, stdin piped. */
function execIn(container: string, command: EngineCommand): Promise<Result> {
  const names = Object.keys(command.env).flatMap((name) => ['--env', name]);
  return docker(['exec', '-i', ...names, container, ...command.argv], { env: command.env, stdin: command.stdin });
}

function succeeded(command: EngineCommand, result: Result): boolean {
  return result.code === 0 && (command.expectStdout === undefined || result.stdout.trim() === command.expectStdout);
}

interface EngineCase {
  engine: DatabaseEngine;
  image: string;
  tag: string;
  /** Logs in from another container with these credentials and says who it is. */
  whoAmI: (server: string, credentials: DatabaseCredentials) => EngineCommand;
  me: RegExp;
}

const sqlLogin = (client: 'mysql' | 'mariadb') => (server: string, c: DatabaseCredentials) => ({
  argv: [client, '-h', server, '-u', c.userName, '-N', '-B', c.databaseName, '-e', 'SELECT CURRENT_USER()'],
  env: { MYSQL_PWD: c.password },
});

const CASES: EngineCase[] = [
  {
    engine: 'postgresql',
    image: 'zpanel-test/postgres',
    tag: '15',
    whoAmI: (server, c) => ({
      argv: ['psql', connectionUrl('postgresql', { host: server, port: 5432 }, c), '-At', '-c', 'SELECT current_user'],
      env: {},
    }),
    me: /^shop_app$/,
  },
  // The MariaDB test image also answers to the MYSQL_* variables and the mysql* tool names, as the official images do.
  { engine: 'mysql', image: 'zpanel-test/mariadb', tag: '10.11', whoAmI: sqlLogin('mysql'), me: /^shop_app@%$/ },
  { engine: 'mariadb', image: 'zpanel-test/mariadb', tag: '10.11', whoAmI: sqlLogin('mariadb'), me: /^shop_app@%$/ },
  {
    engine: 'redis',
    image: 'zpanel-test/redis',
    tag: '7',
    whoAmI: (server, c) => ({ argv: ['redis-cli', '-u', connectionUrl('redis', { host: server, port: 6379 }, c), 'ACL', 'WHOAMI'], env: {} }),
    me: /^default$/,
  },
];

describe('database engine commands against the engines', () => {
  const run = `zt-dbcmd-${randomBytes(3).toString('hex')}`;
  const label = `zpanel.test.run=${run}`;

  beforeAll(async () => {
    await must(['network', 'create', '--label', label, run]);
  });

  afterAll(async () => {
    const ids = (await must(['ps', '-aq', '--filter', `label=${label}`])).split('\n').filter(Boolean);
    if (ids.length > 0) await must(['rm', '-f', '-v', ...ids]);
    await must(['network', 'rm', run]);
  });

  describe.each(CASES)('$engine ($image:$tag)', ({ engine, image, tag, whoAmI, me }) => {
    const server = `${run}-${engine}`;
    const client = `${server}-client`;
    let credentials: DatabaseCredentials;

    const fromClient = async (c: DatabaseCredentials): Promise<Result> => execIn(client, whoAmI(server, c));

    beforeAll(async () => {
      credentials = newDatabaseCredentials(engine, { databaseName: 'shop', userName: 'shop_app' });
      const spec = databaseContainer(engine, tag, credentials);
      const envNames = Object.keys(spec.env).flatMap((name) => ['--env', name]);
      const start = await docker(
        [
          'run',
          '-d',
          '--name',
          server,
          '--label',
          label,
          '--network',
          run,
          ...envNames,
          '-v',
          spec.dataDirectory,
          `${image}:${tag}`,
          ...spec.command,
        ],
        { env: spec.env },
      );
      if (start.code !== 0) throw new Error(start.stderr);
      await must(['run', '-d', '--name', client, '--label', label, '--network', run, '--entrypoint', 'sleep', `${image}:${tag}`, 'infinity']);
    });

    it('starts from the first-start container and answers the readiness probe over TCP', async () => {
      const probe = readinessProbe(engine, credentials);
      const deadline = Date.now() + 150_000;
      let last: Result = { code: -1, stdout: '', stderr: 'not run' };
      while (!succeeded(probe, last)) {
        if (Date.now() > deadline) throw new Error(`never ready: ${last.stdout} ${last.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        last = await execIn(server, probe);
      }
      const login = await fromClient(credentials);
      expect({ code: login.code, stderr: login.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      expect(login.stdout.trim()).toMatch(me);
    }, 180_000);

    it('rotates the password inside the engine: the new one logs in, the old one no longer does', async () => {
      const next = generateDatabasePassword();
      const rotation = passwordRotation(engine, credentials, next);
      const result = await execIn(server, rotation);
      expect({ ok: succeeded(rotation, result), stderr: result.stderr }).toEqual({ ok: true, stderr: expect.any(String) });

      const rotated = { ...credentials, password: next };
      const login = await fromClient(rotated);
      expect(login.stdout.trim()).toMatch(me);
      const old = await fromClient(credentials);
      expect(old.stdout.trim()).not.toMatch(me);
      credentials = rotated;
    }, 60_000);

    if (engine === 'postgresql' || engine === 'mariadb') {
      it('reads every hostile value back unchanged through the SQL quoting, and runs none of it', async () => {
        const canary = '/tmp/pwned';
        const values = hostileDatabaseValues(canary).filter(
          (v) => !v.includes('\0') && !v.includes('\ud800') && v.length <= 100_000 && (engine === 'postgresql' || !/[\\\r]/.test(v)),
        );
        expect(values.length).toBeGreaterThan(engine === 'postgresql' ? 20 : 15);
        for (const value of values) {
          const statement: EngineCommand =
            engine === 'postgresql'
              ? {
                  argv: ['psql', '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-U', credentials.userName, '-d', 'shop'],
                  env: {},
                  stdin: `SELECT ${quotePgLiteral(value)} AS ${quotePgIdentifier(value.slice(0, 60))};\n`,
                }
              : {
                  argv: ['mariadb', '--protocol=socket', '-u', 'root', '-N', '--raw', '-B', 'shop'],
                  env: { MYSQL_PWD: credentials.rootPassword as string },
                  stdin: `SELECT ${quoteMysqlLiteral(value)};\n`,
                };
          const result = await execIn(server, statement);
          expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
          expect(result.stdout).toBe(`${Buffer.from(value, 'utf8').toString('utf8')}\n`);
        }
        expect((await execIn(server, { argv: ['test', '-e', canary], env: {} })).code).toBe(1);
      }, 120_000);
    }
  });
});
