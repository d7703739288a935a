import { Role, ROLE_RANK, type TeamMemberDto } from '@zpanel/contracts';

/**
 * What the signed-in user may do to the people of their current team, mirroring the API's rules
 * (members.service.ts) so the page can say why a control is off instead of letting it fail.
 * `undefined` means allowed; a string is the reason it is not, for the control's title.
 */
export type Refusal = string | undefined;

/** Strongest first, as role pickers list them. */
export const ROLES_STRONGEST_FIRST: readonly Role[] = [Role.Owner, Role.Admin, Role.Member, Role.Viewer];

export function isTeamAdmin(role: Role): boolean {
  return role === Role.Owner || role === Role.Admin;
}

export function whyCannotChangeRole(actor: Role, target: TeamMemberDto): Refusal {
  if (!isTeamAdmin(actor)) return `Your role (${actor}) cannot change roles: ask an owner or admin`;
  if (target.role === Role.Owner && actor !== Role.Owner) return 'Only an owner can change the role of an owner';
  return undefined;
}

/** Whether `actor` may hand out `role` (when changing a role or inviting). */
export function whyCannotGrant(actor: Role, role: Role): Refusal {
  if (role === Role.Owner && actor !== Role.Owner) return 'Only an owner can make someone an owner';
  return undefined;
}

export function whyCannotRemove(actor: Role, target: TeamMemberDto): Refusal {
  if (!isTeamAdmin(actor)) return `Your role (${actor}) cannot remove members: ask an owner or admin`;
  if (target.role === Role.Owner && actor !== Role.Owner) return 'Only an owner can remove an owner';
  return undefined;
}

export function whyCannotInvite(actor: Role): Refusal {
  return isTeamAdmin(actor) ? undefined : `Your role (${actor}) cannot invite people: ask an owner or admin`;
}

/** A change of your own role that takes something away from you. */
export function isSelfDemotion(from: Role, to: Role): boolean {
  return ROLE_RANK[to] < ROLE_RANK[from];
}
