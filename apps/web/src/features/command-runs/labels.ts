import { Ability, type CommandRunStatus, ROLE_ABILITIES, type Role } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

export const RUN_STATUS_LABELS: Record<CommandRunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const RUN_STATUS_TONES: Record<CommandRunStatus, Tone> = {
  queued: 'neutral',
  running: 'warn',
  succeeded: 'ok',
  failed: 'down',
  cancelled: 'neutral',
};

/** `undefined` when the role may run commands and read their output; else why not. */
export function whyCannotRunCommands(role: Role): string | undefined {
  return ROLE_ABILITIES[role].includes(Ability.Admin)
    ? undefined
    : `Your role (${role}) cannot run commands on servers or read their output: ask an owner or admin`;
}
