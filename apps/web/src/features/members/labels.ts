import { type InvitationStatus, Role } from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';

/** One line on what each role may do, for role pickers. */
export const ROLE_SUMMARIES: Record<Role, string> = {
  [Role.Owner]: 'Everything, including managing owners',
  [Role.Admin]: 'Deploys and manages people and tokens',
  [Role.Member]: 'Deploys and changes apps and servers',
  [Role.Viewer]: 'Looks, changes nothing',
};

export const INVITATION_STATUS: Record<InvitationStatus, { label: string; tone: Tone }> = {
  pending: { label: 'Pending', tone: 'warn' },
  accepted: { label: 'Accepted', tone: 'ok' },
  revoked: { label: 'Revoked', tone: 'down' },
  expired: { label: 'Expired', tone: 'neutral' },
};

const date = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });

/** "Jan 5, 2026": when a day is all that matters. */
export function calendarDate(iso: string): string {
  return date.format(new Date(iso));
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * "in 3 days", "in 5 hours", "2 days ago": rounded to the nearest unit, so an invitation made a
 * minute ago reads as valid for the 3 days it was made for, not "in 2 days".
 */
export function roughlyFromNow(iso: string, now: number = Date.now()): string {
  const hours = (new Date(iso).getTime() - now) / 3_600_000;
  if (Math.abs(hours) >= 24) return relative.format(Math.round(hours / 24), 'day');
  if (Math.abs(hours) >= 1) return relative.format(Math.round(hours), 'hour');
  return relative.format(Math.round(hours * 60), 'minute');
}

/** The message for a 410 `invitation_invalid`, whichever of the reasons it was. */
export const INVITATION_INVALID_MESSAGE = 'This invitation was already used, revoked or has expired: ask for a new one.';
