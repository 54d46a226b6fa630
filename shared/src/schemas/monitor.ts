import { z } from 'zod';
import { FLOWS } from '../reference/outcomes';
import { STEP_IDS } from '../flows/types';
import { id } from './common';

export const OPERATOR_STATES = ['signed_out', 'ready', 'paused', 'on_contact', 'after_call_work'] as const;
export type OperatorStateName = (typeof OPERATOR_STATES)[number];
export const PAUSE_REASONS = ['break', 'training', 'coaching', 'meeting'] as const;

export const setStatusInput = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready') }).strict(),
  z.object({ state: z.literal('paused'), reason: z.enum(PAUSE_REASONS) }).strict(),
  z
    .object({
      state: z.literal('on_contact'),
      flow: z.enum(FLOWS),
      step: z.enum(STEP_IDS),
      interactionClientId: z.string().uuid(),
      customerId: id.nullable(),
    })
    .strict(),
  z.object({ state: z.literal('after_call_work'), interactionClientId: z.string().uuid() }).strict(),
]);
export type SetStatusInput = z.infer<typeof setStatusInput>;

export const operatorStatus = z.object({
  userId: z.number().int(),
  state: z.enum(OPERATOR_STATES),
  reason: z.string().nullable(),
  since: z.string(),
  flow: z.string().nullable(),
  step: z.string().nullable(),
  stepSince: z.string().nullable(),
  interactionClientId: z.string().nullable(),
  customerId: z.number().int().nullable(),
});
export type OperatorStatus = z.infer<typeof operatorStatus>;
