import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, ErrorCode, type PageQuery, type Paginated, type SshKeyDto } from '@zpanel/contracts';
import { AppException, SecretBox, SshKeyError, generateSshKeyPair, inspectPrivateKey } from '@zpanel/core';
import { ApplicationEntity, ServerEntity, SshKeyEntity, sshKeyAad } from '@zpanel/database';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';

/** A team's SSH private keys: sealed at rest, never returned; the public half is shown to copy. */
@Injectable()
export class SshKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
  ) {}

  private get keys() {
    return this.dataSource.getRepository(SshKeyEntity);
  }

  async list(teamId: string, query: PageQuery): Promise<Paginated<SshKeyDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.keys.findAndCount({
      where: { teamId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: window.skip,
      take: window.perPage,
    });
    return paginated(await this.toDtos(rows), total, window);
  }

  async create(caller: Caller, teamId: string, input: { name: string; privateKey?: string }): Promise<SshKeyDto> {
    let pair;
    try {
      pair = input.privateKey ? inspectPrivateKey(input.privateKey, 'zpanel') : generateSshKeyPair('zpanel');
    } catch (error) {
      if (error instanceof SshKeyError) throw AppException.validation([{ field: 'privateKey', message: error.message }]);
      throw error;
    }
    const id = randomUUID();
    const row = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(SshKeyEntity).save({
        id,
        teamId,
        name: input.name,
        type: pair.type,
        privateKey: this.box.seal(pair.privateKey, sshKeyAad(id)),
        publicKey: pair.publicKey,
        fingerprint: pair.fingerprint,
      });
      await this.audit.record(
        {
          action: AuditAction.SshKeyCreated,
          teamId,
          actor: caller,
          target: { type: 'ssh_key', id },
          metadata: { name: input.name, fingerprint: pair.fingerprint, generated: !input.privateKey },
        },
        manager,
      );
      return saved;
    });
    const [dto] = await this.toDtos([row]);
    return dto;
  }

  async teamOf(id: string): Promise<string | undefined> {
    return (await this.keys.findOne({ where: { id }, select: { id: true, teamId: true } }))?.teamId;
  }

  async delete(caller: Caller, id: string): Promise<void> {
    const row = await this.keys.findOneByOrFail({ id });
    const used = await this.dataSource.getRepository(ServerEntity).countBy({ sshKeyId: id });
    if (used > 0) throw new AppException(ErrorCode.Conflict, `The key is used by ${used} server(s): give them another key first`);
    const deploying = await this.dataSource.getRepository(ApplicationEntity).countBy({ deployKeyId: id });
    if (deploying > 0)
      throw new AppException(ErrorCode.Conflict, `The key is the deploy key of ${deploying} application(s): give them another key first`);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(SshKeyEntity).delete({ id });
      await this.audit.record(
        { action: AuditAction.SshKeyDeleted, teamId: row.teamId, actor: caller, target: { type: 'ssh_key', id }, metadata: { name: row.name } },
        manager,
      );
    });
  }

  private async toDtos(rows: SshKeyEntity[]): Promise<SshKeyDto[]> {
    const counts = rows.length
      ? ((await this.dataSource
          .getRepository(ServerEntity)
          .createQueryBuilder('s')
          .select('s.ssh_key_id', 'keyId')
          .addSelect('count(*)::int', 'count')
          .where('s.ssh_key_id IN (:...ids)', { ids: rows.map((r) => r.id) })
          .groupBy('s.ssh_key_id')
          .getRawMany()) as { keyId: string; count: number }[])
      : [];
    const used = new Map(counts.map((c) => [c.keyId, c.count]));
    return rows.map((r) => ({
      id: r.id,
      teamId: r.teamId,
      name: r.name,
      type: r.type,
      publicKey: r.publicKey,
      fingerprint: r.fingerprint,
      serverCount: used.get(r.id) ?? 0,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}
