import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, ErrorCode, type PageQuery, type Paginated, type SshKeyDto } from '@zpanel/contracts';
import { AppException, SecretBox, SshKeyError, generateSshKeyPair, inspectPrivateKey } from '@zpanel/core';
import { ApplicationsRepository, type SshKeyEntity, SshKeysRepository, type TeamScope, sshKeyAad } from '@zpanel/database';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';

/** A team's SSH private keys: sealed at rest, never returned; the public half is shown to copy. */
@Injectable()
export class SshKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: SshKeysRepository,
    private readonly applications: ApplicationsRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
  ) {}

  async list(team: TeamScope, query: PageQuery): Promise<Paginated<SshKeyDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.keys.page(team, { skip: window.skip, take: window.perPage }, { createdAt: 'DESC', id: 'ASC' });
    return paginated(await this.toDtos(rows), total, window);
  }

  async create(caller: Caller, team: TeamScope, input: { name: string; privateKey?: string }): Promise<SshKeyDto> {
    let pair;
    try {
      pair = input.privateKey ? inspectPrivateKey(input.privateKey, 'zpanel') : generateSshKeyPair('zpanel');
    } catch (error) {
      if (error instanceof SshKeyError) throw AppException.validation([{ field: 'privateKey', message: error.message }]);
      throw error;
    }
    const id = randomUUID();
    const row = await this.dataSource.transaction(async (manager) => {
      const saved = await this.keys.in(manager).add(team, {
        id,
        name: input.name,
        type: pair.type,
        privateKey: this.box.seal(pair.privateKey, sshKeyAad(id)),
        publicKey: pair.publicKey,
        fingerprint: pair.fingerprint,
      });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.SshKeyCreated,
        target: { type: 'ssh_key', id },
        metadata: { name: input.name, fingerprint: pair.fingerprint, generated: !input.privateKey },
      });
      return saved;
    });
    const [dto] = await this.toDtos([row]);
    return dto;
  }

  async delete(caller: Caller, team: TeamScope, id: string): Promise<void> {
    const row = await this.keys.get(team, id);
    const used = await this.keys.serversUsing(id);
    if (used > 0) throw new AppException(ErrorCode.Conflict, `The key is used by ${used} server(s): give them another key first`);
    const deploying = await this.applications.countUsing({ deployKeyId: id });
    if (deploying > 0)
      throw new AppException(ErrorCode.Conflict, `The key is the deploy key of ${deploying} application(s): give them another key first`);
    await this.dataSource.transaction(async (manager) => {
      await this.keys.in(manager).deleteOne(team, id);
      await this.audit.record(
        { action: AuditAction.SshKeyDeleted, teamId: team.teamId, actor: caller, target: { type: 'ssh_key', id }, metadata: { name: row.name } },
        manager,
      );
    });
  }

  private async toDtos(rows: SshKeyEntity[]): Promise<SshKeyDto[]> {
    const used = await this.keys.serverCounts(rows.map((r) => r.id));
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
