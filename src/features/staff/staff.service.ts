// Staff accounts and their sessions: creation, login with throttling, session lookup with a
// sliding expiry, rotation on login and password change, logout.
import { createHash } from 'node:crypto';
import { isUniqueViolation, type Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { randomToken } from '../../lib/crypto.ts';
import { nowIso } from '../../lib/text.ts';
import { recordAudit, type Actor } from '../audit/audit.service.ts';
import { dummyPasswordHash, generatePassword, hashPassword, passwordProblem, verifyPassword } from './password.ts';
import * as repo from './staff.repository.ts';
import { ROLES, type Role, type UserRow } from './staff.table.ts';

export interface StaffUser {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
  disabled: boolean;
  lastLoginAt: string | null;
}

export interface StaffSession {
  user: StaffUser;
  /** Hash of the session token: the session's id in storage, and the key its CSRF token is bound to. */
  idHash: string;
}

const IDLE_MS = 12 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;
const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** Wrong passwords for one account from one address. */
export const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
/** Wrong passwords from one address, whatever the accounts. */
export const MAX_FAILURES_PER_ADDRESS = 20;
/**
 * Wrong passwords for one account from every address: the slower limit against guessing spread
 * over many addresses. It refuses only addresses with failures of their own in the window, so a
 * stranger's guesses never lock the owner out of their account.
 */
export const MAX_FAILURES_PER_ACCOUNT = 50;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function toStaffUser(row: UserRow): StaffUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    mustChangePassword: row.must_change_password === 1,
    disabled: row.disabled === 1,
    lastLoginAt: row.last_login_at,
  };
}

export function actorOf(user: StaffUser): Actor {
  return { userId: user.id, name: user.email };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface StaffService {
  createUser(
    input: { email: string; role: string; displayName?: string; password?: string },
    actor: Actor,
  ): Promise<{ user: StaffUser; oneTimePassword?: string }>;
  login(input: {
    email: string;
    password: string;
    ipHash: string;
    userAgent: string;
  }): Promise<{ token: string; session: StaffSession }>;
  /** The session for a cookie token, or null when unknown, expired or the account is disabled. */
  session(token: string): Promise<StaffSession | null>;
  logout(token: string): Promise<void>;
  /** Checks the current password, stores the new one, ends the other sessions and returns a fresh token. */
  changePassword(session: StaffSession, current: string, next: string, userAgent: string): Promise<string>;
  list(): Promise<StaffUser[]>;
  /** Whether any staff account exists (the login page explains how to create the first). */
  hasStaff(): Promise<boolean>;
  update(id: number, changes: { role?: string; disabled?: boolean }, actor: Actor): Promise<StaffUser>;
}

export interface NewAccount {
  email: string;
  displayName: string;
  role: Role;
  password: string;
  /** Set when no password was given: the generated one, to be changed at the first login. */
  oneTimePassword?: string;
}

/** Checks a new account's fields (every problem at once); the e-mail is normalised. */
export function checkNewAccount(input: {
  email: string;
  role: string;
  displayName?: string;
  password?: string;
}): NewAccount {
  const email = input.email.trim().toLowerCase();
  const displayName = input.displayName?.trim() ?? '';
  const fields: Record<string, string> = {};
  if (!EMAIL.test(email)) fields.email = 'Enter an e-mail address.';
  // No name is made up from the e-mail: it would be printed as the byline ("By jo").
  if (displayName === '') fields.displayName = 'Enter the name readers will see in bylines and staff replies.';
  else if (displayName.length > 100) fields.displayName = 'Use at most 100 characters.';
  if (!(ROLES as readonly string[]).includes(input.role)) fields.role = `Choose one of: ${ROLES.join(', ')}.`;
  const oneTimePassword = input.password === undefined ? generatePassword() : undefined;
  const password = input.password ?? oneTimePassword!;
  const problem = passwordProblem(password);
  if (problem) fields.password = problem;
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', undefined, fields);
  return { email, displayName, role: input.role as Role, password, oneTimePassword };
}

const taken = () =>
  new AppError('email_taken', undefined, { email: 'There is already an account with that e-mail address.' });

/** Two accounts created at once for one address: the unique key decides. */
export function rethrowTaken(error: unknown): never {
  throw isUniqueViolation(error, 'users', 'email') ? taken() : error;
}

/** Inserts a checked account in the caller's transaction, with its audit entry; returns its id. */
export async function insertAccount(trx: Db, account: NewAccount, passwordHash: string, actor: Actor): Promise<number> {
  if (await repo.findUserByEmail(trx, account.email)) throw taken();
  const id = await repo.insertUser(trx, {
    email: account.email,
    displayName: account.displayName,
    role: account.role,
    passwordHash,
    mustChangePassword: account.oneTimePassword !== undefined,
    now: nowIso(),
  });
  await recordAudit(trx, actor, 'user.create', `user:${id}`, { email: account.email, role: account.role });
  return id;
}

export function createStaffService({ db }: { db: Db }): StaffService {
  async function newSession(userId: number, userAgent: string): Promise<{ token: string; idHash: string }> {
    const token = randomToken(32);
    const now = Date.now();
    const idHash = hashToken(token);
    await repo.insertSession(db, {
      idHash,
      userId,
      now: new Date(now).toISOString(),
      expiresAt: new Date(now + IDLE_MS).toISOString(),
      userAgent: userAgent.slice(0, 300),
    });
    return { token, idHash };
  }

  return {
    async createUser(input, actor) {
      const account = checkNewAccount(input);
      const passwordHash = await hashPassword(account.password);
      const id = await db
        .transaction()
        .execute((trx) => insertAccount(trx, account, passwordHash, actor))
        .catch(rethrowTaken);
      return { user: toStaffUser((await repo.findUserById(db, id))!), oneTimePassword: account.oneTimePassword };
    },

    async hasStaff() {
      return repo.countUsers(db).then((n) => n > 0);
    },

    async login({ email, password, ipHash, userAgent }) {
      const normalized = email.trim().toLowerCase();
      const since = new Date(Date.now() - THROTTLE_WINDOW_MS).toISOString();
      const accountKey = `account:${normalized}`;
      const pairKey = `pair:${ipHash}:${normalized}`;
      const addressKey = `ip:${ipHash}`;
      // The attempt is recorded as a failure before the password is checked (and taken back when
      // it was right), and counts the failures recorded up to it: guesses sent in parallel are
      // each checked only if they are within the limit in the order they arrived, so no more
      // than the limit are ever checked, on any engine and across instances.
      const attempt = await repo.recordLoginFailure(db, [pairKey, addressKey, accountKey], nowIso());
      const [byPair, byAddress, byAccount] = await Promise.all([
        repo.countLoginFailures(db, pairKey, since, attempt[0]),
        repo.countLoginFailures(db, addressKey, since, attempt[1]),
        repo.countLoginFailures(db, accountKey, since, attempt[2]),
      ]);
      // byAddress counts this attempt too: more than one means the address has failed recently.
      const accountLimited = byAccount > MAX_FAILURES_PER_ACCOUNT && byAddress > 1;
      if (byPair > MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS || byAddress > MAX_FAILURES_PER_ADDRESS || accountLimited) {
        // Refused unchecked, so not a failure: the wait runs from the last real one.
        await repo.deleteLoginFailures(db, attempt);
        throw new AppError('login_throttled');
      }
      const row = await repo.findUserByEmail(db, normalized);
      // Verify against a dummy hash for unknown accounts, so the answer takes as long either way.
      const ok = await verifyPassword(password, row?.password_hash ?? (await dummyPasswordHash()));
      if (!row || !ok || row.disabled === 1) throw new AppError('login_failed');
      await repo.deleteLoginFailures(db, attempt);
      await repo.clearLoginFailures(db, pairKey);
      const { token, idHash } = await newSession(row.id, userAgent);
      const now = nowIso();
      await repo.updateUser(db, row.id, { last_login_at: now });
      await recordAudit(db, { userId: row.id, name: row.email }, 'login');
      await repo.deleteExpiredSessions(db, now);
      return { token, session: { user: toStaffUser({ ...row, last_login_at: now }), idHash } };
    },

    async session(token) {
      const idHash = hashToken(token);
      const session = await repo.findSession(db, idHash);
      const now = Date.now();
      if (!session || Date.parse(session.expires_at) < now) return null;
      const row = await repo.findUserById(db, session.user_id);
      if (!row || row.disabled === 1) return null;
      if (now - Date.parse(session.last_seen_at) > TOUCH_EVERY_MS) {
        await repo.touchSession(db, idHash, new Date(now).toISOString(), new Date(now + IDLE_MS).toISOString());
      }
      return { user: toStaffUser(row), idHash };
    },

    async logout(token) {
      await repo.deleteSession(db, hashToken(token));
    },

    async changePassword(session, current, next, userAgent) {
      const row = await repo.findUserById(db, session.user.id);
      if (!row || !(await verifyPassword(current, row.password_hash))) {
        throw new AppError('validation_failed', undefined, { currentPassword: 'That is not your current password.' });
      }
      const problem =
        passwordProblem(next) ?? (next === current ? 'Choose a password different from the current one.' : undefined);
      if (problem) throw new AppError('validation_failed', undefined, { newPassword: problem });
      const passwordHash = await hashPassword(next);
      await db.transaction().execute(async (trx) => {
        await repo.updateUser(trx, row.id, {
          password_hash: passwordHash,
          must_change_password: 0,
          updated_at: nowIso(),
        });
        await repo.deleteUserSessions(trx, row.id);
        await recordAudit(trx, actorOf(session.user), 'user.password_change', `user:${row.id}`);
      });
      return (await newSession(row.id, userAgent)).token;
    },

    async list() {
      return (await repo.listUsers(db)).map(toStaffUser);
    },

    async update(id, changes, actor) {
      if (changes.role !== undefined && !(ROLES as readonly string[]).includes(changes.role)) {
        throw new AppError('validation_failed', undefined, { role: `Choose one of: ${ROLES.join(', ')}.` });
      }
      await db.transaction().execute(async (trx) => {
        const row = await repo.findUserById(trx, id);
        if (!row) throw new AppError('not_found', 'There is no such account.');
        await repo.updateUser(trx, id, {
          ...(changes.role !== undefined ? { role: changes.role as Role } : {}),
          ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
          updated_at: nowIso(),
        });
        if (changes.disabled) await repo.deleteUserSessions(trx, id);
        await recordAudit(trx, actor, 'user.update', `user:${id}`, changes);
      });
      return toStaffUser((await repo.findUserById(db, id))!);
    },
  };
}
