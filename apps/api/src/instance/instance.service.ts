import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InstanceEntity } from '@zpanel/database';
import { DataSource } from 'typeorm';

/** This installation's identity, created by the first migration; read once, it never changes. */
@Injectable()
export class InstanceService {
  private id?: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async instanceId(): Promise<string> {
    if (!this.id) {
      const [row] = await this.dataSource.getRepository(InstanceEntity).find({ take: 1 });
      if (!row) throw new Error('instance row missing: migrations have not run');
      this.id = row.id;
    }
    return this.id;
  }
}
