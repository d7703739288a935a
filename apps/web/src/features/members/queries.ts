import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { fetchInvitationPreview, fetchInvitations, fetchMembers } from './api';

export const MEMBERS_PER_PAGE = 20;
export const INVITATIONS_PER_PAGE = 10;

export const membersKeys = {
  all: ['members'] as const,
  team: (teamId: string) => [...membersKeys.all, 'team', teamId] as const,
  members: (teamId: string) => [...membersKeys.team(teamId), 'members'] as const,
  memberPage: (teamId: string, page: number) => [...membersKeys.members(teamId), page] as const,
  invitations: (teamId: string) => [...membersKeys.team(teamId), 'invitations'] as const,
  invitationPage: (teamId: string, page: number) => [...membersKeys.invitations(teamId), page] as const,
  preview: (token: string) => [...membersKeys.all, 'preview', token] as const,
};

export const membersQuery = (teamId: string, page: number) =>
  queryOptions({
    queryKey: membersKeys.memberPage(teamId, page),
    queryFn: ({ signal }) => fetchMembers(teamId, { page, perPage: MEMBERS_PER_PAGE }, signal),
    // The page being left stays on screen until the next one has arrived.
    placeholderData: keepPreviousData,
  });

export const invitationsQuery = (teamId: string, page: number) =>
  queryOptions({
    queryKey: membersKeys.invitationPage(teamId, page),
    queryFn: ({ signal }) => fetchInvitations(teamId, { page, perPage: INVITATIONS_PER_PAGE }, signal),
    placeholderData: keepPreviousData,
  });

export const invitationPreviewQuery = (token: string) =>
  queryOptions({
    queryKey: membersKeys.preview(token),
    queryFn: ({ signal }) => fetchInvitationPreview(token, signal),
    // What an invitation is for does not change; only its validity does, which a submit will tell.
    staleTime: Infinity,
  });

export function useMembers(teamId: string, page: number) {
  return useQuery(membersQuery(teamId, page));
}

/** Owners and admins only: everyone else gets 403. */
export function useInvitations(teamId: string, page: number) {
  return useQuery(invitationsQuery(teamId, page));
}
