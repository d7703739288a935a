import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, ErrorCode, type MeResponse, type SessionResponse, type UserDto } from '@zpanel/contracts';
import { AuditService } from '../audit/audit.service';
import { AppException, hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from '@zpanel/core';
import { RefreshTokensRepository, type UserEntity, UsersRepository } from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import { RateLimiter } from '../http/rate-limiter';
import { PersonalNotices } from '../mail/personal-notices.service';
import { InvitationsService } from '../teams/invitations.service';
import { TeamsService } from '../teams/teams.service';
import { TwoFactorService } from '../two-factor/two-factor.service';
import { AccessTokensService } from '../access/access-tokens.service';
import type { UserCaller } from '../access/caller';
import { type ClientInfo, type IssuedRefreshToken, SessionsService } from './sessions.service';
import { toUserDto } from './user-dto';

/** 10 failed logins for one account within a minute: the 11th attempt is refused. */
const ACCOUNT_FAILURES = { limit: 10, windowMs: 60_000 };
/** Per client address, across accounts (password spraying). */
const ADDRESS_FAILURES = { limit: 50, windowMs: 60_000 };

export interface IssuedSession {
  response: SessionResponse;
  refresh: IssuedRefreshToken;
}

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly teams: TeamsService,
    private readonly invitations: InvitationsService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokensService,
    private readonly rateLimiter: RateLimiter,
    private readonly twoFactor: TwoFactorService,
    private readonly audit: AuditService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly notices: PersonalNotices,
  ) {}

  async needsOwner(): Promise<boolean> {
    return !(await this.users.anyExists());
  }

  /** Creates the first account and its team; refused with 409 once any user exists. */
  async createOwner(input: { email: string; name: string; password: string; teamName: string }, client: ClientInfo): Promise<IssuedSession> {
    this.assertPasswordAcceptable(input.password, input, 'password');
    const passwordHash = await hashPassword(input.password);
    return this.dataSource.transaction(async (manager) => {
      const users = this.users.in(manager);
      await users.lockSetup();
      if (await users.anyExists()) {
        throw new AppException(ErrorCode.Conflict, 'The owner account already exists: sign in instead');
      }
      const owner = await users.create({ email: input.email, name: input.name, passwordHash });
      await this.teams.createTeamFor(manager, owner.id, input.teamName);
      return this.startSession(owner, client, { via: 'setup' }, manager);
    });
  }

  async login(input: { email: string; password: string; totpCode?: string; recoveryCode?: string }, client: ClientInfo): Promise<IssuedSession> {
    const account = { key: `login:account:${digest(input.email.toLowerCase())}`, ...ACCOUNT_FAILURES };
    const address = { key: `login:address:${digest(client.ip ?? 'unknown')}`, ...ADDRESS_FAILURES };
    const user = await this.users.findByEmail(input.email);
    // Counted before the password is checked, so parallel guesses cannot all pass a check made
    // before any of them was counted; a sign-in that succeeds gives its points back.
    try {
      await this.rateLimiter.attempt(account);
      await this.rateLimiter.attempt(address);
    } catch (error) {
      // Failed and refused attempts change nothing, so their rows are written on their own; a row
      // that cannot be written fails the request (500) rather than being lost.
      if (user) await this.audit.record({ action: AuditAction.LoginLockedOut, teamId: null, actor: null, target: { type: 'user', id: user.id } });
      throw error;
    }
    // Same work whether or not the account exists, so timing does not reveal registered emails.
    const passwordOk = user ? await verifyPassword(user.passwordHash, input.password) : await verifyAgainstDummy(input.password);
    if (!user || !passwordOk) {
      if (user)
        await this.audit.record({
          action: AuditAction.LoginFailed,
          teamId: null,
          actor: null,
          target: { type: 'user', id: user.id },
          metadata: { reason: 'password' },
        });
      throw new AppException(ErrorCode.InvalidCredentials, 'Wrong email or password');
    }
    if (user.totpEnabledAt) {
      if (!input.totpCode && !input.recoveryCode) {
        // The password was right and no code was guessed: this step costs no attempt.
        await Promise.all([this.rateLimiter.refund(account), this.rateLimiter.refund(address)]);
        throw new AppException(ErrorCode.TwoFactorRequired, 'Enter the 6-digit code from your authenticator app');
      }
      // Wrong codes count like wrong passwords (the attempt above): the same limit stops guessing the 6 digits.
      if (!(await this.twoFactor.verifyForLogin(user, { totpCode: input.totpCode, recoveryCode: input.recoveryCode }))) {
        await this.audit.record({
          action: AuditAction.LoginFailed,
          teamId: null,
          actor: null,
          target: { type: 'user', id: user.id },
          metadata: { reason: 'two_factor' },
        });
        throw new AppException(ErrorCode.InvalidCredentials, 'Wrong two-factor code', [
          { field: input.totpCode ? 'totpCode' : 'recoveryCode', message: 'the code is wrong or was already used' },
        ]);
      }
    }
    await Promise.all([this.rateLimiter.reset(account.key), this.rateLimiter.refund(address)]);
    // Looked up before this session's own row exists: an address none of their sessions came from is new.
    const history = client.ip ? await this.refreshTokens.addressHistory(user.id, client.ip.slice(0, 64)) : 'seen';
    const session = await this.startSession(user, client, { twoFactor: user.totpEnabledAt !== null });
    if (history === 'new') await this.notices.newSignIn(user, client);
    return session;
  }

  async refresh(token: string, client: ClientInfo): Promise<IssuedSession> {
    const refresh = await this.sessions.rotate(token, client);
    const user = await this.users.findById(refresh.userId);
    if (!user) throw new AppException(ErrorCode.SessionExpired, 'The session has ended: sign in again');
    return this.sessionResponse(user, refresh);
  }

  logout(token: string): Promise<void> {
    return this.sessions.endByToken(token);
  }

  async me(caller: UserCaller): Promise<MeResponse> {
    const user = await this.users.getById(caller.userId);
    return { user: toUserDto(user), teams: await this.teams.allForUser(caller.userId) };
  }

  /** Changes the password and signs out every other session of the user. */
  async changePassword(caller: UserCaller, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.getById(caller.userId);
    // A stolen access token must not become a way to guess the password it was issued for.
    const guesses = { key: `password-change:${user.id}`, ...ACCOUNT_FAILURES };
    await this.rateLimiter.attempt(guesses);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new AppException(ErrorCode.InvalidCredentials, 'The current password is wrong', [
        { field: 'currentPassword', message: 'currentPassword is wrong' },
      ]);
    }
    await this.rateLimiter.reset(guesses.key);
    this.assertPasswordAcceptable(newPassword, user, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (manager) => {
      await this.users.in(manager).setPassword(user.id, passwordHash);
      await this.sessions.revokeOthers(manager, user.id, caller.sessionId);
      await this.audit.record({ action: AuditAction.PasswordChanged, teamId: null, actor: caller }, manager);
    });
    await this.sessions.publishAccessChange(user.id);
  }

  /** Creates the invited email's account, joins the team and signs in: the invitation vouches for the address. */
  async registerWithInvitation(token: string, input: { name: string; password: string }, client: ClientInfo): Promise<IssuedSession> {
    const user = await this.dataSource.transaction(async (manager) => {
      const invitation = await this.invitations.findPending(manager, token);
      const created = await this.createUser(manager, { email: invitation.email, ...input });
      await this.invitations.accept(manager, token, created);
      return created;
    });
    return this.startSession(user, client, { via: 'invitation' });
  }

  /** Creates an account inside the caller's transaction. */
  private async createUser(manager: EntityManager, input: { email: string; name: string; password: string }): Promise<UserEntity> {
    this.assertPasswordAcceptable(input.password, input, 'password');
    const users = this.users.in(manager);
    if (await users.emailTaken(input.email))
      throw new AppException(ErrorCode.Conflict, `An account for ${input.email} already exists: sign in to accept`);
    return users.create({ email: input.email, name: input.name, passwordHash: await hashPassword(input.password) });
  }

  private assertPasswordAcceptable(password: string, context: { email: string; name: string }, field: string): void {
    const problems = passwordProblems(password, context);
    if (problems.length > 0) throw AppException.validation(problems.map((message) => ({ field, message })));
  }

  /** The new session and its sign-in row are one transaction (the caller's, when given). */
  private async startSession(
    user: UserEntity,
    client: ClientInfo,
    metadata: Record<string, unknown>,
    manager?: EntityManager,
  ): Promise<IssuedSession> {
    if (!manager) return this.dataSource.transaction((tx) => this.startSession(user, client, metadata, tx));
    const refresh = await this.sessions.start(manager, user.id, client);
    await this.audit.record({ action: AuditAction.LoginSucceeded, teamId: null, actor: { kind: 'user', userId: user.id }, metadata }, manager);
    return this.sessionResponse(user, refresh);
  }

  private async sessionResponse(user: UserEntity, refresh: IssuedRefreshToken): Promise<IssuedSession> {
    const access = await this.accessTokens.issue(user.id, refresh.familyId);
    const dto: UserDto = toUserDto(user);
    return {
      refresh,
      response: {
        accessToken: access.token,
        accessTokenExpiresAt: access.expiresAt.toISOString(),
        refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
        user: dto,
      },
    };
  }
}
