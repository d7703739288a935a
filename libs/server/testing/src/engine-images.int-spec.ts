import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { waitFor } from './wait-for';

/**
 * The database engine images that scripts/test-env/ensure-engine-images.sh builds from Debian's
 * packages stand in for the official postgres, mariadb and redis images, which no registry here
 * serves. These tests hold them to the official images' contract, the way Zpanel will use them:
 * credentials from the environment on the first start only, data on a volume that a new
 * container reuses, a password from other containers on the network, the engine's own tools
 * through docker exec.
 */

interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command in a container: argv (given the server's host name) and its environment. */
interface Call {
  cmd: (host: string) => string[];
  env: string[];
}

interface EngineCase {
  name: string;
  image: string;
  dataDir: string;
  /** The first start: these initialise the data directory. */
  env: string[];
  cmd?: string[];
  /** A later start on the same volume, with other credentials, which must change nothing. */
  laterEnv: string[];
  /** The engine's readiness probe, run in the server container, over TCP. */
  ready: Call;
  write: Call;
  read: Call;
  stored: string;
  wrongPassword: Call;
  refusal: RegExp;
  /** What a backup will run: a dump (or snapshot) through the engine's own tool. */
  backup: Call;
  backedUp: RegExp;
  /** Where the backup leaves its file in the server container, when it does. */
  backupFile?: string;
}

const OFFICIAL_UID = '999';

const ENGINES: EngineCase[] = [
  {
    name: 'postgres',
    image: 'zpanel-test/postgres:15',
    dataDir: '/var/lib/postgresql/data',
    env: ['POSTGRES_PASSWORD=first-pw', 'POSTGRES_USER=shop_owner', 'POSTGRES_DB=shop'],
    laterEnv: ['POSTGRES_PASSWORD=later-pw', 'POSTGRES_USER=someone_else', 'POSTGRES_DB=other'],
    // Over TCP: during the first start the official entrypoint's temporary server is on the socket.
    ready: { cmd: () => ['pg_isready', '-h', '127.0.0.1', '-p', '5432', '-U', 'shop_owner'], env: [] },
    write: {
      cmd: (host) => [
        'psql',
        '-h',
        host,
        '-U',
        'shop_owner',
        '-d',
        'shop',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')",
      ],
      env: ['PGPASSWORD=first-pw'],
    },
    read: { cmd: (host) => ['psql', '-h', host, '-U', 'shop_owner', '-d', 'shop', '-At', '-c', 'SELECT v FROM kept'], env: ['PGPASSWORD=first-pw'] },
    stored: 'survives',
    wrongPassword: { cmd: (host) => ['psql', '-h', host, '-U', 'shop_owner', '-d', 'shop', '-c', 'SELECT 1'], env: ['PGPASSWORD=later-pw'] },
    refusal: /password authentication failed for user "shop_owner"/,
    backup: { cmd: (host) => ['pg_dump', '-h', host, '-U', 'shop_owner', '-d', 'shop'], env: ['PGPASSWORD=first-pw'] },
    backedUp: /CREATE TABLE public\.kept[\s\S]*survives/,
  },
  {
    name: 'mariadb',
    image: 'zpanel-test/mariadb:10.11',
    dataDir: '/var/lib/mysql',
    env: ['MARIADB_ROOT_PASSWORD=root-pw', 'MARIADB_DATABASE=shop', 'MARIADB_USER=shop_owner', 'MARIADB_PASSWORD=first-pw'],
    laterEnv: ['MYSQL_ROOT_PASSWORD=later-root-pw', 'MARIADB_DATABASE=other', 'MARIADB_USER=someone_else', 'MARIADB_PASSWORD=later-pw'],
    ready: { cmd: () => ['mariadb-admin', '-h', '127.0.0.1', '-u', 'root', 'ping'], env: ['MYSQL_PWD=root-pw'] },
    write: {
      cmd: (host) => [
        'mariadb',
        '-h',
        host,
        '-u',
        'shop_owner',
        'shop',
        '-e',
        "CREATE TABLE kept (v varchar(20)); INSERT INTO kept VALUES ('survives')",
      ],
      env: ['MYSQL_PWD=first-pw'],
    },
    read: { cmd: (host) => ['mariadb', '-h', host, '-u', 'shop_owner', '-N', '-B', 'shop', '-e', 'SELECT v FROM kept'], env: ['MYSQL_PWD=first-pw'] },
    stored: 'survives',
    wrongPassword: { cmd: (host) => ['mariadb', '-h', host, '-u', 'shop_owner', 'shop', '-e', 'SELECT 1'], env: ['MYSQL_PWD=later-pw'] },
    refusal: /Access denied for user 'shop_owner'/,
    // As root from another container: root@'%' exists with the root password, as in the official image.
    backup: { cmd: (host) => ['mysqldump', '-h', host, '-u', 'root', '--single-transaction', 'shop'], env: ['MYSQL_PWD=root-pw'] },
    backedUp: /CREATE TABLE `kept`[\s\S]*survives/,
  },
  {
    name: 'redis',
    image: 'zpanel-test/redis:7',
    dataDir: '/data',
    env: [],
    // Options only: the entrypoint puts redis-server in front, as the official one does.
    cmd: ['--requirepass', 'first-pw', '--appendonly', 'yes'],
    laterEnv: [],
    ready: { cmd: () => ['redis-cli', 'ping'], env: ['REDISCLI_AUTH=first-pw'] },
    write: { cmd: (host) => ['redis-cli', '-h', host, 'SET', 'kept', 'survives'], env: ['REDISCLI_AUTH=first-pw'] },
    read: { cmd: (host) => ['redis-cli', '-h', host, 'GET', 'kept'], env: ['REDISCLI_AUTH=first-pw'] },
    stored: 'survives',
    wrongPassword: { cmd: (host) => ['redis-cli', '-h', host, 'GET', 'kept'], env: ['REDISCLI_AUTH=later-pw'] },
    refusal: /WRONGPASS|NOAUTH/,
    // BGSAVE forks before it answers; the snapshot is done when no save is in progress.
    backup: {
      cmd: (host) => [
        'sh',
        '-c',
        'redis-cli -h "$1" BGSAVE && while redis-cli -h "$1" INFO persistence | grep -q "rdb_bgsave_in_progress:1"; do sleep 0.1; done && redis-cli -h "$1" INFO persistence',
        'sh',
        host,
      ],
      env: ['REDISCLI_AUTH=first-pw'],
    },
    backedUp: /rdb_last_bgsave_status:ok/,
    // Nothing wrote dump.rdb before (append-only keeps its own files, and no save point is due).
    backupFile: '/data/dump.rdb',
  },
];

describe('database engine images (zpanel-test/postgres, mariadb, redis)', () => {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  const tag = `zt-engines-${randomBytes(3).toString('hex')}`;
  const labels = { 'zpanel.test.run': tag };
  const network = tag;

  async function exec(container: Docker.Container, cmd: string[], env: string[] = []): Promise<ExecResult> {
    const run = await container.exec({ Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true });
    const stream = await run.start({ hijack: true, stdin: false });
    const out = { stdout: '', stderr: '' };
    const collect = (key: keyof typeof out) => {
      const sink = new PassThrough();
      sink.on('data', (chunk: Buffer) => (out[key] += chunk.toString('utf8')));
      return sink;
    };
    docker.modem.demuxStream(stream, collect('stdout'), collect('stderr'));
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    const { ExitCode } = await run.inspect();
    return { code: ExitCode ?? -1, stdout: out.stdout.trim(), stderr: out.stderr.trim() };
  }

  async function start(
    name: string,
    image: string,
    options: { env?: string[]; cmd?: string[]; entrypoint?: string[]; volume?: [string, string] },
  ): Promise<Docker.Container> {
    const container = await docker.createContainer({
      name,
      Image: image,
      Env: options.env ?? [],
      Cmd: options.cmd,
      Entrypoint: options.entrypoint,
      Labels: labels,
      HostConfig: {
        NetworkMode: network,
        Binds: options.volume ? [`${options.volume[0]}:${options.volume[1]}`] : [],
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [name] } } },
    });
    await container.start();
    return container;
  }

  async function ready(container: Docker.Container, probe: Call): Promise<void> {
    await waitFor(
      async () => {
        const state = await container.inspect();
        if (!state.State.Running) throw new Error(`exited with ${state.State.ExitCode}`);
        const result = await exec(container, probe.cmd(''), probe.env);
        if (result.code !== 0) throw new Error(result.stderr || result.stdout);
        return true;
      },
      90_000,
      `${probe.cmd('').join(' ')}`,
      250,
    );
  }

  beforeAll(async () => {
    await docker.createNetwork({ Name: network, Labels: labels });
  });

  afterAll(async () => {
    const filters = JSON.stringify({ label: [`zpanel.test.run=${tag}`] });
    const containers = await docker.listContainers({ all: true, filters });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    const { Volumes } = await docker.listVolumes({ filters });
    await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove()));
    await docker.getNetwork(network).remove();
  });

  describe.each(ENGINES)('$image', (engine) => {
    const server = `${tag}-${engine.name}`;
    const volume = `${server}-data`;
    let client: Docker.Container;

    beforeAll(async () => {
      await docker.createVolume({ Name: volume, Labels: labels });
      // Another container on the network, with the engine's client tools, like an application.
      client = await start(`${server}-client`, engine.image, { entrypoint: ['sleep', 'infinity'] });
    });

    const run = (call: Call) => exec(client, call.cmd(server), call.env);

    it('initialises an empty volume from the environment, runs as the official uid, and answers the probe over TCP', async () => {
      const first = await start(server, engine.image, { env: engine.env, cmd: engine.cmd, volume: [volume, engine.dataDir] });
      await ready(first, engine.ready);
      expect((await exec(first, ['sh', '-c', 'grep ^Uid: /proc/1/status'])).stdout).toMatch(new RegExp(`^Uid:\\s+${OFFICIAL_UID}\\s`));

      const written = await run(engine.write);
      expect(written).toMatchObject({ code: 0 });
      expect(await run(engine.read)).toMatchObject({ code: 0, stdout: engine.stored });
    }, 180_000);

    it('refuses a wrong password from another container', async () => {
      const refused = await run(engine.wrongPassword);
      expect(`${refused.stdout}\n${refused.stderr}`).toMatch(engine.refusal);
      expect(refused.stdout).not.toContain(engine.stored);
    });

    it("backs up through the engine's own tool", async () => {
      const backup = await run(engine.backup);
      expect(backup.code).toBe(0);
      expect(backup.stdout).toMatch(engine.backedUp);
      if (engine.backupFile) {
        expect((await exec(docker.getContainer(server), ['cat', engine.backupFile])).stdout).toContain(engine.stored);
      }
    });

    it('keeps the data in a new container on the same volume, ignoring the first-start settings there', async () => {
      const old = docker.getContainer(server);
      await old.stop({ t: 30 });
      await old.remove();
      const later = await start(server, engine.image, { env: engine.laterEnv, cmd: engine.cmd, volume: [volume, engine.dataDir] });
      await ready(later, engine.ready);
      expect(await run(engine.read)).toMatchObject({ code: 0, stdout: engine.stored });
      const logs = (await later.logs({ stdout: true, stderr: true })).toString('utf8');
      expect(logs).not.toMatch(/init process (complete|done)/);
    }, 120_000);
  });
});
