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
