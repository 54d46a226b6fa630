import type { Generated } from 'kysely';

export interface CustomersTable {
  id: Generated<number>;
  first_name: string;
  last_name: string;
  tax_code: string;
  phone: string;
  email: string | null;
  birth_date: string;
  city: string;
  province_code: string;
  created_at: string;
  /** the language of the messages we send them */
  language: Generated<'it' | 'en'>;
}
export interface CustomerProductsTable {
  customer_id: number;
  product_code: string;
  since: string;
}
export type ConsentPurpose = 'marketing' | 'profiling' | 'third_parties';
export type ConsentChannel = 'any' | 'phone' | 'sms' | 'email';
export type ConsentSource = 'web' | 'app' | 'branch' | 'interaction' | 'import';
export interface ConsentsTable {
  id: Generated<number>;
  customer_id: number;
  purpose: ConsentPurpose;
  channel: ConsentChannel;
  granted: 0 | 1;
  source: ConsentSource;
  source_ref: string | null;
  /** the server's time at receipt: the record */
  recorded_at: string;
  recorded_by: number | null;
  /** the time the console reported (kept, normalised to UTC; not the record) */
  reported_at: string | null;
}
export interface OptoutRegistryTable {
  phone: string;
  registered_at: string;
  imported_at: string;
}
export interface RegistryImportsTable {
  id: Generated<number>;
  imported_at: string;
  rows: number;
  imported_by: number | null;
}

/** Why a user may see a customer they reach without a work item or a screen pop (customers/access-policy.ts). */
export type AccessGrantKind = 'contact' | 'break_glass';
export interface CustomerAccessGrantsTable {
  id: Generated<number>;
  user_id: number;
  customer_id: number;
  kind: AccessGrantKind;
  reason: string;
  /** the console's id of the start-contact request (its idempotency key); null for break-glass */
  client_id: string | null;
  granted_at: string;
  expires_at: string;
}
