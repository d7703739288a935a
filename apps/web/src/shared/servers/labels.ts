import { Ability, CHECK_INTERVAL_LIMITS, ROLE_ABILITIES, type ReasonCode, type Role, type ServerStatus } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

export const STATUS_LABELS: Record<ServerStatus, string> = {
  pending: 'Not validated',
  validating: 'Validating…',
  ready: 'Ready',
  unreachable: 'Unreachable',
  invalid: 'Invalid',
};

export const STATUS_TONES: Record<ServerStatus, Tone> = {
  pending: 'neutral',
  validating: 'warn',
  ready: 'ok',
  unreachable: 'down',
  invalid: 'down',
};

/** `undefined` when the role may add, change and remove servers and keys; else why not. */
export function whyCannotManageServers(role: Role): string | undefined {
  return ROLE_ABILITIES[role].includes(Ability.Admin) ? undefined : `Your role (${role}) cannot change servers: ask an owner or admin`;
}

/** The worker refused the server because the recorded host key no longer matches (by its code: the reason's words may change). */
export function isHostKeyChange(code: ReasonCode | null): boolean {
  return code === 'server.host_key_changed';
}

export const CHECK_INTERVAL_HINT = `Seconds between two checks of reachability and usage, ${CHECK_INTERVAL_LIMITS.min} to ${CHECK_INTERVAL_LIMITS.max}. Empty: the instance default.`;

/** The check interval field: empty means the instance default (null), else whole seconds within the limits. */
export function parseCheckInterval(value: string): { seconds: number | null; error?: string } {
  if (value.trim() === '') return { seconds: null };
  const seconds = Number(value);
  if (Number.isInteger(seconds) && seconds >= CHECK_INTERVAL_LIMITS.min && seconds <= CHECK_INTERVAL_LIMITS.max) return { seconds };
  return { seconds: null, error: `Whole seconds from ${CHECK_INTERVAL_LIMITS.min} to ${CHECK_INTERVAL_LIMITS.max}.` };
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** "12.3 GB free"-style sizes, powers of 1024. */
export function bytes(value: number): string {
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < UNITS.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size >= 10 || unit === 0 ? Math.round(size) : size.toFixed(1)} ${UNITS[unit]}`;
}
