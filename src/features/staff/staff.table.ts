import type { Generated, Selectable } from 'kysely';

export const ROLES = ['admin', 'editor', 'author', 'moderator'] as const;
export type Role = (typeof ROLES)[number];

export interface UserTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  must_change_password: Generated<number>;
  disabled: Generated<number>;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  id_hash: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: Generated<string>;
}

export interface LoginFailureTable {
  id: Generated<number>;
  key: string;
  created_at: string;
}

/** A single-use staff link (see migration 2026-12-05T0500-staff-tokens); the token itself is only printed or mailed. */
export interface StaffTokenTable {
  token_hash: string;
  purpose: 'setup' | 'reset';
  user_id: number | null;
  created_at: string;
  expires_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  user_id: number | null;
  actor: string;
  action: string;
  subject: Generated<string>;
  details: Generated<string>;
  created_at: string;
}

export type UserRow = Selectable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type StaffTokenRow = Selectable<StaffTokenTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
