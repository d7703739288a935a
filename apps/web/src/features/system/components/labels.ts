import type { ComponentName } from '@zpanel/contracts';

export const COMPONENT_LABELS: Record<ComponentName, string> = {
  postgres: 'Postgres',
  redis: 'Redis',
};

/** Display order; `Record` keys carry none. */
export const COMPONENT_NAMES = Object.keys(COMPONENT_LABELS) as ComponentName[];
