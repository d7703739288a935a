import { Injectable } from '@nestjs/common';
import { InstanceRepository } from '@zpanel/database';

/** This installation's identity, created by the first migration; read once, it never changes. */
@Injectable()
export class InstanceService {
  private id?: string;

  constructor(private readonly instance: InstanceRepository) {}

  async instanceId(): Promise<string> {
    if (!this.id) {
      const id = await this.instance.instanceId();
      if (!id) throw new Error('instance row missing: migrations have not run');
      this.id = id;
    }
    return this.id;
  }
}
