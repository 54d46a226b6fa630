import type { Generated } from 'kysely';

export interface MacroAreasTable {
  code: string;
  name: string;
}
export interface DistrictsTable {
  code: string;
  name: string;
  macro_area_code: string;
  /** the district's service calendar (JSON, like sites.service_calendar); its sites without their own follow it */
  service_calendar: Generated<string | null>;
}
export interface ProvincesTable {
  code: string;
  name: string;
}
export interface DistrictProvincesTable {
  district_code: string;
  province_code: string;
}
export interface ProductsTable {
  code: string;
  family: string;
  business_unit: string;
  name_it: string;
  name_en: string;
  /** how the Italian name takes its article and pronoun (shared/src/reference/italian.ts) */
  gender_it: Generated<'m' | 'f'>;
  plural_it: Generated<0 | 1>;
  article_it: Generated<string | null>;
  funnel_url: string;
  /** the query string a funnel link adds when followed ({channel}, {product}, {link} filled in) */
  utm_template: Generated<string>;
  /** JSON array of ValueOutcome */
  outcomes: string;
  active: Generated<0 | 1>;
}
