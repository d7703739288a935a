import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** Global: every module records events; the controller lives with the teams module (it needs team access). */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
