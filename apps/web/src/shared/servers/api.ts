import type { CreateServerRequest, CreateSshKeyRequest, ServerDto, SshKeyDto, UpdateServerRequest } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';
import { restResource } from '../../lib/rest-resource';

/** Creating one without `privateKey` generates an ed25519 key; the private key is never returned. Deleting one is a 409 while a server uses it. */
export const sshKeysApi = restResource<SshKeyDto, CreateSshKeyRequest, never>('/api/v1/ssh-keys');
export const serversApi = restResource<ServerDto, CreateServerRequest, UpdateServerRequest>('/api/v1/servers');
const serverPath = serversApi.path;

/** 202: the server is 'validating' until the worker settles it. */
export function validateServer(id: string): Promise<ServerDto> {
  return apiRequest<ServerDto>(`${serverPath(id)}/validate`, { method: 'POST' });
}

/** 202: forgets the recorded host key and validates again, pinning the one presented now. */
export function trustHostKey(id: string): Promise<ServerDto> {
  return apiRequest<ServerDto>(`${serverPath(id)}/trust-host-key`, { method: 'POST' });
}
