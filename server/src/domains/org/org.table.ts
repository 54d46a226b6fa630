import type { Generated } from 'kysely';

export interface SitesTable {
  id: Generated<number>;
  code: string;
  name: string;
  city: string;
  province_code: string;
}
export interface TeamsTable {
  id: Generated<number>;
  site_id: number;
  name: string;
}
