import { Global, Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** Global: every module records events. */
@Global()
@Module({ imports: [AccessModule], controllers: [AuditController], providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
