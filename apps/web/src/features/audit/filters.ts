import { AuditAction, type AuditEventQuery } from '@zpanel/contracts';

/** What the filter controls hold: an action and `YYYY-MM-DD` days, as the URL keeps them. */
export interface AuditFilters {
  action?: AuditAction;
  from?: string;
  to?: string;
}

const ACTIONS = new Set<string>(Object.values(AuditAction));
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Filters from the page's search parameters; anything malformed is ignored, not sent. */
export function filtersFromParams(params: URLSearchParams): AuditFilters {
  const action = params.get('action') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  return {
    action: ACTIONS.has(action) ? (action as AuditAction) : undefined,
    from: DAY.test(from) && isRealDay(from) ? from : undefined,
    to: DAY.test(to) && isRealDay(to) ? to : undefined,
  };
}

/**
 * The API query for the filters: days are whole days in the user's time zone, so "from" starts
 * at local midnight and "to" ends just before the next one (the API's bounds are inclusive).
 */
export function auditQueryFromFilters({ action, from, to }: AuditFilters): AuditEventQuery {
  return {
    action,
    since: from ? new Date(`${from}T00:00:00.000`).toISOString() : undefined,
    until: to ? new Date(`${to}T23:59:59.999`).toISOString() : undefined,
  };
}

export function hasFilters({ action, from, to }: AuditFilters): boolean {
  return Boolean(action || from || to);
}

function isRealDay(day: string): boolean {
  return !Number.isNaN(new Date(`${day}T00:00:00`).getTime());
}
