#!/usr/bin/env node
// Runs the built API and worker and keeps them running (what `npm start` ends with, and `npm run serve`).
//
//   node scripts/supervise.mjs                   run both until SIGINT/SIGTERM
//   node scripts/supervise.mjs status            the running supervisor's processes, as JSON
//   node scripts/supervise.mjs restart worker    stop one process gracefully and start it again
//   node scripts/supervise.mjs stop worker       stop one and keep it stopped (the other keeps serving)
//   node scripts/supervise.mjs start worker      start a stopped one
//
// A process that exits without being asked is started again alone, after a delay that doubles on
// each quick exit (SUPERVISOR_RESTART_DELAY_MS up to SUPERVISOR_RESTART_DELAY_MAX_MS) and starts over
// once it has stayed up for a minute. SIGINT/SIGTERM ask both to stop gracefully, wait for them
// (SIGKILL after WORKER_SHUTDOWN_GRACE_MS plus a margin), then exit.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Settings come from the environment first, then .env (the file never overrides what is set).
const envFile = process.env.ZPANEL_ENV_FILE || join(ROOT, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const env = process.env;
function integer(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`${name} must be a whole number of milliseconds (got "${raw}")`);
  return value;
}
function fail(message) {
  process.stderr.write(`zpanel: ${message}\n`);
  process.exit(1);
}

const SOCKET = env.ZPANEL_SUPERVISOR_SOCKET || join(ROOT, '.zpanel/supervisor.sock');
const NAMES = ['api', 'worker'];

const [command, target] = process.argv.slice(2);
if (command) await control(command, target);
else await supervise();

/** Sends one command to the running supervisor over its socket and prints the answer. */
async function control(cmd, name) {
  if (!['status', 'restart', 'stop', 'start'].includes(cmd)) fail(`unknown command "${cmd}" (status, restart <name>, stop <name>, start <name>)`);
  if (cmd !== 'status' && !NAMES.includes(name)) fail(`${cmd} needs a process name: ${NAMES.join(' or ')}`);
  const answer = await new Promise((done) => {
    const socket = connect(SOCKET);
    let text = '';
    // Not end(): the supervisor answers, then closes, once the command is done (a graceful stop takes a while).
    socket.on('connect', () => socket.write(JSON.stringify({ command: cmd, name }) + '\n'));
    socket.on('data', (chunk) => (text += chunk));
    socket.on('end', () => done(text));
    socket.on('error', (error) => fail(`no supervisor answers on ${SOCKET} (${error.code ?? error.message}): is Zpanel running (npm start)?`));
  });
  const reply = JSON.parse(answer);
  process.stdout.write(JSON.stringify(reply, null, 2) + '\n');
  process.exit(reply.error ? 1 : 0);
}

async function supervise() {
  const restartDelayMs = integer('SUPERVISOR_RESTART_DELAY_MS', 1_000);
  const restartDelayMaxMs = Math.max(restartDelayMs, integer('SUPERVISOR_RESTART_DELAY_MAX_MS', 60_000));
  // A process that stayed up this long crashed for a new reason: its next restart is quick again.
  const stableMs = 60_000;
  // Longer than the worker's own grace period, so running jobs get the time they are promised.
  const stopTimeoutMs = integer('WORKER_SHUTDOWN_GRACE_MS', 25_000) + 15_000;
  const entries = {
    api: join(ROOT, 'dist/apps/api/apps/api/src/main.js'),
    worker: join(ROOT, 'dist/apps/worker/apps/worker/src/main.js'),
  };
  for (const [name, entry] of Object.entries(entries))
    if (!existsSync(entry)) fail(`${name} is not built (${entry} missing): run npm start or npx nx run-many -t build`);

  // A closed output pipe (the terminal or npm went away) must not kill the supervisor and orphan its children.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const say = (line) => process.stdout.write(`zpanel: ${line}\n`);

  /** @type {Record<string, { child?: import('node:child_process').ChildProcess, wanted: boolean, restarts: number, delayMs: number, startedAt: number, timer?: NodeJS.Timeout, exited?: Promise<void> }>} */
  const procs = Object.fromEntries(NAMES.map((name) => [name, { wanted: true, restarts: 0, delayMs: restartDelayMs, startedAt: 0 }]));
  let stopping = false;

  function start(name) {
    const p = procs[name];
    clearTimeout(p.timer);
    p.timer = undefined;
    if (p.child || stopping) return;
    // Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which asks each process once.
    const child = spawn(process.execPath, ['--enable-source-maps', entries[name]], { env, stdio: 'inherit', detached: true });
    p.child = child;
    p.startedAt = Date.now();
    p.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        p.child = undefined;
        done();
        onExit(name, code, signal);
      }),
    );
    child.once('error', (error) => say(`${name} could not start: ${error.message}`));
    say(`${name} started (pid ${child.pid})`);
  }

  function onExit(name, code, signal) {
    const p = procs[name];
    const how = signal ? `signal ${signal}` : `status ${code}`;
    if (stopping || !p.wanted) {
      say(`${name} stopped (${how})`);
      return;
    }
    if (Date.now() - p.startedAt >= stableMs) p.delayMs = restartDelayMs;
    const delay = p.delayMs;
    p.delayMs = Math.min(p.delayMs * 2, restartDelayMaxMs);
    p.restarts += 1;
    say(`${name} exited (${how}); starting it again in ${delay} ms`);
    p.timer = setTimeout(() => start(name), delay);
  }

  /** Asks one process to stop gracefully; SIGKILL when it has not exited in time. */
  async function stop(name) {
    const p = procs[name];
    clearTimeout(p.timer);
    p.timer = undefined;
    const { child, exited } = p;
    if (!child) return;
    send(child.pid, 'SIGTERM');
    const killer = setTimeout(() => {
      say(`${name} did not stop within ${stopTimeoutMs} ms; killing it`);
      // The whole process group, so nothing it started outlives it.
      send(-child.pid, 'SIGKILL');
    }, stopTimeoutMs);
    await exited;
    clearTimeout(killer);
  }

  function send(pid, signal) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }

  async function handle(request) {
    const { command: cmd, name } = request;
    if (cmd === 'status') return { processes: NAMES.map(describe) };
    if (!NAMES.includes(name)) return { error: `unknown process "${name}"` };
    if (stopping) return { error: 'the supervisor is stopping' };
    const p = procs[name];
    if (cmd === 'stop') {
      p.wanted = false;
      await stop(name);
    } else if (cmd === 'start') {
      p.wanted = true;
      p.delayMs = restartDelayMs;
      start(name);
    } else if (cmd === 'restart') {
      p.wanted = false;
      await stop(name);
      p.wanted = true;
      p.delayMs = restartDelayMs;
      start(name);
    } else return { error: `unknown command "${cmd}"` };
    return { processes: NAMES.map(describe) };
  }

  function describe(name) {
    const p = procs[name];
    const state = p.child ? 'running' : p.wanted && !stopping ? 'restarting' : 'stopped';
    return { name, state, pid: p.child?.pid ?? null, restarts: p.restarts };
  }

  const server = await listen(SOCKET, (socket) => {
    let text = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      text += chunk;
      if (!text.includes('\n')) return;
      let request;
      try {
        request = JSON.parse(text.slice(0, text.indexOf('\n')));
      } catch {
        socket.end(JSON.stringify({ error: 'not a JSON request' }));
        return;
      }
      void handle(request).then((reply) => socket.end(JSON.stringify(reply)));
    });
  });

  async function shutdown(signal) {
    // Ctrl-C in a terminal under npm arrives twice (from the terminal and forwarded by npm): ask once.
    if (stopping) return;
    stopping = true;
    say(`stopping on ${signal} (waiting for running jobs to finish)`);
    await Promise.all(NAMES.map(stop));
    server.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  for (const name of NAMES) start(name);
  say(`supervising api and worker (pid ${process.pid}; control: node scripts/supervise.mjs status|restart|stop|start <api|worker>)`);
  void announceReady();

  async function announceReady() {
    const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT || 3000}`;
    for (let i = 0; i < 150 && !stopping; i += 1) {
      const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1_500) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) {
        say(`ready at ${url}  (API docs: ${url}/api/docs; Ctrl-C stops)`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Listens on the control socket, taking over a stale socket file but never a live supervisor's. */
async function listen(path, onConnection) {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (existsSync(path)) {
    const alive = await new Promise((done) => {
      const probe = connect(path);
      probe.on('connect', () => {
        probe.destroy();
        done(true);
      });
      probe.on('error', () => done(false));
    });
    if (alive) fail(`another supervisor is running (${path} answers); stop it first or set ZPANEL_SUPERVISOR_SOCKET`);
    unlinkSync(path);
  }
  const server = createServer(onConnection);
  await new Promise((done, reject) => {
    server.once('error', reject);
    server.listen(path, done);
  });
  process.on('exit', () => {
    try {
      unlinkSync(path);
    } catch {
      // Already removed.
    }
  });
  return server;
}
