import type { DatabaseOperationKind, DatabaseOperationStatus } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

export const OPERATION_KIND_LABELS: Record<DatabaseOperationKind, string> = {
  create: 'Create',
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  'rotate-password': 'Rotate password',
  apply: 'Apply settings',
  delete: 'Delete',
};

export const OPERATION_STATUS_LABELS: Record<DatabaseOperationStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  success: 'Succeeded',
  failed: 'Failed',
};

export const OPERATION_STATUS_TONES: Record<DatabaseOperationStatus, Tone> = {
  queued: 'neutral',
  running: 'warn',
  success: 'ok',
  failed: 'down',
};
