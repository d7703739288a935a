import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { AddressNotAllowedError, type AddressPolicy, gitBranch, gitCommit, gitUrl, gitUrlHost, isFetchableRef, quoteShellArg } from '@zpanel/core';

export interface GitCloneSpec {
  url: string;
  branch: string;
  /** The exact commit to build; null: the head of the branch (or of `ref`). */
  commit: string | null;
  /**
   * Fetched from the repository instead of cloning `branch`: a preview's pull request head
   * (`refs/pull/<n>/head`, `refs/merge-requests/<n>/head`, which holds a fork's commits too), or a
   * pushed tag (`refs/tags/<name>`).
   */
  ref?: string | null;
  /** Private key (OpenSSH/PEM) of the deploy key, for ssh URLs. */
  deployKey: string | null;
  /** known_hosts lines pinned for the git host (ssh URLs); null: learn the key on this clone. */
  hostKey: string | null;
  /** Token for an https:// repository (`user:password` or a bare token); never in argv or the URL. */
  token: string | null;
}

export interface GitCommand {
  argv: string[];
  /** The whole environment of the command: nothing of the worker's leaks in (no user config, no prompts). */
  env: Record<string, string>;
}

/** A field of the clone spec failed its allowlist: nothing was run. */
export class GitSpecError extends Error {
  constructor(
    readonly field: 'gitUrl' | 'gitBranch' | 'commit' | 'ref',
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'GitSpecError';
  }
}

/**
 * Only these transports: `ext::` (runs a command), `file://` and local paths (read the worker's own
 * disk) are refused by git itself even if a value got past the allowlist.
 */
const PROTOCOL_CONFIG = [
  '-c',
  'protocol.allow=never',
  '-c',
  'protocol.https.allow=always',
  '-c',
  'protocol.http.allow=always',
  '-c',
  'protocol.ssh.allow=always',
];

function checked(spec: GitCloneSpec): void {
  const url = gitUrl(spec.url);
  if (url) throw new GitSpecError('gitUrl', url);
  const branch = gitBranch(spec.branch);
  if (branch) throw new GitSpecError('gitBranch', branch);
  if (spec.commit !== null) {
    const commit = gitCommit(spec.commit);
    if (commit) throw new GitSpecError('commit', commit);
  }
  if (spec.ref !== undefined && spec.ref !== null && !isFetchableRef(spec.ref))
    throw new GitSpecError('ref', 'must be a pull request head ref (refs/pull/<n>/head or refs/merge-requests/<n>/head) or a tag (refs/tags/<name>)');
}

/** Where a fetched pull request head is kept in the clone. */
const FETCHED_REF = 'refs/zpanel/source';

/**
 * The git host refused to prove it holds the pinned key: someone may be in the middle, or the host
 * really changed its key (then the user forgets the pinned one on purpose).
 */
export class GitHostKeyChangedError extends Error {
  constructor() {
    super(
      "the git host's key changed; if the provider really rotated it, forget the pinned host key in the application's source settings and deploy again",
    );
    this.name = 'GitHostKeyChangedError';
  }
}

/** The HTTPS git host asked for credentials, or refused the token it was given. */
export class GitAuthError extends Error {
  constructor(readonly hadToken: boolean) {
    super(
      hadToken
        ? 'the git host refused the HTTPS token: check that it is still valid and can read the repository'
        : "the git host asks for credentials: set an HTTPS token in the application's source settings (or use an ssh URL with a deploy key)",
    );
    this.name = 'GitAuthError';
  }
}

/**
 * The git host could not be reached: its address is not one this instance connects to, the name
 * does not resolve, or nothing answered. One message for all of these, so that a deployment's
 * reason or log cannot tell an open port from a closed or filtered one, or a refused address.
 */
export class GitHostUnreachableError extends Error {
  constructor() {
    super('could not reach the git host: check the repository address, and that the host accepts connections from this instance');
    this.name = 'GitHostUnreachableError';
  }
}

/** What git and its transports (curl, ssh) print when the connection itself failed, before any git exchange. */
const UNREACHABLE =
  /Failed to connect to|Could not resolve (host|hostname|proxy)|Couldn't connect to server|Connection refused|Connection timed out|Operation timed out|timed out after|No route to host|Network is unreachable|ssh: connect to host|Connection reset|Connection closed|kex_exchange_identification|banner exchange|Bad packet length|Protocol mismatch|Empty reply from server|Recv failure|SSL_connect|SSL routines|gnutls_handshake|wrong version number/i;

/** ssh:// and scp-like `user@host:path` URLs go through ssh; the allowlist admits nothing else but http(s). */
export function isSshGitUrl(url: string): boolean {
  return !/^https?:\/\//i.test(url);
}

/** Where ssh connects for a git host name: the address the policy checked. */
export interface SshConnectTarget {
  host: string;
  port: number | null;
  address: string;
}

/**
 * The environment git runs with. ssh uses only `keyPath` (when set) and the known_hosts file of `home`:
 * `pinned` (that file holds the pinned key): the host must prove exactly that key; otherwise the
 * first contact is trusted and ssh writes the key it saw there, for the caller to pin.
 */
export function gitEnvironment(home: string, keyPath: string | null, pinned = false, connectTo?: SshConnectTarget): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
  };
  // git runs GIT_SSH_COMMAND through a shell: every part is quoted (the paths are ours, the quoting is for safety anyway).
  const ssh = [
    'ssh',
    '-o',
    'BatchMode=yes',
    '-o',
    `StrictHostKeyChecking=${pinned ? 'yes' : 'accept-new'}`,
    '-o',
    `UserKnownHostsFile=${join(home, 'known_hosts')}`,
  ];
  // Readable lines to pin and show (Debian's system config hashes host names).
  ssh.push('-o', 'HashKnownHosts=no');
  if (keyPath) ssh.push('-o', 'IdentitiesOnly=yes', '-i', keyPath);
  // The checked address, with the host key still filed under the name (and port) from the URL.
  if (connectTo)
    ssh.push(
      '-o',
      `HostName=${connectTo.address}`,
      '-o',
      `HostKeyAlias=${connectTo.port === null || connectTo.port === 22 ? connectTo.host : `[${connectTo.host}]:${connectTo.port}`}`,
      '-o',
      'CheckHostIP=no',
    );
  env.GIT_SSH_COMMAND = ssh.map(quoteShellArg).join(' ');
  return env;
}

/**
 * The token as an Authorization header for the repository's origin only, handed to git through
 * GIT_CONFIG_* variables: not in argv (visible to every local user in ps) nor in the URL (stored in
 * .git/config and echoed in errors). A bare token goes with the username `x-access-token`
 * (GitHub, Gitea and GitLab accept any username with a personal or project token).
 */
export function gitTokenEnvironment(url: string, token: string): Record<string, string> {
  const credentials = token.includes(':') ? token : `x-access-token:${token}`;
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${new URL(url).origin}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`,
  };
}

/** The clone of one branch into `dir`, without checking anything out yet. Throws GitSpecError for a value outside the allowlists. */
export function gitCloneCommand(spec: GitCloneSpec, dir: string, env: Record<string, string>, connectConfig: string[] = []): GitCommand {
  checked(spec);
  return {
    argv: [
      'git',
      ...PROTOCOL_CONFIG,
      ...connectConfig,
      'clone',
      '--quiet',
      '--no-checkout',
      '--single-branch',
      '--branch',
      spec.branch,
      '--',
      spec.url,
      dir,
    ],
    env,
  };
}

/** An empty repository to fetch a pull request head into. */
export function gitInitCommand(dir: string, env: Record<string, string>): GitCommand {
  return { argv: ['git', 'init', '--quiet', dir], env };
}

/** Fetches `spec.ref` (a pull request head or a tag, nothing else) into FETCHED_REF. Throws GitSpecError for a value outside the allowlists. */
export function gitFetchRefCommand(spec: GitCloneSpec, dir: string, env: Record<string, string>, connectConfig: string[] = []): GitCommand {
  checked(spec);
  if (!spec.ref) throw new GitSpecError('ref', 'is required to fetch a ref');
  return {
    argv: ['git', '-C', dir, ...PROTOCOL_CONFIG, ...connectConfig, 'fetch', '--quiet', '--no-tags', '--', spec.url, `+${spec.ref}:${FETCHED_REF}`],
    env,
  };
}

/** Resolves the commit to build (`<sha>^{commit}`, or the head of the branch or fetched ref) to its full hash. */
export function gitResolveCommand(spec: GitCloneSpec, dir: string, env: Record<string, string>): GitCommand {
  checked(spec);
  return { argv: ['git', '-C', dir, 'rev-parse', '--verify', '--quiet', `${spec.commit ?? (spec.ref ? FETCHED_REF : 'HEAD')}^{commit}`], env };
}

export function gitCheckoutCommand(sha: string, dir: string, env: Record<string, string>): GitCommand {
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new GitSpecError('commit', 'must be a full commit hash');
  return { argv: ['git', '-C', dir, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', sha], env };
}

export interface GitOutput {
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
}

export class GitCommandError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git exited with ${exitCode ?? 'a signal'}`);
    this.name = 'GitCommandError';
  }
}

/** Runs one command as argv (no shell) and resolves to its stdout. */
export function runGit(command: GitCommand, output: GitOutput = {}, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command.argv;
    const child = spawn(file, args, { env: command.env, stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      output.onStdout?.(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < 64 * 1024) stderr += text;
      output.onStderr?.(text);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new GitCommandError(code, stderr))));
  });
}

/**
 * How git reaches the repository's host: the address the policy checked, and nothing else.
 * git resolves names itself, so the check alone would leave a window in which the name could
 * resolve to another (denied) address (DNS rebinding); instead the checked address is pinned:
 * curl's resolve list for http(s) (and no redirects, which would go to a host nobody checked),
 * ssh's HostName for ssh (the host key stays filed under the name).
 */
export async function gitConnection(url: string, policy: AddressPolicy): Promise<{ connectConfig: string[]; ssh?: SshConnectTarget }> {
  const { host, port } = gitUrlHost(url);
  let addresses: string[];
  try {
    addresses = await policy.resolve(host, 'outbound');
  } catch (error) {
    if (error instanceof AddressNotAllowedError) throw new GitHostUnreachableError();
    throw error;
  }
  if (isSshGitUrl(url)) return { connectConfig: [], ssh: isIP(host) === 0 ? { host, port, address: addresses[0] } : undefined };
  const noRedirects = ['-c', 'http.followRedirects=false'];
  if (isIP(host) !== 0) return { connectConfig: noRedirects };
  const httpPort = port ?? (/^https:/i.test(url) ? 443 : 80);
  // curl tries every address listed, in order, as it would those of the name.
  const pinned = addresses.map((address) => (isIP(address) === 6 ? `[${address}]` : address)).join(',');
  return { connectConfig: [...noRedirects, '-c', `http.curloptResolve=${host}:${httpPort}:${pinned}`] };
}

/** A checked-out commit in a temporary directory; `dispose` removes it with the key. */
export interface SourceCheckout {
  dir: string;
  sha: string;
  /** known_hosts lines learned on this clone (ssh URL, nothing pinned before); null otherwise. */
  learnedHostKey?: string | null;
  dispose(): Promise<void>;
}

/** Fetches an application's source; the real one runs git in the worker, tests use a fake. */
export interface SourceFetcher {
  checkout(spec: GitCloneSpec, output: GitOutput, signal: AbortSignal): Promise<SourceCheckout>;
}

/**
 * Clones into a fresh temporary directory in the worker: argv only, a private HOME, only http(s)
 * and ssh transports, no prompts, the deploy key in a 0600 file of that directory, then checks out
 * the exact commit detached and reports its full hash.
 */
export class GitSourceFetcher implements SourceFetcher {
  constructor(
    private readonly policy: AddressPolicy,
    private readonly root: string = tmpdir(),
  ) {}

  async checkout(spec: GitCloneSpec, output: GitOutput, signal: AbortSignal): Promise<SourceCheckout> {
    checked(spec);
    const connection = await gitConnection(spec.url, this.policy);
    const home = await mkdtemp(join(this.root, 'zpanel-src-'));
    const dispose = () => rm(home, { recursive: true, force: true });
    try {
      let keyPath: string | null = null;
      if (spec.deployKey) {
        keyPath = join(home, 'deploy_key');
        await writeFile(keyPath, spec.deployKey.endsWith('\n') ? spec.deployKey : `${spec.deployKey}\n`, { mode: 0o600 });
        await chmod(keyPath, 0o600);
      }
      const knownHosts = join(home, 'known_hosts');
      const pinned = spec.hostKey !== null && spec.hostKey.trim() !== '';
      if (pinned) await writeFile(knownHosts, `${(spec.hostKey as string).trim()}\n`, { mode: 0o600 });
      const env = gitEnvironment(home, keyPath, pinned, connection.ssh);
      if (spec.token && !isSshGitUrl(spec.url)) Object.assign(env, gitTokenEnvironment(spec.url, spec.token));
      const dir = join(home, 'repo');
      // What git says while reaching the host is held back until we know the host answered: an
      // error from curl or ssh would tell a closed port from a filtered one.
      let held = '';
      const reaching: GitOutput = { onStdout: output.onStdout, onStderr: (text) => (held += text) };
      try {
        if (spec.ref) {
          await runGit(gitInitCommand(dir, env), {}, signal);
          await runGit(gitFetchRefCommand(spec, dir, env, connection.connectConfig), reaching, signal);
        } else {
          await runGit(gitCloneCommand(spec, dir, env, connection.connectConfig), reaching, signal);
        }
        if (held) output.onStderr?.(held);
      } catch (error) {
        if (error instanceof GitCommandError && UNREACHABLE.test(error.stderr)) throw new GitHostUnreachableError();
        if (held) output.onStderr?.(held);
        if (pinned && error instanceof GitCommandError && /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/.test(error.stderr))
          throw new GitHostKeyChangedError();
        if (
          !isSshGitUrl(spec.url) &&
          error instanceof GitCommandError &&
          /could not read Username|Authentication failed|returned error: 40[13]/.test(error.stderr)
        ) {
          throw new GitAuthError(spec.token !== null);
        }
        throw error;
      }
      let learnedHostKey: string | null = null;
      if (!pinned && isSshGitUrl(spec.url)) {
        learnedHostKey = (await readFile(knownHosts, 'utf8').catch(() => '')).trim() || null;
      }
      let sha: string;
      try {
        sha = (await runGit(gitResolveCommand(spec, dir, env), {}, signal)).trim();
      } catch (error) {
        if (error instanceof GitCommandError && spec.commit)
          throw new GitCommandError(error.exitCode, `commit ${spec.commit} is not on ${spec.ref ? spec.ref : `branch ${spec.branch}`}`);
        throw error;
      }
      await runGit(gitCheckoutCommand(sha, dir, env), output, signal);
      return { dir, sha, learnedHostKey, dispose };
    } catch (error) {
      await dispose();
      throw error;
    }
  }
}
