import { Role } from '@zpanel/contracts';

export const ROLE_LABELS: Record<Role, string> = {
  [Role.Owner]: 'Owner',
  [Role.Admin]: 'Admin',
  [Role.Member]: 'Member',
  [Role.Viewer]: 'Viewer',
};
