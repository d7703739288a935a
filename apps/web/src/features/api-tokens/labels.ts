import { Ability } from '@zpanel/contracts';

export const ABILITY_LABELS: Record<Ability, string> = {
  [Ability.Read]: 'Read',
  [Ability.ReadSensitive]: 'Read secrets',
  [Ability.Write]: 'Write',
  [Ability.Deploy]: 'Deploy',
  [Ability.Admin]: 'Admin',
};

export const ABILITY_DESCRIPTIONS: Record<Ability, string> = {
  [Ability.Read]: 'See the team, its members, apps, servers and logs.',
  [Ability.ReadSensitive]: 'Also see secrets such as environment values.',
  [Ability.Write]: 'Create, change and delete apps, servers and settings.',
  [Ability.Deploy]: 'Start deployments.',
  [Ability.Admin]: 'Manage members, invitations and the audit log.',
};

/** Every ability, in the order the contract lists them (weakest first). */
export const ALL_ABILITIES: readonly Ability[] = Object.values(Ability);
