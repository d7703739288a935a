import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { WORKER_ID } from '@zpanel/queue';

export function newWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

@Global()
@Module({})
export class WorkerIdentityModule {
  static forRoot(workerId: string): DynamicModule {
    return { module: WorkerIdentityModule, providers: [{ provide: WORKER_ID, useValue: workerId }], exports: [WORKER_ID] };
  }
}
