import type { CreateServerRequest, CreateSshKeyRequest, PageQuery, Paginated, ServerDto, SshKeyDto, UpdateServerRequest } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

// The team travels in the `x-zpanel-team` header, which the client adds.
const KEYS = '/api/v1/ssh-keys';
const SERVERS = '/api/v1/servers';
const serverPath = (id: string) => `${SERVERS}/${encodeURIComponent(id)}`;

export function fetchSshKeys({ page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<SshKeyDto>> {
  return apiRequest<Paginated<SshKeyDto>>(KEYS, { signal, query: { page, perPage } });
}

/** Without `privateKey` the API generates an ed25519 key; the private key is never returned. */
export function createSshKey(body: CreateSshKeyRequest): Promise<SshKeyDto> {
  return apiRequest<SshKeyDto>(KEYS, { method: 'POST', body });
}

/** 409 while a server uses the key. */
export function deleteSshKey(id: string): Promise<void> {
  return apiRequest<void>(`${KEYS}/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function fetchServers({ page, perPage }: PageQuery, signal?: AbortSignal): Promise<Paginated<ServerDto>> {
  return apiRequest<Paginated<ServerDto>>(SERVERS, { signal, query: { page, perPage } });
}

export function fetchServer(id: string, signal?: AbortSignal): Promise<ServerDto> {
  return apiRequest<ServerDto>(serverPath(id), { signal });
}

export function createServer(body: CreateServerRequest): Promise<ServerDto> {
  return apiRequest<ServerDto>(SERVERS, { method: 'POST', body });
}

export function updateServer(id: string, body: UpdateServerRequest): Promise<ServerDto> {
  return apiRequest<ServerDto>(serverPath(id), { method: 'PATCH', body });
}

export function deleteServer(id: string): Promise<void> {
  return apiRequest<void>(serverPath(id), { method: 'DELETE' });
}

/** 202: the server is 'validating' until the worker settles it. */
export function validateServer(id: string): Promise<ServerDto> {
  return apiRequest<ServerDto>(`${serverPath(id)}/validate`, { method: 'POST' });
}

/** 202: forgets the recorded host key and validates again, pinning the one presented now. */
export function trustHostKey(id: string): Promise<ServerDto> {
  return apiRequest<ServerDto>(`${serverPath(id)}/trust-host-key`, { method: 'POST' });
}
