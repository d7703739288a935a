import { Global, Module } from '@nestjs/common';
import { Mailer } from './mailer.service';
import { PersonalNotices } from './personal-notices.service';

/** Global: invitations, password reset, sign-ins and 2FA changes email through the same Mailer. */
@Global()
@Module({ providers: [Mailer, PersonalNotices], exports: [Mailer, PersonalNotices] })
export class MailModule {}
