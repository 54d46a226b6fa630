import { useQuery } from '@tanstack/react-query';
import type { ScriptDefinition } from '@valore/shared/flows/definition';
import { compileScript } from '@valore/shared/flows/compile';
import { FLOW_VERSIONS, flowMachine, type AnyFlowMachine } from '@valore/shared/flows/index';
import type { FlowId } from '@valore/shared/reference/outcomes';
import { useMemo } from 'react';
import { useTRPC } from '../../../lib/trpc';

/**
 * The machine of the script version a contact plays: a version shipped with the product at once, a version made in the
 * studio from its definition (scripts.play), compiled here with the same code the server replays with. Published
 * versions never change, so a fetched definition is kept for the session. Null while it loads.
 */
export function useScriptMachine(flow: FlowId, version: string | null): AnyFlowMachine | null {
  const trpc = useTRPC();
  const shipped = version ? flowMachine(flow, version) : undefined;
  const query = useQuery({
    ...trpc.scripts.play.queryOptions({ flow, version: version ?? '0.0.0' }),
    enabled: version !== null && !shipped,
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return useMemo(
    () => shipped ?? (query.data ? compileScript(query.data as ScriptDefinition) : null),
    [shipped, query.data],
  );
}

/**
 * The version a contact without a work item plays (scripts.assigned: the flow's assignment for this customer); null
 * while the server answers. A contact that already has one (from its work item) does not ask. When the server cannot
 * answer (offline: the console keeps working and delivers later), the newest version shipped with the console.
 */
export function useAssignedVersion(
  flow: FlowId,
  customerId: number | null,
  contactId: string,
  known: string | null | undefined,
): string | null {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.scripts.assigned.queryOptions({ flow, customerId, contactId }),
    enabled: !known,
    staleTime: Infinity,
    retry: 1,
  });
  return known ?? query.data?.version ?? (query.isError ? FLOW_VERSIONS[flow] : null);
}
