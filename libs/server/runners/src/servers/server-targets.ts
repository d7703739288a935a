import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SecretBox } from '@zpanel/core';
import { ServerEntity, SshKeyEntity, sshKeyAad } from '@zpanel/database';
import type { PooledTarget } from '@zpanel/remote';
import { DataSource } from 'typeorm';

/** How the worker reaches a server: its row, with the private key opened from the secret box. */
@Injectable()
export class ServerTargets {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  /** Undefined when the server no longer exists. */
  async load(serverId: string): Promise<{ server: ServerEntity; target: PooledTarget } | undefined> {
    const server = await this.dataSource.getRepository(ServerEntity).findOneBy({ id: serverId });
    if (!server) return undefined;
    const key = await this.dataSource.getRepository(SshKeyEntity).findOneByOrFail({ id: server.sshKeyId });
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
