import { Injectable } from '@nestjs/common';
import { SecretBox } from '@zpanel/core';
import { type ServerEntity, ServersRepository, SshKeysRepository, sshKeyAad } from '@zpanel/database';
import type { PooledTarget } from '@zpanel/remote';

/** How the worker reaches a server: its row, with the private key opened from the secret box. */
@Injectable()
export class ServerTargets {
  constructor(
    private readonly servers: ServersRepository,
    private readonly keys: SshKeysRepository,
    private readonly box: SecretBox,
  ) {}

  /** Undefined when the server no longer exists. */
  async load(serverId: string): Promise<{ server: ServerEntity; target: PooledTarget } | undefined> {
    const server = await this.servers.findByIdAcrossTeams(serverId);
    if (!server) return undefined;
    // The key cannot go while a server uses it (the foreign key refuses it).
    const key = await this.keys.findByIdAcrossTeams(server.sshKeyId);
    if (!key) throw new Error(`The SSH key of server ${server.id} is missing`);
    return {
      server,
      target: {
        id: server.id,
        host: server.host,
        port: server.port,
        username: server.user,
        privateKey: this.box.open(key.privateKey, sshKeyAad(key.id)),
        hostKeyFingerprint: server.hostKeyFingerprint ?? undefined,
      },
    };
  }
}
