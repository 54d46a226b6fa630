import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc';
import { Select } from './ui/select';

/** The sites an admin may choose between (every site), for the pages that show one site at a time. */
export function useSites() {
  const trpc = useTRPC();
  return useQuery(trpc.stats.options.queryOptions(undefined, { staleTime: 10 * 60_000 })).data?.sites ?? [];
}

/**
 * A site chooser for admins (tutors and team leads see their own site and never get one). `allLabel`: also offer
 * "every site" as the empty value.
 */
export function SitePicker({
  label,
  value,
  onChange,
  allLabel,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  allLabel?: string;
}) {
  const sites = useSites();
  return (
    <Select
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      data-testid="site-picker"
      options={[
        ...(allLabel !== undefined ? [{ value: '', label: allLabel }] : []),
        ...sites.map((s) => ({ value: String(s.id), label: `${s.code} · ${s.name}` })),
      ]}
    />
  );
}
