// Single-use staff links. The set-up link creates the first admin in the browser: the server
// prints it at start while no admin exists; it is valid until used, and dead once any admin
// exists. A password-reset link is mailed (through the outbox) on request, expires after an hour,
// and ends the account's sessions when used. Only the tokens' SHA-256 is stored.
import { createHash } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { randomToken } from '../../lib/crypto.ts';
import { nowIso } from '../../lib/text.ts';
import { recordAudit, type Actor } from '../audit/audit.service.ts';
import type { OutboxSender } from '../outbox/outbox-sender.ts';
import { queueMessage } from '../outbox/outbox.service.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { passwordResetMail } from './staff-mail.views.tsx';
import * as repo from './staff.repository.ts';
import { checkNewAccount, insertAccount, rethrowTaken, toStaffUser, type StaffUser } from './staff.service.ts';
import * as tokens from './staff-tokens.repository.ts';

export const RESET_LINK_MINUTES = 60;
/** Reset mails one account may be sent in an hour, whoever asks. */
export const MAX_RESET_MAILS_PER_HOUR = 3;
const SETUP_ACTOR: Actor = { userId: null, name: 'set-up link' };

export interface StaffLinkService {
  /** A new set-up link's token while no active admin exists; null otherwise. */
  createSetupLink(): Promise<string | null>;
  /** Throws unless the set-up link is usable. */
  checkSetupLink(token: string): Promise<void>;
  /** Creates the first admin and uses up every set-up link. */
  completeSetup(token: string, input: { email: string; displayName: string; password: string }): Promise<StaffUser>;
  /** Mails a reset link when the address is an active account's; says nothing either way. */
  requestReset(email: string): Promise<void>;
  /** The account a usable reset link is for. */
  checkResetLink(token: string): Promise<StaffUser>;
  /** Sets the new password, ends the account's sessions and uses the link up. */
  completeReset(token: string, password: string): Promise<StaffUser>;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const wellFormed = (token: string) => /^[A-Za-z0-9_-]{32,64}$/.test(token);

export function createStaffLinkService(deps: {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'smtp'>;
  settings: SettingsService;
  outbox: OutboxSender;
}): StaffLinkService {
  const { db, config, settings, outbox } = deps;
  const setupGone = () =>
    new AppError(
      'link_expired',
      'This set-up link has been used, or an administrator exists already. Log in at /admin/login.',
    );
  const hasAdmin = async (trx: Db) => (await repo.countUsers(trx, 'admin')) > 0;

  async function resetRow(token: string) {
    if (!wellFormed(token)) throw new AppError('link_invalid');
    const row = await tokens.findToken(db, hashToken(token), 'reset');
    if (!row || row.user_id === null || (row.expires_at !== null && row.expires_at < nowIso()))
      throw new AppError('link_expired');
    return row;
  }

  return {
    async createSetupLink() {
      if (await hasAdmin(db)) return null;
      const token = randomToken(32);
      await tokens.insertToken(db, {
        tokenHash: hashToken(token),
        purpose: 'setup',
        userId: null,
        now: nowIso(),
        expiresAt: null,
      });
      return token;
    },

    async checkSetupLink(token) {
      if (!wellFormed(token))
        throw new AppError('link_invalid', 'This set-up link is not valid: copy the whole line the server printed.');
      if (!(await tokens.findToken(db, hashToken(token), 'setup')) || (await hasAdmin(db))) throw setupGone();
    },

    async completeSetup(token, input) {
      await this.checkSetupLink(token);
      const account = checkNewAccount({ ...input, role: 'admin' });
      const passwordHash = await hashPassword(account.password);
      const id = await db
        .transaction()
        .execute(async (trx) => {
          // Every set-up link is used up at once; of two set-ups at once, the second finds none.
          const taken = await tokens.takeSetupTokens(trx);
          if (!taken.includes(hashToken(token)) || (await hasAdmin(trx))) throw setupGone();
          return insertAccount(trx, account, passwordHash, SETUP_ACTOR);
        })
        .catch(rethrowTaken);
      return toStaffUser((await repo.findUserById(db, id))!);
    },

    async requestReset(email) {
      if (!config.smtp) throw new AppError('mail_disabled');
      const now = new Date();
      const queued = await db.transaction().execute(async (trx) => {
        await tokens.deleteExpiredTokens(trx, now.toISOString());
        const user = await repo.findUserByEmail(trx, email.trim().toLowerCase());
        if (!user || user.disabled === 1) return false;
        const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
        // Whoever asks, an inbox gets only a few of these an hour.
        if ((await tokens.countResetTokensSince(trx, user.id, hourAgo)) >= MAX_RESET_MAILS_PER_HOUR) return false;
        const token = randomToken(32);
        await tokens.insertToken(trx, {
          tokenHash: hashToken(token),
          purpose: 'reset',
          userId: user.id,
          now: now.toISOString(),
          expiresAt: new Date(now.getTime() + RESET_LINK_MINUTES * 60_000).toISOString(),
        });
        const site = { title: settings.get().siteTitle, publicUrl: config.publicUrl };
        await queueMessage(trx, {
          channel: 'mail',
          recipient: user.email,
          payload: passwordResetMail(
            site,
            user.email,
            `${config.publicUrl}/admin/password-reset/${token}`,
            RESET_LINK_MINUTES,
          ),
        });
        await recordAudit(
          trx,
          { userId: null, name: 'password reset' },
          'user.password_reset_requested',
          `user:${user.id}`,
        );
        return true;
      });
      if (queued) outbox.wake();
    },

    async checkResetLink(token) {
      const row = await resetRow(token);
      const user = await repo.findUserById(db, row.user_id!);
      if (!user || user.disabled === 1) throw new AppError('link_expired');
      return toStaffUser(user);
    },

    async completeReset(token, password) {
      await this.checkResetLink(token);
      const problem = passwordProblem(password);
      if (problem) throw new AppError('validation_failed', undefined, { password: problem });
      const passwordHash = await hashPassword(password);
      const userId = await db.transaction().execute(async (trx) => {
        const row = await tokens.takeToken(trx, hashToken(token), 'reset');
        if (!row || row.user_id === null || (row.expires_at !== null && row.expires_at < nowIso()))
          throw new AppError('link_expired');
        const user = await repo.findUserById(trx, row.user_id);
        if (!user || user.disabled === 1) throw new AppError('link_expired');
        await repo.updateUser(trx, user.id, {
          password_hash: passwordHash,
          must_change_password: 0,
          updated_at: nowIso(),
        });
        // Whoever knew the old password is signed out everywhere, and older links die with it.
        await repo.deleteUserSessions(trx, user.id);
        await tokens.deleteResetTokens(trx, user.id);
        await recordAudit(trx, { userId: user.id, name: user.email }, 'user.password_reset', `user:${user.id}`);
        return user.id;
      });
      return toStaffUser((await repo.findUserById(db, userId))!);
    },
  };
}
