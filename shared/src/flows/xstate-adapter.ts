import { createActor, type SnapshotFrom } from 'xstate';
import type { CompiledScript } from './compile';
import type { FlowEvent, FlowInput, StepMeta } from './types';

/**
 * The one module that runs the scripts with XState: everything else (replay, timeline, console) plays them through
 * these functions, so an XState upgrade touches this file and its contract test (xstate-adapter.test.ts), nothing else.
 * The scripts themselves are written with XState's public `setup()` API (steps.ts).
 */

/** Every script is a compiled definition (compile.ts), so one machine type stands for all of them. */
export type AnyFlowMachine = CompiledScript;
export type FlowSnapshot = SnapshotFrom<AnyFlowMachine>;

type FlowScope = Parameters<AnyFlowMachine['transition']>[2];

/**
 * Plays events through a script with XState's pure transitions (no actions run, nothing is started), every step in
 * one actor scope. XState's own `initialTransition()`/`transition()` build a throwaway actor and system on every
 * call, and that actor first computes an initial snapshot without input, which our scripts' context cannot build,
 * so every step also threw and caught an error: about 25 µs a step, most of a completion's replay on the server.
 */
export interface FlowPlayer {
  /** The snapshot the script starts from. */
  readonly initial: FlowSnapshot;
  /** The snapshot after `event` (the caller checks `accepts(snapshot, event)` first, as the machine ignores the rest). */
  next(snapshot: FlowSnapshot, event: FlowEvent): FlowSnapshot;
}

/**
 * One scope per machine, made on first use and kept: the scope's actor is never started, only lends its identity
 * and system, and the scripts' actions are all pure assignments (nothing is spawned, sent or deferred).
 */
const scopes = new WeakMap<AnyFlowMachine, FlowScope>();

function scopeOf(machine: AnyFlowMachine, input: FlowInput): FlowScope {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine, { input });
    scope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      actionExecutor: () => {},
    };
    scopes.set(machine, scope);
  }
  return scope;
}

export function flowPlayer(machine: AnyFlowMachine, input: FlowInput): FlowPlayer {
  const scope = scopeOf(machine, input);
  const logic = machine;
  return {
    initial: logic.getInitialSnapshot(scope, input),
    next: (snapshot, event) => logic.transition(snapshot, event, scope),
  };
}

/** Whether the step the script stands at takes `event` (false once the script has an outcome). */
export function accepts(snapshot: FlowSnapshot, event: FlowEvent): boolean {
  return snapshot.can(event);
}

/** The meta of the step the script stands at (each step declares one), or null when it stands at none. */
export function metaOf(snapshot: FlowSnapshot): StepMeta | null {
  return Object.values(snapshot.getMeta()).find((meta): meta is StepMeta => meta !== undefined) ?? null;
}

/** The objections a script version prepared (with their rebuttals): the meta of its objection step; none: empty. */
export function objectionsOf(machine: AnyFlowMachine): NonNullable<StepMeta['objections']> {
  const meta = machine.root.states['objection']?.meta;
  return meta?.objections ?? [];
}

/** Whether the snapshot was made by this machine (a console must not mix the scripts' snapshots). */
export function belongsTo(snapshot: FlowSnapshot, machine: AnyFlowMachine): boolean {
  return snapshot.machine === machine;
}
