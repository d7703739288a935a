import { Injectable } from '@nestjs/common';
import type { PersonalEventKind } from '@zpanel/contracts';
import { UsersRepository } from '@zpanel/database';
import { currentRequest } from '../http/request-store';
import { NotificationRecorder } from '../notifications/notification-recorder.service';
import { Mailer } from './mailer.service';

/** What changed in a person's two-factor authentication. */
export type TwoFactorChange = 'enabled' | 'disabled' | 'recovery_codes_regenerated';

export interface NoticeClient {
  ip?: string;
  userAgent?: string;
}

const CHANGE_WORDS: Record<TwoFactorChange, { title: string; sentence: string }> = {
  enabled: { title: 'Two-factor authentication turned on', sentence: 'Two-factor authentication was turned on for your Zpanel account' },
  disabled: { title: 'Two-factor authentication turned off', sentence: 'Two-factor authentication was turned off for your Zpanel account' },
  recovery_codes_regenerated: {
    title: 'New two-factor recovery codes',
    sentence: 'New two-factor recovery codes were made for your Zpanel account; the old ones no longer work',
  },
};

/** A user agent as it may be shown: one line, printable, short (it is whatever the client sent). */
function shownAgent(userAgent: string | undefined): string {
  const text = (userAgent ?? '')
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return text || 'an unknown browser or client';
}

function shownTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A person's own notices (docs/notifications.md, "Instance email"): a sign-in from an address not
 * seen for them before, and changes to their two-factor authentication. Each is recorded for their
 * notification centre (audience `user`, no team) and emailed to them when the instance has SMTP
 * settings. They say when, from which address and client, and what to do if it was not them; never
 * a secret. Never throws: what they report on has already happened.
 */
@Injectable()
export class PersonalNotices {
  constructor(
    private readonly users: UsersRepository,
    private readonly recorder: NotificationRecorder,
    private readonly mailer: Mailer,
  ) {}

  async newSignIn(user: { id: string; email: string }, client: NoticeClient, at = new Date()): Promise<void> {
    const address = client.ip ?? 'an unknown address';
    const message = [
      `Someone signed in to your Zpanel account (${user.email}) on ${shownTime(at)} from ${address}, using ${shownAgent(client.userAgent)}.`,
      'This address had not been used with your account before.',
      'If this was you, there is nothing to do.',
      'If it was not you, change your password now (Profile, then Change password: every other session is signed out) and turn on two-factor authentication.',
    ].join('\n');
    await this.tell(user, 'account.new_sign_in', 'warning', 'New sign-in to your account', message, {
      ip: client.ip ?? null,
      userAgent: shownAgent(client.userAgent),
    });
  }

  async twoFactorChanged(userId: string, change: TwoFactorChange, at = new Date()): Promise<void> {
    const user = await this.users.findById(userId).catch(() => null);
    if (!user) return;
    const request = currentRequest();
    const words = CHANGE_WORDS[change];
    const message = [
      `${words.sentence} (${user.email}) on ${shownTime(at)}, from ${request?.ip ?? 'an unknown address'} using ${shownAgent(request?.userAgent)}.`,
      'If this was you, there is nothing to do.',
      'If it was not you, someone has your password and a signed-in session: change your password now (every other session is signed out) and check your two-factor settings in your profile.',
    ].join('\n');
    await this.tell(user, 'account.two_factor_changed', change === 'disabled' ? 'warning' : 'info', words.title, message, {
      change,
      ip: request?.ip ?? null,
    });
  }

  private async tell(
    user: { id: string; email: string },
    kind: PersonalEventKind,
    severity: 'info' | 'warning',
    title: string,
    message: string,
    data: Record<string, string | null>,
  ): Promise<void> {
    await this.recorder.record({
      teamId: null,
      userId: user.id,
      audience: 'user',
      kind,
      severity,
      title,
      message,
      url: '/profile',
      subject: { type: 'user', id: user.id, name: null },
      data,
    });
    const profile = Mailer.link(await this.mailer.status().catch(() => ({ smtp: false, publicUrl: null })), '/profile');
    await this.mailer.send({
      to: user.email,
      subject: `Zpanel: ${title}`,
      text: `${message}${profile ? `\n\nYour profile: ${profile}` : ''}\n`,
    });
  }
}
