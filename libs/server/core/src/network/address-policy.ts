import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * What a connection is for: `server` (SSH to a managed server) or `outbound` (git remotes, and any
 * other URL a user gives the control plane to fetch or call).
 */
export type AddressPurpose = 'server' | 'outbound';

/** The address ranges each purpose may not reach, and the ranges reachable whatever the deny lists say. */
export interface AddressPolicySettings {
  /** Ranges reachable even when a deny list covers them (tests: loopback, where the fixtures live). */
  allowedCidrs: string[];
  outboundDeniedCidrs: string[];
  serverDeniedCidrs: string[];
}

/**
 * Cloud metadata endpoints and addresses that are this machine whatever its network: they answer
 * without credentials and hand out instance secrets, so no URL a user types may reach them.
 * Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) are not in the defaults: a git server or
 * a managed server on the LAN is an ordinary self-hosted setup; an operator who exposes the
 * control plane to untrusted users adds them.
 */
const NEVER_BY_DEFAULT = [
  '0.0.0.0/8', // "this host": connecting to 0.0.0.0 reaches loopback on Linux
  '169.254.0.0/16', // IPv4 link-local, where AWS, GCP, Azure, Oracle and OpenStack serve metadata
  '100.100.100.200/32', // Alibaba Cloud metadata
  '::/128',
  'fe80::/10', // IPv6 link-local
  'fd00:ec2::254/128', // AWS metadata over IPv6
];
const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/**
 * Git and outbound URLs never reach loopback: the control plane's own services (PostgreSQL, Redis,
 * the worker's health port) listen there. Servers may: managing the instance's own Docker over SSH
 * on 127.0.0.1 is the usual single-box install, and a server's host is set by a team admin who
 * already runs commands on whatever server they add.
 */
export const DEFAULT_OUTBOUND_DENIED_CIDRS: readonly string[] = [...LOOPBACK, ...NEVER_BY_DEFAULT];
export const DEFAULT_SERVER_DENIED_CIDRS: readonly string[] = [...NEVER_BY_DEFAULT];

interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (a single host); null when it is not one of those. */
export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`not an address range: ${text}`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
}

/** The host refused by the policy, or that did not resolve; the message says nothing of ports. */
export class AddressNotAllowedError extends Error {
  constructor(
    readonly host: string,
    readonly reason: 'denied' | 'unresolved',
  ) {
    super(reason === 'denied' ? `${host} is an address this instance does not connect to` : `${host} does not resolve to an address`);
    this.name = 'AddressNotAllowedError';
  }
}

const RESOLVE_TIMEOUT_MS = 5_000;

/** Resolves a host name to every address it has; replaced in tests. */
export type HostResolver = (host: string) => Promise<string[]>;

// IPv4 first: a caller that connects to one address takes the first, and dual-stack hosts with a
// broken IPv6 route are more common than the reverse.
const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: false })).map((entry) => entry.address);

/**
 * Which addresses the control plane may connect to, per purpose. Checked twice: when a host is
 * saved (a clear 400 early) and on the resolved address right before connecting, because a name
 * can resolve elsewhere later (DNS rebinding). Every address a name resolves to must pass, so a
 * name cannot mix an allowed answer with a denied one.
 */
export class AddressPolicy {
  private readonly allowed: BlockList;
  private readonly denied: Record<AddressPurpose, BlockList>;

  constructor(
    settings: AddressPolicySettings,
    private readonly resolver: HostResolver = systemResolver,
  ) {
    this.allowed = blockList(settings.allowedCidrs);
    this.denied = { outbound: blockList(settings.outboundDeniedCidrs), server: blockList(settings.serverDeniedCidrs) };
  }

  /** Whether a literal IP address may be reached for `purpose`. */
  allows(address: string, purpose: AddressPurpose): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, type)) return true;
    return !this.denied[purpose].check(address, type);
  }

  /**
   * Every address of `host` (itself when it is an IP literal), all checked; throws
   * AddressNotAllowedError when one is denied or the name does not resolve. Connect to one of
   * these, never to the name again.
   */
  async resolve(host: string, purpose: AddressPurpose): Promise<string[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    let addresses: string[];
    if (isIP(bare) !== 0) addresses = [bare];
    else {
      let timer: NodeJS.Timeout | undefined;
      try {
        // A resolver that does not answer must not hold a request or a job: an unanswered name is one that does not resolve.
        const timeout = new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), RESOLVE_TIMEOUT_MS)));
        addresses = await Promise.race([this.resolver(bare), timeout]);
      } catch {
        addresses = [];
      } finally {
        clearTimeout(timer);
      }
      if (addresses.length === 0) throw new AddressNotAllowedError(bare, 'unresolved');
    }
    if (addresses.some((address) => !this.allows(address, purpose))) throw new AddressNotAllowedError(bare, 'denied');
    return addresses;
  }

  /**
   * The check at save time: a message for the field when `host` is (or resolves to) a denied
   * address, null otherwise. A name that does not resolve yet is accepted: it is checked again
   * at connect time.
   */
  async problem(host: string, purpose: AddressPurpose): Promise<string | null> {
    try {
      await this.resolve(host, purpose);
      return null;
    } catch (error) {
      if (error instanceof AddressNotAllowedError && error.reason === 'denied') {
        const examples = purpose === 'server' ? 'link-local or a cloud metadata service' : 'loopback, link-local or a cloud metadata service';
        return `points to an address this instance does not connect to (such as ${examples})`;
      }
      return null;
    }
  }
}

/** The host part of a git URL the allowlist accepted (https://, http://, ssh:// or scp-like user@host:path). */
export function gitUrlHost(url: string): { host: string; port: number | null } {
  const scp = /^[^@/:]+@([^:/]+):/.exec(url);
  if (scp && !url.includes('://')) return { host: scp[1], port: null };
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port === '' ? null : Number(parsed.port) };
}
