import { AuditAction } from '@zpanel/contracts';
import { describe, expect, it } from 'vitest';
import { auditQueryFromFilters, filtersFromParams } from './filters';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTION_LABELS } from './labels';

describe(auditQueryFromFilters.name, () => {
  it('turns the days into inclusive bounds from local midnight to the end of the last day', () => {
    expect(auditQueryFromFilters({ action: AuditAction.ApiTokenCreated, from: '2026-03-01', to: '2026-03-31' })).toEqual({
      action: AuditAction.ApiTokenCreated,
      since: new Date(2026, 2, 1, 0, 0, 0, 0).toISOString(),
      until: new Date(2026, 2, 31, 23, 59, 59, 999).toISOString(),
    });
  });

  it('leaves out what is not filtered', () => {
    expect(auditQueryFromFilters({})).toEqual({ action: undefined, since: undefined, until: undefined });
  });
});

describe(filtersFromParams.name, () => {
  it('reads the action and days from the URL', () => {
    expect(filtersFromParams(new URLSearchParams('action=auth.login_failed&from=2026-03-01&to=2026-03-02&page=3'))).toEqual({
      action: AuditAction.LoginFailed,
      from: '2026-03-01',
      to: '2026-03-02',
    });
  });

  it('ignores an unknown action and malformed days instead of sending them', () => {
    expect(filtersFromParams(new URLSearchParams('action=rm+-rf&from=yesterday&to=2026-13-45'))).toEqual({
      action: undefined,
      from: undefined,
      to: undefined,
    });
  });
});

describe('AUDIT_ACTION_GROUPS', () => {
  it('offers every audit action exactly once in the filter', () => {
    const offered = AUDIT_ACTION_GROUPS.flatMap(({ actions }) => actions);
    expect([...offered].sort()).toEqual(Object.values(AuditAction).sort());
    expect(Object.keys(AUDIT_ACTION_LABELS).sort()).toEqual(Object.values(AuditAction).sort());
  });
});
