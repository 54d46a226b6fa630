import type { Kysely, Transaction } from 'kysely';
import type { AppointmentsTable } from '../domains/appointments/appointments.table';
import type { AuditLogTable, IdempotencyKeysTable } from '../domains/audit/audit.table';
import type {
  ApiKeysTable,
  AppSettingsTable,
  LoginKnownDevicesTable,
  LoginThrottleTable,
  RateBucketsTable,
  SessionsTable,
  UsersTable,
} from '../domains/auth/auth.table';
import type { CallbackRequestsTable } from '../domains/callbacks/callbacks.table';
import type {
  CampaignContactsTable,
  CampaignImportRejectsTable,
  CampaignImportsTable,
  CampaignSitesTable,
  CampaignsTable,
} from '../domains/campaigns/campaigns.table';
import type { CtiCallsTable, CtiCommandsTable } from '../domains/cti/cti.table';
import type {
  ConsentsTable,
  CustomerAccessGrantsTable,
  CustomerProductsTable,
  CustomersTable,
  OptoutRegistryTable,
  RegistryImportsTable,
} from '../domains/customers/customers.table';
import type { AppSecretsTable, FunnelClicksTable, FunnelLinksTable } from '../domains/funnel/funnel.table';
import type { MessageTemplatesTable } from '../domains/messages/messages.table';
import type { ScriptAssignmentsTable, ScriptVersionsTable } from '../domains/scripts/scripts.table';
import type { InteractionsTable } from '../domains/interactions/interactions.table';
import type { LeadsTable } from '../domains/leads/leads.table';
import type {
  BoardChangesTable,
  BoardSequencesTable,
  OperatorStatusLogTable,
  OperatorStatusTable,
  TutorMessagesTable,
} from '../domains/monitor/monitor.table';
import type { SitesTable, TeamsTable } from '../domains/org/org.table';
import type { WorkOffersTable } from '../domains/work/work.table';
import type { RotaRulesTable, RotaShiftsTable } from '../domains/rota/rota.table';
import type {
  TrainingCoursesTable,
  TrainingEnrolmentsTable,
  TrainingFeedbackTable,
  TrainingSessionsTable,
} from '../domains/training/training.table';
import type {
  PracticeAssignmentsTable,
  PracticeContactsTable,
  PracticeScorecardsTable,
  PracticeSetsTable,
} from '../domains/practice/practice.table';
import type { OutboxTable } from '../domains/outbox/outbox.table';
import type {
  AppointmentSlotsTable,
  PostOfficeClosuresTable,
  PostOfficesTable,
  SlotTemplatesTable,
} from '../domains/post-offices/post-offices.table';
import type { ScorecardTemplatesTable, ScorecardsTable } from '../domains/quality/quality.table';
import type { DataSubjectErasuresTable } from '../domains/retention/retention.table';
import type {
  DistrictProvincesTable,
  DistrictsTable,
  MacroAreasTable,
  ProductsTable,
  ProvincesTable,
} from '../domains/reference/reference.table';
import type {
  StatsMacroDayTable,
  StatsOperatorDayTable,
  StatsOperatorProductDayTable,
  StatsProductDayTable,
  StatsProvinceDayTable,
  StatsSiteDayTable,
  StatsStepDayTable,
  StatsVersionDayTable,
  StatsMacroMonthTable,
  StatsOperatorMonthTable,
  StatsOperatorProductMonthTable,
  StatsProductMonthTable,
  StatsProvinceMonthTable,
  StatsSiteMonthTable,
  StatsStepMonthTable,
  StatsVersionMonthTable,
  StatsAllDayTable,
  StatsAllMonthTable,
  StatsCursorTable,
} from '../domains/stats/stats.table';

export interface Database {
  macro_areas: MacroAreasTable;
  districts: DistrictsTable;
  provinces: ProvincesTable;
  district_provinces: DistrictProvincesTable;
  sites: SitesTable;
  teams: TeamsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  login_known_devices: LoginKnownDevicesTable;
  rate_buckets: RateBucketsTable;
  api_keys: ApiKeysTable;
  app_settings: AppSettingsTable;
  post_offices: PostOfficesTable;
  appointment_slots: AppointmentSlotsTable;
  post_office_closures: PostOfficeClosuresTable;
  slot_templates: SlotTemplatesTable;
  products: ProductsTable;
  customers: CustomersTable;
  customer_products: CustomerProductsTable;
  customer_access_grants: CustomerAccessGrantsTable;
  consents: ConsentsTable;
  optout_registry: OptoutRegistryTable;
  registry_imports: RegistryImportsTable;
  campaigns: CampaignsTable;
  campaign_sites: CampaignSitesTable;
  campaign_contacts: CampaignContactsTable;
  campaign_imports: CampaignImportsTable;
  campaign_import_rejects: CampaignImportRejectsTable;
  callback_requests: CallbackRequestsTable;
  interactions: InteractionsTable;
  appointments: AppointmentsTable;
  funnel_links: FunnelLinksTable;
  funnel_clicks: FunnelClicksTable;
  leads: LeadsTable;
  outbox: OutboxTable;
  message_templates: MessageTemplatesTable;
  script_versions: ScriptVersionsTable;
  script_assignments: ScriptAssignmentsTable;
  operator_status: OperatorStatusTable;
  board_sequences: BoardSequencesTable;
  board_changes: BoardChangesTable;
  work_offers: WorkOffersTable;
  operator_status_log: OperatorStatusLogTable;
  tutor_messages: TutorMessagesTable;
  scorecard_templates: ScorecardTemplatesTable;
  scorecards: ScorecardsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
  app_secrets: AppSecretsTable;
  stats_site_day: StatsSiteDayTable;
  stats_macro_day: StatsMacroDayTable;
  stats_version_day: StatsVersionDayTable;
  stats_product_day: StatsProductDayTable;
  stats_operator_day: StatsOperatorDayTable;
  stats_operator_product_day: StatsOperatorProductDayTable;
  stats_province_day: StatsProvinceDayTable;
  stats_step_day: StatsStepDayTable;
  stats_site_month: StatsSiteMonthTable;
  stats_macro_month: StatsMacroMonthTable;
  stats_version_month: StatsVersionMonthTable;
  stats_product_month: StatsProductMonthTable;
  stats_operator_month: StatsOperatorMonthTable;
  stats_operator_product_month: StatsOperatorProductMonthTable;
  stats_province_month: StatsProvinceMonthTable;
  stats_step_month: StatsStepMonthTable;
  stats_all_day: StatsAllDayTable;
  stats_all_month: StatsAllMonthTable;
  stats_cursor: StatsCursorTable;
  cti_calls: CtiCallsTable;
  cti_commands: CtiCommandsTable;
  data_subject_erasures: DataSubjectErasuresTable;
  rota_shifts: RotaShiftsTable;
  rota_rules: RotaRulesTable;
  training_courses: TrainingCoursesTable;
  training_sessions: TrainingSessionsTable;
  training_enrolments: TrainingEnrolmentsTable;
  training_feedback: TrainingFeedbackTable;
  practice_sets: PracticeSetsTable;
  practice_assignments: PracticeAssignmentsTable;
  practice_contacts: PracticeContactsTable;
  practice_scorecards: PracticeScorecardsTable;
}

export type DB = Kysely<Database>;
/** A database handle or an open transaction: repositories take either. */
export type Executor = Kysely<Database> | Transaction<Database>;
