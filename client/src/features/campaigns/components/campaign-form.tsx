import { useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CAMPAIGN_VERSION } from '@valore/shared/flows/campaign/campaign.machine';
import { createCampaignInput, type CampaignSummary } from '@valore/shared/schemas/campaigns';
import { DEFAULT_CALLING_WINDOW, type CallingWindow } from '@valore/shared/time/calling-window';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Select } from '../../../components/ui/select';
import { LoadingState } from '../../../components/ui/spinner';
import { DateField } from '../../../components/ui/date-field';
import { TextField } from '../../../components/ui/text-field';
import { useTRPC } from '../../../lib/trpc';
import { serverFieldErrors, useErrorText, useFocusFirstInvalid, useLang, useRequestId } from '../format';
import { CallingWindowEditor, callingWindowErrors } from './calling-window-editor';

type Values = {
  name: string;
  businessUnit: string;
  productCode: string;
  startsOn: string;
  endsOn: string;
  callingWindow: CallingWindow;
  maxAttempts: string;
  retryDelayMinutes: string;
  scriptVersion: string;
  siteIds: number[];
};
type Field = Exclude<keyof Values, 'callingWindow'>;
const FIELDS: readonly Field[] = [
  'name',
  'businessUnit',
  'productCode',
  'startsOn',
  'endsOn',
  'maxAttempts',
  'retryDelayMinutes',
  'scriptVersion',
  'siteIds',
];
const isField = (k: unknown): k is Field => typeof k === 'string' && (FIELDS as readonly string[]).includes(k);

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function initialValues(campaign: CampaignSummary | undefined, lockedSiteId: number | null): Values {
  if (campaign) {
    return {
      name: campaign.name,
      businessUnit: campaign.businessUnit,
      productCode: campaign.productCode,
      startsOn: campaign.startsOn,
      endsOn: campaign.endsOn,
      callingWindow: structuredClone(campaign.callingWindow),
      maxAttempts: String(campaign.maxAttempts),
      retryDelayMinutes: String(campaign.retryDelayMinutes),
      scriptVersion: campaign.scriptVersion,
      siteIds: campaign.siteIds,
    };
  }
  const today = new Date();
  return {
    name: '',
    businessUnit: '',
    productCode: '',
    startsOn: isoDay(today),
    endsOn: isoDay(new Date(today.getTime() + 30 * 86_400_000)),
    callingWindow: structuredClone(DEFAULT_CALLING_WINDOW),
    maxAttempts: '3',
    retryDelayMinutes: '240',
    scriptVersion: CAMPAIGN_VERSION,
    siteIds: lockedSiteId === null ? [] : [lockedSiteId],
  };
}

const toNumber = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));

type SetValue = <K extends keyof Values>(key: K, value: Values[K]) => void;
/** What every group of fields gets from the form: the values, their setter, each field's error and the id prefix. */
type FieldsProps = { values: Values; set: SetValue; errorOf: (f: Field) => string | null; ids: string };
type Product = { code: string; businessUnit: string; name: { it: string; en: string } };
type Site = { id: number; code: string; name: string };

type Props = {
  campaign?: CampaignSummary;
  onSaved: (campaign: CampaignSummary) => void;
  onCancel: () => void;
};

/** Create a campaign, or change a draft or paused one. */
export function CampaignForm(props: Props) {
  const trpc = useTRPC();
  const { t } = useTranslation('campaigns');
  const catalogue = useQuery(trpc.scripts.catalogue.queryOptions());
  const options = useQuery(trpc.stats.options.queryOptions());
  if (catalogue.isPending || options.isPending) return <LoadingState label={t('loading')} />;
  if (catalogue.isError || options.isError) return <Alert tone="error">{t('form.optionsFailed')}</Alert>;
  return (
    <FormBody
      {...props}
      products={catalogue.data}
      sites={options.data.sites}
      lockedSiteId={options.data.lockedSiteId}
    />
  );
}

function FormBody({
  campaign,
  onSaved,
  onCancel,
  products,
  sites,
  lockedSiteId,
}: Props & {
  products: Product[];
  sites: Site[];
  lockedSiteId: number | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('campaigns');
  const errorText = useErrorText();
  const ids = useId();
  const requestId = useRequestId();
  const [values, setValues] = useState<Values>(() => initialValues(campaign, lockedSiteId));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [windowChecked, setWindowChecked] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);

  const saved = (c: CampaignSummary) => {
    requestId.done();
    void queryClient.invalidateQueries(trpc.campaigns.pathFilter());
    onSaved(c);
  };
  const create = useMutation(trpc.campaigns.create.mutationOptions({ onSuccess: saved }));
  const update = useMutation(trpc.campaigns.update.mutationOptions({ onSuccess: saved }));
  const mutation = campaign ? update : create;

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (isField(key)) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const windowErrors = windowChecked ? callingWindowErrors(values.callingWindow) : {};

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setWindowChecked(true);
    const payload = {
      name: values.name,
      businessUnit: values.businessUnit,
      productCode: values.productCode,
      startsOn: values.startsOn,
      endsOn: values.endsOn,
      callingWindow: values.callingWindow,
      maxAttempts: toNumber(values.maxAttempts),
      retryDelayMinutes: toNumber(values.retryDelayMinutes),
      scriptVersion: values.scriptVersion,
      siteIds: values.siteIds,
    };
    // the server's own schema, so the form refuses exactly what the server would
    const parsed = createCampaignInput.safeParse({ requestId: crypto.randomUUID(), ...payload });
    const hasWindowErrors = Object.keys(callingWindowErrors(values.callingWindow)).length > 0;
    if (!parsed.success || hasWindowErrors) {
      const next: Partial<Record<Field, string>> = {};
      for (const issue of parsed.success ? [] : parsed.error.issues) {
        const key = issue.path[0];
        if (isField(key) && !next[key]) next[key] = t(`form.errors.${key}`);
      }
      setErrors(next);
      // the first field in error takes the focus once it is marked, as a screen-reader user needs to land on it
      focusInvalid();
      return;
    }
    setErrors({});
    const body = parsed.data;
    const { requestId: _ignored, ...rest } = body;
    if (campaign) {
      update.mutate(
        { requestId: requestId.idFor({ id: campaign.id, ...rest }), id: campaign.id, ...rest },
        { onError: focusInvalid },
      );
    } else create.mutate({ ...rest, requestId: requestId.idFor(rest) }, { onError: focusInvalid });
  }

  const fromServer = serverFieldErrors(mutation.error);
  const errorOf = (f: Field) => errors[f] ?? (fromServer[f] ? t(`form.errors.${f}`) : null);
  const fieldProps: FieldsProps = { values, set, errorOf, ids };

  return (
    <form ref={formRef} className="campaign-form" onSubmit={submit} noValidate aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`} className="campaign-form__title">
        {campaign ? t('form.editTitle', { name: campaign.name }) : t('form.createTitle')}
      </h2>
      {mutation.isError && (
        <Alert tone="error" title={campaign ? t('form.updateFailed') : t('form.createFailed')}>
          <p>{errorText(mutation.error)}</p>
        </Alert>
      )}
      <GeneralFields {...fieldProps} products={products} />

      <PeriodFields {...fieldProps} />

      <CallingWindowEditor
        value={values.callingWindow}
        onChange={(w) => set('callingWindow', w)}
        errors={windowErrors}
      />

      <DiallingFields {...fieldProps} />

      <SitesFields {...fieldProps} sites={sites} lockedSiteId={lockedSiteId} />

      <div className="campaign-form__actions">
        <Button type="submit" variant="primary" busy={mutation.isPending}>
          {mutation.isPending ? t('form.saving') : campaign ? t('form.save') : t('form.create')}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          {t('form.cancel')}
        </Button>
      </div>
    </form>
  );
}

function GeneralFields({ values, set, errorOf, ids, products }: FieldsProps & { products: Product[] }) {
  const { t } = useTranslation('campaigns');
  const { lang } = useLang();
  const businessUnits = [...new Set(products.map((p) => p.businessUnit))].sort();

  function onProductChange(code: string) {
    const previous = products.find((p) => p.code === values.productCode);
    const next = products.find((p) => p.code === code);
    set('productCode', code);
    // the BU follows the product unless the user typed another one
    if (next && (values.businessUnit.trim() === '' || values.businessUnit === previous?.businessUnit))
      set('businessUnit', next.businessUnit);
  }

  return (
    <fieldset className="campaign-form__group">
      <legend>{t('form.general')}</legend>
      <div className="campaign-form__grid">
        <TextField
          label={t('fields.name')}
          value={values.name}
          maxLength={120}
          required
          error={errorOf('name')}
          onChange={(e) => set('name', e.target.value)}
        />
        <Select
          label={t('fields.product')}
          value={values.productCode}
          required
          aria-invalid={errorOf('productCode') ? true : undefined}
          aria-describedby={errorOf('productCode') ? `${ids}-productCode-error` : undefined}
          onChange={(e) => onProductChange(e.target.value)}
          options={[
            { value: '', label: t('form.chooseProduct'), disabled: true },
            ...products.map((p) => ({ value: p.code, label: `${p.name[lang]} (${p.code})` })),
          ]}
        />
        <div className="ui-field">
          <label className="ui-field__label" htmlFor={`${ids}-businessUnit`}>
            {t('fields.businessUnit')}
          </label>
          <input
            id={`${ids}-businessUnit`}
            className="ui-input"
            list={`${ids}-bus`}
            value={values.businessUnit}
            maxLength={64}
            required
            aria-invalid={errorOf('businessUnit') ? true : undefined}
            aria-describedby={errorOf('businessUnit') ? `${ids}-businessUnit-error` : undefined}
            onChange={(e) => set('businessUnit', e.target.value)}
          />
          <datalist id={`${ids}-bus`}>
            {businessUnits.map((bu) => (
              <option key={bu} value={bu} />
            ))}
          </datalist>
          {errorOf('businessUnit') && (
            <p className="ui-field__error" id={`${ids}-businessUnit-error`}>
              {errorOf('businessUnit')}
            </p>
          )}
        </div>
        {errorOf('productCode') && (
          <p className="ui-field__error campaign-form__wide" id={`${ids}-productCode-error`}>
            {errorOf('productCode')}
          </p>
        )}
      </div>
    </fieldset>
  );
}

function PeriodFields({ values, set, errorOf }: FieldsProps) {
  const { t } = useTranslation('campaigns');
  return (
    <fieldset className="campaign-form__group">
      <legend>{t('form.period')}</legend>
      <div className="campaign-form__grid">
        <DateField
          label={t('fields.startsOn')}
          value={values.startsOn}
          required
          error={errorOf('startsOn')}
          onChange={(v) => set('startsOn', v)}
        />
        <DateField
          label={t('fields.endsOn')}
          value={values.endsOn}
          min={values.startsOn || undefined}
          required
          error={errorOf('endsOn')}
          onChange={(v) => set('endsOn', v)}
        />
      </div>
    </fieldset>
  );
}

function DiallingFields({ values, set, errorOf }: FieldsProps) {
  const { t } = useTranslation('campaigns');
  const versions = [...new Set([CAMPAIGN_VERSION, values.scriptVersion])];
  return (
    <fieldset className="campaign-form__group">
      <legend>{t('form.dialling')}</legend>
      <div className="campaign-form__grid">
        <TextField
          type="number"
          inputMode="numeric"
          min={1}
          max={20}
          label={t('fields.maxAttempts')}
          hint={t('fields.maxAttemptsHint')}
          value={values.maxAttempts}
          required
          error={errorOf('maxAttempts')}
          onChange={(e) => set('maxAttempts', e.target.value)}
        />
        <TextField
          type="number"
          inputMode="numeric"
          min={0}
          max={43200}
          label={t('fields.retryDelayMinutes')}
          hint={t('fields.retryDelayHint')}
          value={values.retryDelayMinutes}
          required
          error={errorOf('retryDelayMinutes')}
          onChange={(e) => set('retryDelayMinutes', e.target.value)}
        />
        <Select
          label={t('fields.scriptVersion')}
          value={values.scriptVersion}
          onChange={(e) => set('scriptVersion', e.target.value)}
          options={versions.map((v) => ({
            value: v,
            label: v === CAMPAIGN_VERSION ? t('form.currentVersion', { version: v }) : v,
          }))}
        />
      </div>
    </fieldset>
  );
}

function SitesFields({
  values,
  set,
  errorOf,
  ids,
  sites,
  lockedSiteId,
}: FieldsProps & { sites: Site[]; lockedSiteId: number | null }) {
  const { t } = useTranslation('campaigns');
  return (
    <fieldset
      className="campaign-form__group"
      aria-describedby={[`${ids}-sites-hint`, errorOf('siteIds') ? `${ids}-siteIds-error` : ''].join(' ').trim()}
    >
      <legend>{t('fields.sites')}</legend>
      <p className="ui-field__hint" id={`${ids}-sites-hint`}>
        {lockedSiteId === null ? t('form.sitesHintAdmin') : t('form.sitesHintLead')}
      </p>
      <div className="campaign-form__sites">
        {sites.map((site, i) => (
          <label className="campaign-form__site" key={site.id}>
            <input
              aria-invalid={i === 0 && errorOf('siteIds') ? true : undefined}
              type="checkbox"
              checked={values.siteIds.includes(site.id)}
              disabled={lockedSiteId !== null}
              onChange={(e) =>
                set(
                  'siteIds',
                  e.target.checked
                    ? [...values.siteIds, site.id].sort((a, b) => a - b)
                    : values.siteIds.filter((s) => s !== site.id),
                )
              }
            />
            <span>
              {site.name} <span className="campaign-form__muted">({site.code})</span>
            </span>
          </label>
        ))}
      </div>
      {errorOf('siteIds') && (
        <p className="ui-field__error" id={`${ids}-siteIds-error`}>
          {errorOf('siteIds')}
        </p>
      )}
    </fieldset>
  );
}
