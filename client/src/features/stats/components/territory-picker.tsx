import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DISTRICTS } from '@valore/shared/reference/territory';
import type { StatsOptions } from '@valore/shared/schemas/stats';
import { Select } from '../../../components/ui/select';
import type { Territory } from '../stats-search';

type Props = {
  options: Pick<StatsOptions, 'macroAreas' | 'districts' | 'provinces'>;
  value: Territory | null;
  onChange: (value: Territory | null) => void;
};

const PROVINCES_OF: ReadonlyMap<string, readonly string[]> = new Map(DISTRICTS.map((d) => [d.code, d.provinces]));

/** The macro-area, district and province a territory filter stands for (a province of two districts, RM, takes the
 * one chosen last, else the first). */
function selectionOf(options: Props['options'], value: Territory | null, districtHint: string) {
  const none = { macroArea: '', district: '', province: '' };
  if (!value) return none;
  if (value.level === 'macroArea') return { ...none, macroArea: value.code };
  const districtOf = (code: string) => options.districts.find((d) => d.code === code);
  if (value.level === 'district')
    return { ...none, macroArea: districtOf(value.code)?.macroArea ?? '', district: value.code };
  const holding = options.districts.filter((d) => PROVINCES_OF.get(d.code)?.includes(value.code));
  const district = holding.find((d) => d.code === districtHint) ?? holding[0];
  return { macroArea: district?.macroArea ?? '', district: district?.code ?? '', province: value.code };
}

/**
 * The customer's territory as three linked selects, macro-area → district → province: each narrows the next, and the
 * deepest one chosen is the filter sent to the server ({level, code}). Plain selects, so the keyboard works as
 * everywhere (type the first letters of a province to jump to it).
 */
export function TerritoryPicker({ options, value, onChange }: Props) {
  const { t } = useTranslation('stats');
  const [districtHint, setDistrictHint] = useState('');
  const sel = selectionOf(options, value, districtHint);
  const collator = useMemo(() => new Intl.Collator('it'), []);

  const districts = useMemo(
    () => options.districts.filter((d) => !sel.macroArea || d.macroArea === sel.macroArea),
    [options.districts, sel.macroArea],
  );
  const provinces = useMemo(() => {
    const inScope = sel.district
      ? new Set(PROVINCES_OF.get(sel.district))
      : sel.macroArea
        ? new Set(districts.flatMap((d) => PROVINCES_OF.get(d.code) ?? []))
        : null;
    return options.provinces
      .filter((p) => !inScope || inScope.has(p.code))
      .sort((a, b) => collator.compare(a.name, b.name));
  }, [options.provinces, districts, sel.district, sel.macroArea, collator]);

  const up = (level: 'macroArea' | 'district'): Territory | null => {
    if (level === 'district' && sel.district) return { level: 'district', code: sel.district };
    return sel.macroArea ? { level: 'macroArea', code: sel.macroArea } : null;
  };

  return (
    <fieldset className="stats-territory">
      <legend className="stats-territory__legend">{t('filters.territory')}</legend>
      <div className="stats-territory__fields">
        <Select
          label={t('dims.macroArea')}
          value={sel.macroArea}
          onChange={(e) => onChange(e.target.value ? { level: 'macroArea', code: e.target.value } : null)}
          options={[
            { value: '', label: t('territory.allMacroAreas') },
            ...options.macroAreas.map((m) => ({ value: m.code, label: m.name })),
          ]}
        />
        <Select
          label={t('filters.district')}
          value={sel.district}
          onChange={(e) => {
            setDistrictHint(e.target.value);
            onChange(e.target.value ? { level: 'district', code: e.target.value } : up('macroArea'));
          }}
          options={[
            { value: '', label: t('territory.allDistricts') },
            ...districts.map((d) => ({ value: d.code, label: d.name })),
          ]}
        />
        <Select
          label={t('dims.province')}
          value={sel.province}
          onChange={(e) => {
            // a province of two districts (RM) stays under the district shown when it was picked
            setDistrictHint(sel.district);
            onChange(e.target.value ? { level: 'province', code: e.target.value } : up('district'));
          }}
          options={[
            { value: '', label: t('territory.allProvinces') },
            ...provinces.map((p) => ({
              value: p.code,
              label: t('territory.province', { name: p.name, code: p.code }),
            })),
          ]}
        />
      </div>
    </fieldset>
  );
}
