import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { VALUE_OUTCOMES, type ValueOutcome } from '@valore/shared/reference/outcomes';
import { DEFAULT_UTM_TEMPLATE, productCreateInput, type AdminProduct } from '@valore/shared/schemas/admin';
import { Alert } from '../../components/ui/alert';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Panel } from '../../components/ui/panel';
import { LoadingState } from '../../components/ui/spinner';
import { Select } from '../../components/ui/select';
import { TextField } from '../../components/ui/text-field';
import { nameWithArticle, productPronoun } from '@valore/shared/reference/italian';
import { errorMessageKey } from '../../lib/errors';
import { serverFieldErrors, useFocusFirstInvalid, useRequestId } from '../../lib/forms';
import { useFocusAfterRender } from '../../lib/focus';
import { isAppClientError, useTRPC } from '../../lib/trpc';
import { langOf } from '../../lib/lang';

type Editing = { mode: 'create' } | { mode: 'edit'; product: AdminProduct } | null;

/** The products tab: the catalogue with outcomes and funnel address; create, edit, switch off. */
export function ProductsAdmin() {
  const trpc = useTRPC();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const { i18n } = useTranslation();
  const lang = langOf(i18n);
  const products = useQuery(trpc.admin.products.list.queryOptions());
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();

  if (editing) {
    return (
      <ProductForm
        key={editing.mode === 'edit' ? editing.product.code : 'new'}
        product={editing.mode === 'edit' ? editing.product : undefined}
        onDone={(code) => {
          setEditing(null);
          if (code) setNotice(t('products.saved', { code }));
          focusAfterRender(() => newButton.current);
        }}
      />
    );
  }
  return (
    <div className="admin-products">
      {notice && (
        <Alert tone="success">
          <span role="status">{notice}</span>
        </Alert>
      )}
      <div className="admin-toolbar">
        <div className="admin-toolbar__actions">
          <Button ref={newButton} variant="primary" onClick={() => setEditing({ mode: 'create' })}>
            {t('products.new')}
          </Button>
        </div>
      </div>
      {products.isPending ? (
        <LoadingState label={t('loading')} />
      ) : products.isError ? (
        <Alert tone="error">{tShell(errorMessageKey(products.error))}</Alert>
      ) : products.data.length === 0 ? (
        <p className="ui-empty">{t('products.empty')}</p>
      ) : (
        <div className="admin-table__scroll" tabIndex={0} role="region" aria-label={t('products.caption')}>
          <table className="admin-table">
            <caption className="visually-hidden">{t('products.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('products.col.code')}</th>
                <th scope="col">{t('products.col.name')}</th>
                <th scope="col">{t('products.col.family')}</th>
                <th scope="col">{t('products.col.businessUnit')}</th>
                <th scope="col">{t('products.col.outcomes')}</th>
                <th scope="col">{t('products.col.funnel')}</th>
                <th scope="col">{t('products.col.state')}</th>
                <th scope="col">{t('products.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {products.data.map((p) => (
                <tr key={p.code} className={p.active ? undefined : 'admin-table__row--muted'}>
                  <th scope="row">
                    <code>{p.code}</code>
                  </th>
                  <td>{p.name[lang]}</td>
                  <td>{p.family}</td>
                  <td>{p.businessUnit}</td>
                  <td>{p.outcomes.map((o) => t(`products.outcome.${o}`)).join(', ')}</td>
                  <td className="admin-table__details">{p.funnelUrl}</td>
                  <td>
                    <Badge tone={p.active ? 'success' : 'neutral'}>
                      {p.active ? t('products.active') : t('products.inactive')}
                    </Badge>
                  </td>
                  <td className="admin-table__actions">
                    <Button
                      size="sm"
                      onClick={() => {
                        setNotice(null);
                        setEditing({ mode: 'edit', product: p });
                      }}
                      aria-label={t('products.editFor', { name: p.name[lang] })}
                    >
                      {t('products.edit')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

type Values = {
  code: string;
  nameIt: string;
  nameEn: string;
  family: string;
  businessUnit: string;
  funnelUrl: string;
  utmTemplate: string;
  outcomes: ValueOutcome[];
  active: boolean;
  genderIt: 'm' | 'f';
  pluralIt: boolean;
  articleIt: string;
};
type Field = Exclude<keyof Values, 'active' | 'pluralIt'>;
const TEXT_FIELDS = ['nameIt', 'nameEn', 'family', 'businessUnit', 'funnelUrl', 'utmTemplate'] as const;

function valuesOf(p: AdminProduct | undefined): Values {
  return {
    code: p?.code ?? '',
    nameIt: p?.name.it ?? '',
    nameEn: p?.name.en ?? '',
    family: p?.family ?? '',
    businessUnit: p?.businessUnit ?? '',
    funnelUrl: p?.funnelUrl ?? '',
    utmTemplate: p?.utmTemplate ?? DEFAULT_UTM_TEMPLATE,
    outcomes: p?.outcomes ?? ['up_appointment'],
    active: p?.active ?? true,
    genderIt: p?.grammar.gender ?? 'm',
    pluralIt: p?.grammar.plural ?? false,
    articleIt: p?.grammar.article ?? '',
  };
}

const GRAMMAR_FORMS = ['m', 'f', 'mp', 'fp'] as const;

/** How the Italian name is said in the script's lines: its gender and number, or what goes before it instead. */
function GrammarFields({
  values,
  set,
  error,
}: {
  values: Values;
  set: <K extends keyof Values>(key: K, value: Values[K]) => void;
  error: string | null;
}) {
  const { t } = useTranslation('admin');
  const form = `${values.genderIt}${values.pluralIt ? 'p' : ''}`;
  const grammar = { gender: values.genderIt, plural: values.pluralIt, article: values.articleIt.trim() || null };
  const name = values.nameIt.trim() || t('products.form.grammarSample');
  return (
    <>
      <Select
        label={t('products.form.grammar')}
        hint={t('products.form.grammarHint')}
        value={form}
        options={GRAMMAR_FORMS.map((f) => ({ value: f, label: t(`products.form.grammarForms.${f}`) }))}
        onChange={(e) => {
          set('genderIt', e.target.value.startsWith('f') ? 'f' : 'm');
          set('pluralIt', e.target.value.endsWith('p'));
        }}
      />
      <TextField
        label={t('products.form.articleIt')}
        hint={t('products.form.articleItHint')}
        value={values.articleIt}
        autoComplete="off"
        onChange={(e) => set('articleIt', e.target.value)}
        error={error}
      />
      <p className="ui-field__hint" aria-live="polite">
        {t('products.form.grammarPreview', {
          line: `le consiglio ${nameWithArticle('it', name, grammar)}… come pensa di usar${productPronoun('it', grammar)}?`,
        })}
      </p>
    </>
  );
}

/** Where a link followed now would lead (the server's own rule: funnel.service followFunnelLink). */
function previewOf(v: Values): string | null {
  try {
    const url = new URL(v.funnelUrl);
    const fill: Record<string, string> = { channel: 'sms', product: v.code || 'CODICE', link: '123' };
    for (const pair of v.utmTemplate.split('&').filter(Boolean)) {
      const [name = '', value = ''] = pair.split('=');
      url.searchParams.set(
        name,
        value.replace(/\{(channel|product|link)\}/g, (_, k: string) => fill[k] ?? ''),
      );
    }
    url.searchParams.set('lid', '123');
    return url.toString();
  } catch {
    return null;
  }
}

function ProductForm({ product, onDone }: { product?: AdminProduct; onDone: (savedCode: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { t } = useTranslation('admin');
  const { t: tShell } = useTranslation();
  const ids = useId();
  const requestId = useRequestId();
  const formRef = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState<Values>(() => valuesOf(product));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const saved = (p: AdminProduct) => {
    requestId.done();
    void queryClient.invalidateQueries(trpc.admin.products.pathFilter());
    void queryClient.invalidateQueries(trpc.scripts.catalogue.pathFilter());
    onDone(p.code);
  };
  const create = useMutation(trpc.admin.products.create.mutationOptions({ onSuccess: saved }));
  const update = useMutation(trpc.admin.products.update.mutationOptions({ onSuccess: saved }));
  const mutation = product ? update : create;
  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = productCreateInput.safeParse({ ...values, articleIt: values.articleIt.trim() || null });
    if (!parsed.success) {
      const next: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] as Field;
        next[key] ??= t(`products.form.errors.${key}`);
      }
      setErrors(next);
      focusInvalid();
      return;
    }
    setErrors({});
    const body = parsed.data;
    if (product) update.mutate({ ...body, requestId: requestId.idFor(body) }, { onError: focusInvalid });
    else create.mutate({ ...body, requestId: requestId.idFor(body) }, { onError: focusInvalid });
  }

  const fromServer = serverFieldErrors(mutation.error);
  const errorOf = (f: Field): string | null => {
    if (errors[f]) return errors[f];
    if (!fromServer[f]) return null;
    const conflict = isAppClientError(mutation.error) && mutation.error.data?.httpStatus === 409;
    return f === 'code' && conflict ? t('products.form.errors.codeTaken') : t(`products.form.errors.${f}`);
  };
  const preview = previewOf(values);
  const title = product ? t('products.form.editTitle', { name: product.name.it }) : t('products.form.createTitle');
  return (
    <Panel title={title}>
      <form ref={formRef} className="admin-form" onSubmit={submit} noValidate aria-label={title}>
        {mutation.isError && (
          <Alert tone="error" title={t('products.form.failed')}>
            <p>{tShell(errorMessageKey(mutation.error))}</p>
          </Alert>
        )}
        <TextField
          label={t('products.form.code')}
          hint={product ? undefined : t('products.form.codeHint')}
          value={values.code}
          readOnly={!!product}
          autoFocus={!product}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => set('code', e.target.value.toUpperCase())}
          error={errorOf('code')}
        />
        {TEXT_FIELDS.map((f, i) => (
          <TextField
            key={f}
            label={t(`products.form.${f}`)}
            hint={
              f === 'funnelUrl'
                ? t('products.form.funnelUrlHint')
                : f === 'utmTemplate'
                  ? t('products.form.utmTemplateHint')
                  : undefined
            }
            type={f === 'funnelUrl' ? 'url' : 'text'}
            value={values[f]}
            autoFocus={!!product && i === 0}
            autoComplete="off"
            spellCheck={f === 'nameIt' || f === 'nameEn'}
            onChange={(e) => set(f, e.target.value)}
            error={errorOf(f)}
          />
        ))}
        {preview && (
          <p className="ui-field__hint" aria-live="polite">
            {t('products.form.preview', { url: preview })}
          </p>
        )}
        <GrammarFields values={values} set={set} error={errorOf('articleIt')} />
        <fieldset className="admin-fieldset" aria-describedby={errorOf('outcomes') ? `${ids}-outcomes` : undefined}>
          <legend className="ui-field__label">{t('products.form.outcomes')}</legend>
          {VALUE_OUTCOMES.map((o) => (
            <div className="admin-check" key={o}>
              <input
                id={`${ids}-${o}`}
                type="checkbox"
                checked={values.outcomes.includes(o)}
                onChange={(e) =>
                  set('outcomes', e.target.checked ? [...values.outcomes, o] : values.outcomes.filter((x) => x !== o))
                }
              />
              <label htmlFor={`${ids}-${o}`}>{t(`products.outcome.${o}`)}</label>
            </div>
          ))}
          {errorOf('outcomes') && (
            <p className="ui-field__error" id={`${ids}-outcomes`}>
              {errorOf('outcomes')}
            </p>
          )}
        </fieldset>
        <div className="admin-check">
          <input
            id={`${ids}-active`}
            type="checkbox"
            checked={values.active}
            onChange={(e) => set('active', e.target.checked)}
          />
          <label htmlFor={`${ids}-active`}>{t('products.form.active')}</label>
        </div>
        <div className="admin-form__actions">
          <Button type="submit" variant="primary" busy={mutation.isPending}>
            {product ? t('products.form.save') : t('products.form.create')}
          </Button>
          <Button onClick={() => onDone(null)}>{t('products.form.cancel')}</Button>
        </div>
      </form>
    </Panel>
  );
}
