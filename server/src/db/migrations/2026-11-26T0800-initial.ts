import { sql, type Kysely } from 'kysely';

/**
 * The whole domain model as far as it is known at the start. Frozen: later changes come as new migrations.
 * Times are ISO-8601 UTC text (sortable); booleans are 0/1; JSON columns are text.
 */
const up_statements = [
  // reference: territory
  `CREATE TABLE macro_areas (code TEXT PRIMARY KEY, name TEXT NOT NULL)`,
  `CREATE TABLE districts (code TEXT PRIMARY KEY, name TEXT NOT NULL, macro_area_code TEXT NOT NULL REFERENCES macro_areas(code))`,
  `CREATE TABLE provinces (code TEXT PRIMARY KEY, name TEXT NOT NULL)`,
  `CREATE TABLE district_provinces (
     district_code TEXT NOT NULL REFERENCES districts(code),
     province_code TEXT NOT NULL REFERENCES provinces(code),
     PRIMARY KEY (district_code, province_code)) WITHOUT ROWID`,
  `CREATE INDEX district_provinces_province ON district_provinces(province_code)`,

  // organisation
  `CREATE TABLE sites (
     id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, city TEXT NOT NULL,
     province_code TEXT NOT NULL REFERENCES provinces(code))`,
  `CREATE TABLE teams (id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL REFERENCES sites(id), name TEXT NOT NULL)`,
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     display_name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('operator','tutor','team_lead','admin')),
     site_id INTEGER REFERENCES sites(id),
     team_id INTEGER REFERENCES teams(id),
     password_hash TEXT NOT NULL,
     active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
     created_at TEXT NOT NULL,
     CHECK (role = 'admin' OR site_id IS NOT NULL))`,
  `CREATE INDEX users_site_role ON users(site_id, role)`,
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,               -- sha256 of the cookie token; the token itself is never stored
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL,
     user_agent TEXT, ip TEXT)`,
  `CREATE INDEX sessions_user ON sessions(user_id)`,

  // post offices and their appointment slots
  `CREATE TABLE post_offices (
     id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, address TEXT NOT NULL,
     city TEXT NOT NULL, province_code TEXT NOT NULL REFERENCES provinces(code),
     district_code TEXT NOT NULL REFERENCES districts(code))`,
  `CREATE INDEX post_offices_province ON post_offices(province_code)`,
  `CREATE INDEX post_offices_district ON post_offices(district_code)`,
  `CREATE TABLE appointment_slots (
     id INTEGER PRIMARY KEY,
     post_office_id INTEGER NOT NULL REFERENCES post_offices(id),
     starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
     capacity INTEGER NOT NULL CHECK (capacity > 0),
     booked INTEGER NOT NULL DEFAULT 0,
     CHECK (booked >= 0 AND booked <= capacity),
     UNIQUE (post_office_id, starts_at))`,

  // catalogue
  `CREATE TABLE products (
     code TEXT PRIMARY KEY, family TEXT NOT NULL, business_unit TEXT NOT NULL,
     name_it TEXT NOT NULL, name_en TEXT NOT NULL, funnel_url TEXT NOT NULL,
     outcomes TEXT NOT NULL,            -- JSON array of allowed value outcomes
     active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)))`,

  // customers, holdings, consents, opt-out registry
  `CREATE TABLE customers (
     id INTEGER PRIMARY KEY,
     first_name TEXT NOT NULL, last_name TEXT NOT NULL,
     tax_code TEXT NOT NULL UNIQUE, phone TEXT NOT NULL, email TEXT,
     birth_date TEXT NOT NULL, city TEXT NOT NULL,
     province_code TEXT NOT NULL REFERENCES provinces(code),
     created_at TEXT NOT NULL)`,
  `CREATE INDEX customers_phone ON customers(phone)`,
  `CREATE INDEX customers_last_name ON customers(last_name COLLATE NOCASE, first_name COLLATE NOCASE)`,
  `CREATE TABLE customer_products (
     customer_id INTEGER NOT NULL REFERENCES customers(id),
     product_code TEXT NOT NULL REFERENCES products(code),
     since TEXT NOT NULL,
     PRIMARY KEY (customer_id, product_code)) WITHOUT ROWID`,
  `CREATE TABLE consents (
     id INTEGER PRIMARY KEY,
     customer_id INTEGER NOT NULL REFERENCES customers(id),
     purpose TEXT NOT NULL CHECK (purpose IN ('marketing','profiling','third_parties')),
     channel TEXT NOT NULL CHECK (channel IN ('any','phone','sms','email')),
     granted INTEGER NOT NULL CHECK (granted IN (0,1)),
     source TEXT NOT NULL CHECK (source IN ('web','app','branch','interaction','import')),
     source_ref TEXT,                    -- e.g. the interaction id that recorded it
     recorded_at TEXT NOT NULL,
     recorded_by INTEGER REFERENCES users(id))`,
  `CREATE INDEX consents_current ON consents(customer_id, purpose, channel, recorded_at)`,
  `CREATE TABLE optout_registry (phone TEXT PRIMARY KEY, registered_at TEXT NOT NULL, imported_at TEXT NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE registry_imports (
     id INTEGER PRIMARY KEY, imported_at TEXT NOT NULL, rows INTEGER NOT NULL,
     imported_by INTEGER REFERENCES users(id))`,

  // campaigns
  `CREATE TABLE campaigns (
     id INTEGER PRIMARY KEY, name TEXT NOT NULL, business_unit TEXT NOT NULL,
     product_code TEXT NOT NULL REFERENCES products(code),
     starts_on TEXT NOT NULL, ends_on TEXT NOT NULL,
     calling_window TEXT NOT NULL,       -- JSON: per weekday intervals, time zone, holidays rule
     max_attempts INTEGER NOT NULL CHECK (max_attempts BETWEEN 1 AND 20),
     retry_delay_minutes INTEGER NOT NULL CHECK (retry_delay_minutes >= 0),
     script_version TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','active','paused','closed')),
     registry_checked_at TEXT,
     created_by INTEGER REFERENCES users(id), created_at TEXT NOT NULL)`,
  `CREATE TABLE campaign_sites (
     campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
     site_id INTEGER NOT NULL REFERENCES sites(id),
     PRIMARY KEY (campaign_id, site_id)) WITHOUT ROWID`,
  `CREATE TABLE campaign_contacts (
     id INTEGER PRIMARY KEY,
     campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
     customer_id INTEGER NOT NULL REFERENCES customers(id),
     phone TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','claimed','done','exhausted','removed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     due_at TEXT NOT NULL,
     lease_owner INTEGER REFERENCES users(id), lease_expires_at TEXT,
     last_outcome TEXT, updated_at TEXT NOT NULL,
     UNIQUE (campaign_id, customer_id))`,
  `CREATE INDEX campaign_contacts_queue ON campaign_contacts(campaign_id, due_at) WHERE status = 'pending'`,
  `CREATE INDEX campaign_contacts_lease ON campaign_contacts(lease_expires_at) WHERE status = 'claimed'`,
  `CREATE INDEX campaign_contacts_customer ON campaign_contacts(customer_id)`,

  // call me back / call me now
  `CREATE TABLE callback_requests (
     id TEXT PRIMARY KEY,
     phone TEXT NOT NULL, customer_id INTEGER REFERENCES customers(id),
     product_code TEXT NOT NULL REFERENCES products(code),
     mode TEXT NOT NULL CHECK (mode IN ('now','scheduled')),
     channel TEXT NOT NULL CHECK (channel IN ('web','app')),
     preferred_at TEXT, note TEXT,
     due_at TEXT NOT NULL,               -- when it may be handed out
     due_by TEXT NOT NULL,               -- service-level target for answering
     status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','claimed','done','failed','cancelled')),
     attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 3,
     lease_owner INTEGER REFERENCES users(id), lease_expires_at TEXT,
     idempotency_key TEXT UNIQUE, request_hash TEXT,
     created_at TEXT NOT NULL, answered_at TEXT, updated_at TEXT NOT NULL)`,
  `CREATE INDEX callback_requests_queue ON callback_requests(mode, due_at) WHERE status = 'pending'`,
  `CREATE INDEX callback_requests_lease ON callback_requests(lease_expires_at) WHERE status = 'claimed'`,

  // interactions: one row per handled contact
  `CREATE TABLE interactions (
     id INTEGER PRIMARY KEY,
     client_id TEXT NOT NULL UNIQUE,     -- client-generated id: the idempotency key of interactions.complete
     request_hash TEXT NOT NULL,
     operator_id INTEGER NOT NULL REFERENCES users(id),
     site_id INTEGER NOT NULL REFERENCES sites(id),
     team_id INTEGER REFERENCES teams(id),
     customer_id INTEGER REFERENCES customers(id),
     flow TEXT NOT NULL CHECK (flow IN ('campaign','inbound_sales','ocs_cross_sell','callback')),
     script_id TEXT NOT NULL, script_version TEXT NOT NULL,
     work_kind TEXT CHECK (work_kind IN ('callback','campaign','lead_followup','inbound','manual')),
     source_id TEXT, campaign_id INTEGER REFERENCES campaigns(id),
     product_code TEXT REFERENCES products(code),
     path TEXT NOT NULL,                 -- JSON array of step ids
     events TEXT NOT NULL,               -- JSON array of recorded events with timestamps
     outcome TEXT NOT NULL,
     outcome_details TEXT NOT NULL,      -- JSON
     reached INTEGER NOT NULL, proposal_made INTEGER NOT NULL,
     ocs_solved INTEGER, propensity INTEGER,
     notes TEXT,
     started_at TEXT NOT NULL, ended_at TEXT NOT NULL,
     handle_ms INTEGER NOT NULL, acw_ms INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL)`,
  `CREATE INDEX interactions_started ON interactions(started_at)`,
  `CREATE INDEX interactions_site_started ON interactions(site_id, started_at)`,
  `CREATE INDEX interactions_operator_started ON interactions(operator_id, started_at)`,
  `CREATE INDEX interactions_customer_started ON interactions(customer_id, started_at)`,

  // value outcomes
  `CREATE TABLE appointments (
     id INTEGER PRIMARY KEY,
     interaction_id INTEGER REFERENCES interactions(id),
     slot_id INTEGER NOT NULL REFERENCES appointment_slots(id),
     post_office_id INTEGER NOT NULL REFERENCES post_offices(id),
     customer_id INTEGER NOT NULL REFERENCES customers(id),
     product_code TEXT NOT NULL REFERENCES products(code),
     status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked','attended','no_show','cancelled')),
     created_by INTEGER REFERENCES users(id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE INDEX appointments_slot ON appointments(slot_id)`,
  `CREATE INDEX appointments_customer ON appointments(customer_id)`,
  `CREATE TABLE funnel_links (
     id INTEGER PRIMARY KEY,
     token TEXT NOT NULL UNIQUE,
     interaction_id INTEGER REFERENCES interactions(id),
     customer_id INTEGER NOT NULL REFERENCES customers(id),
     product_code TEXT NOT NULL REFERENCES products(code),
     channel TEXT NOT NULL CHECK (channel IN ('sms','email')),
     destination TEXT NOT NULL,
     expires_at TEXT NOT NULL, created_at TEXT NOT NULL,
     click_count INTEGER NOT NULL DEFAULT 0, first_clicked_at TEXT, purchased_at TEXT)`,
  `CREATE TABLE funnel_clicks (
     id INTEGER PRIMARY KEY, link_id INTEGER NOT NULL REFERENCES funnel_links(id),
     clicked_at TEXT NOT NULL, user_agent TEXT, ip_hash TEXT)`,
  `CREATE INDEX funnel_clicks_link ON funnel_clicks(link_id)`,
  `CREATE TABLE leads (
     id INTEGER PRIMARY KEY,
     interaction_id INTEGER REFERENCES interactions(id),
     customer_id INTEGER NOT NULL REFERENCES customers(id),
     product_code TEXT NOT NULL REFERENCES products(code),
     site_id INTEGER REFERENCES sites(id),
     notes TEXT,
     status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','won','lost')),
     follow_up_at TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     lease_owner INTEGER REFERENCES users(id), lease_expires_at TEXT,
     created_by INTEGER REFERENCES users(id), created_at TEXT NOT NULL, closed_at TEXT, updated_at TEXT NOT NULL)`,
  `CREATE INDEX leads_queue ON leads(follow_up_at) WHERE status = 'open'`,
  `CREATE INDEX leads_customer ON leads(customer_id)`,

  // messages to customers, delivered by a worker
  `CREATE TABLE outbox (
     id INTEGER PRIMARY KEY,
     channel TEXT NOT NULL CHECK (channel IN ('sms','email')),
     recipient TEXT NOT NULL, subject TEXT, body TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed')),
     attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
     ref_type TEXT, ref_id TEXT,
     created_at TEXT NOT NULL, next_attempt_at TEXT NOT NULL, sent_at TEXT)`,
  `CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE status = 'pending'`,

  // live operator state (monitoring) and coaching
  `CREATE TABLE operator_status (
     user_id INTEGER PRIMARY KEY REFERENCES users(id),
     state TEXT NOT NULL CHECK (state IN ('signed_out','ready','paused','on_contact','after_call_work')),
     reason TEXT, since TEXT NOT NULL,
     flow TEXT, step TEXT, step_since TEXT, interaction_client_id TEXT, customer_id INTEGER,
     updated_at TEXT NOT NULL)`,
  `CREATE TABLE operator_status_log (
     id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
     state TEXT NOT NULL, reason TEXT, at TEXT NOT NULL)`,
  `CREATE INDEX operator_status_log_user_at ON operator_status_log(user_id, at)`,
  `CREATE TABLE tutor_messages (
     id INTEGER PRIMARY KEY,
     from_user_id INTEGER NOT NULL REFERENCES users(id),
     to_user_id INTEGER NOT NULL REFERENCES users(id),
     interaction_client_id TEXT, step TEXT,
     body TEXT NOT NULL, sent_at TEXT NOT NULL, acknowledged_at TEXT)`,
  `CREATE INDEX tutor_messages_to ON tutor_messages(to_user_id, sent_at)`,
  `CREATE INDEX tutor_messages_interaction ON tutor_messages(interaction_client_id)`,

  // quality
  `CREATE TABLE scorecard_templates (
     id INTEGER PRIMARY KEY, name TEXT NOT NULL,
     dimensions TEXT NOT NULL,            -- JSON [{key, label_it, label_en}]
     active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE scorecards (
     id INTEGER PRIMARY KEY,
     interaction_id INTEGER NOT NULL REFERENCES interactions(id),
     template_id INTEGER NOT NULL REFERENCES scorecard_templates(id),
     tutor_id INTEGER NOT NULL REFERENCES users(id),
     operator_id INTEGER NOT NULL REFERENCES users(id),
     scores TEXT NOT NULL,               -- JSON {dimensionKey: 1..5}
     critical_error INTEGER NOT NULL DEFAULT 0 CHECK (critical_error IN (0,1)),
     comments TEXT,
     status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','released','acknowledged')),
     created_at TEXT NOT NULL, released_at TEXT, acknowledged_at TEXT)`,
  `CREATE INDEX scorecards_operator ON scorecards(operator_id, status)`,
  `CREATE UNIQUE INDEX scorecards_interaction ON scorecards(interaction_id, tutor_id)`,

  // idempotency records and the audit log
  `CREATE TABLE idempotency_keys (
     scope TEXT NOT NULL, key TEXT NOT NULL,
     request_hash TEXT NOT NULL, response TEXT NOT NULL, created_at TEXT NOT NULL,
     PRIMARY KEY (scope, key)) WITHOUT ROWID`,
  `CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY, at TEXT NOT NULL,
     actor_id INTEGER REFERENCES users(id),
     action TEXT NOT NULL, entity_type TEXT NOT NULL, entity_id TEXT,
     details TEXT,                        -- JSON
     ip TEXT)`,
  `CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id)`,
  `CREATE INDEX audit_log_at ON audit_log(at)`,
];

const DROP_ORDER = [
  'audit_log',
  'idempotency_keys',
  'scorecards',
  'scorecard_templates',
  'tutor_messages',
  'operator_status_log',
  'operator_status',
  'outbox',
  'leads',
  'funnel_clicks',
  'funnel_links',
  'appointments',
  'interactions',
  'callback_requests',
  'campaign_contacts',
  'campaign_sites',
  'campaigns',
  'registry_imports',
  'optout_registry',
  'consents',
  'customer_products',
  'customers',
  'products',
  'appointment_slots',
  'post_offices',
  'sessions',
  'users',
  'teams',
  'sites',
  'district_provinces',
  'provinces',
  'districts',
  'macro_areas',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of DROP_ORDER) await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(db);
}
