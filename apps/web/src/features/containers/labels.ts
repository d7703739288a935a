import { Ability, type ContainerDto, type ContainerState, ROLE_ABILITIES, type Role } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

export const STATE_LABELS: Record<ContainerState, string> = {
  created: 'Created',
  running: 'Running',
  paused: 'Paused',
  restarting: 'Restarting',
  removing: 'Removing',
  exited: 'Exited',
  dead: 'Dead',
};

export const STATE_TONES: Record<ContainerState, Tone> = {
  created: 'neutral',
  running: 'ok',
  paused: 'warn',
  restarting: 'warn',
  removing: 'warn',
  exited: 'neutral',
  dead: 'down',
};

/** `undefined` when the role may start, stop, restart and remove containers; else why not. */
export function whyCannotManageContainers(role: Role): string | undefined {
  return ROLE_ABILITIES[role].includes(Ability.Write) ? undefined : `Your role (${role}) cannot change containers: ask a member, admin or owner`;
}

/** The name people know a container by (Docker's first name), else its short id. */
export function containerName(container: Pick<ContainerDto, 'id' | 'names'>): string {
  return container.names[0] ?? container.id.slice(0, 12);
}

/** An image Docker knows only by digest (`sha256:…`) reads as its first 12 hex digits, as in `docker ps`. */
export function imageName(image: string): string {
  return image.startsWith('sha256:') ? image.slice(7, 19) : image;
}
