import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SshPool } from '@zpanel/remote';

/** The worker's one SSH pool: every runner reaches servers through it. */
@Injectable()
export class WorkerSshPool extends SshPool implements OnModuleDestroy {
  onModuleDestroy(): void {
    this.close();
  }
}
