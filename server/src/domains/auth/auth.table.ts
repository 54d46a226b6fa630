import type { Generated } from 'kysely';
import type { Role } from '@valore/shared/schemas/auth';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: Role;
  site_id: number | null;
  team_id: number | null;
  password_hash: string;
  active: Generated<0 | 1>;
  created_at: string;
  /** 1: signed in with a temporary password (admin-made or reset); nothing but choosing a new one is allowed */
  must_change_password: Generated<0 | 1>;
  password_changed_at: string | null;
  /** `<issuer> <sub>` of the company identity provider that signs this user in, or null */
  oidc_subject: Generated<string | null>;
}

export interface AppSettingsTable {
  key: string;
  /** JSON */
  value: string;
  updated_by: number | null;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  /** the key's public part (`vk_<prefix>_…`), how a presented key is found */
  prefix: string;
  /** SHA-256 (hex) of the whole key: the key itself is shown once and never stored */
  key_hash: string;
  /** JSON array of ApiKeyScope */
  scopes: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: number | null;
  created_by: number | null;
  created_at: string;
}

/** Sign-in throttling's fading failure counts (domains/auth/rate-limiter.ts); times in epoch milliseconds. */
export interface LoginThrottleTable {
  key: string;
  level: number;
  at: number;
  pending: number;
  pending_until: number;
}

/** account + device → its last successful sign-in (epoch milliseconds). */
export interface LoginKnownDevicesTable {
  key: string;
  last_success: number;
}

/** A REST rate limit's token bucket (http/rate-buckets.ts): tokens left at `at` (epoch milliseconds). */
export interface RateBucketsTable {
  key: string;
  tokens: number;
  at: number;
}
