import { useId, useRef, useState, type DragEvent, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Select } from '../../../components/ui/select';
import {
  countDataRows,
  DELIMITERS,
  detectDelimiter,
  firstLine,
  guessMapping,
  headerColumns,
  ImportFailure,
  readHead,
  uploadCsv,
  type Delimiter,
  type ImportDone,
} from '../csv-import';
import { formatCount, isDomainCode, isOwnCode, useLang } from '../format';

export type Mapping = { customerIdColumn: string | null; phoneColumn: string | null };

type Picked = { file: File; columns: string[]; rows: number | null; firstLine: string };
type Phase =
  | { kind: 'idle' }
  | { kind: 'running'; processed: number }
  | { kind: 'done'; result: ImportDone }
  | { kind: 'failed'; message: string; detail: string | null };

type Props = {
  /** Where to send the file, given the chosen delimiter and mapping. */
  urlFor: (delimiter: Delimiter, mapping: Mapping) => string;
  /** Offer the customer id / phone column mapping (campaign lists); registry files are "phone,date". */
  withMapping: boolean;
  submitLabel: string;
  disabled?: boolean;
  onDone: (result: ImportDone) => void;
  renderResult: (result: ImportDone) => ReactNode;
  testId: string;
};

const formatBytes = (locale: string, n: number) =>
  new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: n >= 1_048_576 ? 'megabyte' : 'kilobyte',
    maximumFractionDigits: 1,
  }).format(n >= 1_048_576 ? n / 1_048_576 : n / 1024);

/** Pick or drop a CSV, map its columns, stream it to the server and follow the progress to the summary. */
export function CsvUpload({ urlFor, withMapping, submitLabel, disabled = false, onDone, renderResult, testId }: Props) {
  const { t } = useTranslation('campaigns');
  const failure = useFailureText();
  const ids = useId();
  const idColumnRef = useRef<HTMLSelectElement>(null);
  const [picked, setPicked] = useState<Picked | null>(null);
  const [delimiter, setDelimiter] = useState<Delimiter>(',');
  const [mapping, setMapping] = useState<Mapping>({ customerIdColumn: null, phoneColumn: null });
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [mappingError, setMappingError] = useState(false);
  const [pickError, setPickError] = useState<string | null>(null);

  async function pick(file: File | undefined) {
    setPhase({ kind: 'idle' });
    setPickError(null);
    setMappingError(false);
    if (!file) return;
    if (!/\.(csv|txt)$/i.test(file.name) && file.type !== 'text/csv') {
      setPicked(null);
      setPickError(t('upload.notCsv', { name: file.name }));
      return;
    }
    const head = await readHead(file);
    const line = firstLine(head);
    const d = detectDelimiter(line);
    const columns = headerColumns(head, d);
    setDelimiter(d);
    setMapping(guessMapping(columns));
    setPicked({ file, columns, rows: null, firstLine: line });
    const rows = await countDataRows(file);
    setPicked((p) => (p?.file === file ? { ...p, rows } : p));
  }

  function changeDelimiter(d: Delimiter) {
    setDelimiter(d);
    if (!picked) return;
    const columns = headerColumns(picked.firstLine, d);
    setPicked({ ...picked, columns });
    setMapping(guessMapping(columns));
  }

  async function start() {
    if (!picked) return;
    if (withMapping && !mapping.customerIdColumn && !mapping.phoneColumn) {
      setMappingError(true);
      idColumnRef.current?.focus();
      return;
    }
    setPhase({ kind: 'running', processed: 0 });
    try {
      const result = await uploadCsv(urlFor(delimiter, mapping), picked.file, (processed) =>
        setPhase({ kind: 'running', processed }),
      );
      setPhase({ kind: 'done', result });
      onDone(result);
    } catch (error) {
      setPhase({ kind: 'failed', ...failure(error) });
    }
  }

  const running = phase.kind === 'running';
  const total = phase.kind === 'done' ? phase.result.total : Math.max(picked?.rows ?? 0, 1);
  const processed =
    phase.kind === 'done' ? phase.result.total : phase.kind === 'running' ? Math.min(phase.processed, total) : 0;

  return (
    <div className="csv-upload" data-testid={testId}>
      <FileDrop
        ids={ids}
        withMapping={withMapping}
        disabled={running || disabled}
        picked={picked}
        pickError={pickError}
        onPick={(file) => void pick(file)}
      />

      {picked && (
        <MappingFieldset
          ids={ids}
          idColumnRef={idColumnRef}
          columns={picked.columns}
          withMapping={withMapping}
          disabled={running || disabled}
          delimiter={delimiter}
          onDelimiter={changeDelimiter}
          mapping={mapping}
          onMapping={(m) => {
            setMappingError(false);
            setMapping(m);
          }}
          mappingError={mappingError}
        />
      )}

      {picked && (
        <div className="csv-upload__actions">
          <Button variant="primary" onClick={() => void start()} busy={running} disabled={disabled}>
            {running ? t('upload.running') : submitLabel}
          </Button>
        </div>
      )}

      {(running || phase.kind === 'done') && (
        <UploadProgress ids={ids} total={total} processed={processed} done={phase.kind === 'done'} />
      )}

      {phase.kind === 'failed' && (
        <Alert tone="error" title={t('upload.failed')}>
          <p>{phase.message}</p>
          {phase.detail && <p className="csv-upload__detail">{phase.detail}</p>}
        </Alert>
      )}
      {phase.kind === 'done' && renderResult(phase.result)}
    </div>
  );
}

/** What the user reads when an import fails: the network, a stream cut short, a file too large, or the server's code. */
function useFailureText() {
  const { t } = useTranslation('campaigns');
  const { t: tShell } = useTranslation();
  return (error: unknown): { message: string; detail: string | null } => {
    if (!(error instanceof ImportFailure)) return { message: tShell('errors.UNKNOWN'), detail: null };
    const code = error.domainCode;
    const message =
      error.kind === 'network'
        ? tShell('errors.NETWORK')
        : error.kind === 'stream'
          ? t('upload.stopped')
          : error.status === 413
            ? t('upload.tooLarge')
            : isOwnCode(code)
              ? t(`errors.${code}`)
              : isDomainCode(code)
                ? tShell(`errors.${code}`)
                : tShell('errors.SERVER');
    return { message, detail: error.message || null };
  };
}

/** The file's format: its delimiter and, for campaign lists, which columns hold the customer id and the phone. */
function MappingFieldset({
  ids,
  idColumnRef,
  columns,
  withMapping,
  disabled,
  delimiter,
  onDelimiter,
  mapping,
  onMapping,
  mappingError,
}: {
  ids: string;
  idColumnRef: RefObject<HTMLSelectElement | null>;
  columns: string[];
  withMapping: boolean;
  disabled: boolean;
  delimiter: Delimiter;
  onDelimiter: (d: Delimiter) => void;
  mapping: Mapping;
  onMapping: (mapping: Mapping) => void;
  mappingError: boolean;
}) {
  const { t } = useTranslation('campaigns');
  const columnOptions = [{ value: '', label: t('upload.noColumn') }, ...columns.map((c) => ({ value: c, label: c }))];
  return (
    <fieldset className="csv-upload__mapping" disabled={disabled}>
      <legend>{withMapping ? t('upload.mapping') : t('upload.format')}</legend>
      <Select
        label={t('upload.delimiter')}
        value={delimiter}
        onChange={(e) => onDelimiter(e.target.value as Delimiter)}
        options={DELIMITERS.map((d) => ({
          value: d,
          label: t(`upload.delimiters.${d === 'tab' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : 'pipe'}`),
        }))}
      />
      {withMapping && (
        <>
          <Select
            ref={idColumnRef}
            label={t('upload.idColumn')}
            value={mapping.customerIdColumn ?? ''}
            aria-invalid={mappingError || undefined}
            aria-describedby={mappingError ? `${ids}-mapping-error` : undefined}
            onChange={(e) => onMapping({ ...mapping, customerIdColumn: e.target.value || null })}
            options={columnOptions}
          />
          <Select
            label={t('upload.phoneColumn')}
            value={mapping.phoneColumn ?? ''}
            aria-invalid={mappingError || undefined}
            aria-describedby={mappingError ? `${ids}-mapping-error` : undefined}
            onChange={(e) => onMapping({ ...mapping, phoneColumn: e.target.value || null })}
            options={columnOptions}
          />
          <p className="ui-field__hint csv-upload__wide">{t('upload.mappingHint')}</p>
          {mappingError && (
            <p className="ui-field__error csv-upload__wide" id={`${ids}-mapping-error`}>
              {t('upload.mappingMissing')}
            </p>
          )}
        </>
      )}
      {!withMapping && <p className="ui-field__hint csv-upload__wide">{t('upload.registryFormat')}</p>}
    </fieldset>
  );
}

function UploadProgress({
  ids,
  total,
  processed,
  done,
}: {
  ids: string;
  total: number;
  processed: number;
  done: boolean;
}) {
  const { t } = useTranslation('campaigns');
  const { locale } = useLang();
  return (
    <div className="csv-upload__progress">
      <label htmlFor={`${ids}-progress`} className="ui-field__label">
        {t('upload.progress')}
      </label>
      <progress
        id={`${ids}-progress`}
        className="csv-upload__bar"
        max={total}
        value={processed}
        aria-describedby={`${ids}-progress-text`}
      />
      <p id={`${ids}-progress-text`} className="ui-field__hint" aria-live="polite">
        {done
          ? t('upload.finished', { n: formatCount(locale, processed) })
          : processed === 0
            ? t('upload.sending')
            : t('upload.processed', { n: formatCount(locale, processed), total: formatCount(locale, total) })}
      </p>
    </div>
  );
}

/** The file input, which also takes a file dropped on it, with what is known of the chosen file. */
function FileDrop({
  ids,
  withMapping,
  disabled,
  picked,
  pickError,
  onPick,
}: {
  ids: string;
  withMapping: boolean;
  disabled: boolean;
  picked: Picked | null;
  pickError: string | null;
  onPick: (file: File | undefined) => void;
}) {
  const { t } = useTranslation('campaigns');
  const { locale } = useLang();
  const [dragging, setDragging] = useState(false);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    onPick(event.dataTransfer.files[0]);
  }

  return (
    <div
      className={`csv-upload__drop${dragging ? ' csv-upload__drop--over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <label className="ui-field__label" htmlFor={`${ids}-file`}>
        {t('upload.file')}
      </label>
      <p className="ui-field__hint" id={`${ids}-file-hint`}>
        {withMapping ? t('upload.fileHintList') : t('upload.fileHintRegistry')}
      </p>
      <input
        id={`${ids}-file`}
        type="file"
        accept=".csv,.txt,text/csv"
        className="csv-upload__input"
        disabled={disabled}
        aria-describedby={`${ids}-file-hint${pickError ? ` ${ids}-file-error` : ''}`}
        aria-invalid={pickError ? true : undefined}
        onChange={(e) => onPick(e.target.files?.[0])}
      />
      {pickError && (
        <p className="ui-field__error" id={`${ids}-file-error`}>
          {pickError}
        </p>
      )}
      {picked && (
        <p className="csv-upload__file">
          <strong>{picked.file.name}</strong> · {formatBytes(locale, picked.file.size)}
          {picked.rows !== null && (
            <> · {t('upload.rows', { count: picked.rows, n: formatCount(locale, picked.rows) })}</>
          )}
        </p>
      )}
    </div>
  );
}
