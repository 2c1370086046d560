// Workflow queries: the list (admin), one workflow, and the immutable workflow versions the board and
// the ticket page read (cached forever: a version never changes).
import { useQueries, useQuery } from '@tanstack/react-query';
import { api } from '../../api/endpoints';
import type { WorkflowVersion } from '../../api/issue5';

export const workflowsKey = ['workflows'] as const;
export const versionKey = (id: number) => ['workflow-version', id] as const;

export function useWorkflows(enabled = true) {
  return useQuery({ queryKey: workflowsKey, queryFn: ({ signal }) => api.workflows(signal).then((r) => r.items), enabled, staleTime: 60_000 });
}

export function useWorkflowVersion(id: number | null | undefined) {
  return useQuery({
    queryKey: versionKey(id ?? 0),
    queryFn: ({ signal }) => api.workflowVersion(id!, signal),
    enabled: id !== null && id !== undefined,
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

/** useWorkflowVersions loads every version among ids (each cached forever) and returns those loaded. */
export function useWorkflowVersions(ids: readonly number[]): ReadonlyMap<number, WorkflowVersion> {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: versionKey(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.workflowVersion(id, signal),
      staleTime: Infinity,
      gcTime: Infinity,
    })),
    combine: (rs) => rs.map((r) => r.data),
  });
  const out = new Map<number, WorkflowVersion>();
  for (const v of results) if (v) out.set(v.id, v);
  return out;
}
