import {
  accessGrant,
  breakGlassInput,
  breakGlassLog as breakGlassLogOutput,
  breakGlassLogInput,
  customerCard,
  customerCardInput,
  customerHistory,
  customerHistoryInput,
  customerSearchInput,
  customerSearchResult,
  revealInput,
  revealOutput,
  startContactInput,
} from '@valore/shared/schemas/customers';
import { z } from 'zod';
import { roleProcedure, router } from '../../trpc/init';
import {
  breakGlass,
  breakGlassLog,
  customerCard as loadCard,
  revealField,
  searchCustomers,
  startContact,
} from './customers.service';
import { customerHistory as loadHistory } from './customer-history';

/**
 * Customer data is for the people handling contacts (operators) and those supervising them; which customer each of
 * them may see is the access policy's (access-policy.ts), asked by every procedure that shows a card or a field.
 * The search shows masked data only (name, city, masked phone and tax code, birth year, last contact): it is how an
 * operator finds the caller and tells look-alikes apart.
 */
const contactHandlers = roleProcedure('operator', 'tutor', 'admin');

export const customersRouter = router({
  search: contactHandlers
    .input(customerSearchInput)
    .output(z.array(customerSearchResult))
    .query(({ ctx, input }) => searchCustomers(ctx.deps, input.query)),
  card: contactHandlers
    .input(customerCardInput)
    .output(customerCard)
    .query(({ ctx, input }) => loadCard(ctx.deps, ctx.user, input.customerId)),
  /** The card's history: contacts, notes (masked unless revealed), leads, appointments, consent changes; searchable. */
  history: contactHandlers
    .input(customerHistoryInput)
    .output(customerHistory)
    .query(({ ctx, input }) => loadHistory(ctx.deps, ctx.user, input, ctx.ip)),
  reveal: roleProcedure('operator', 'admin')
    .input(revealInput)
    .output(revealOutput)
    .mutation(({ ctx, input }) => revealField(ctx.deps, ctx.user, input.customerId, input.field, ctx.ip)),
  /** An operator starts a contact with a customer found by search, saying why (a short-lived, audited grant). */
  startContact: roleProcedure('operator')
    .input(startContactInput)
    .output(accessGrant)
    .mutation(({ ctx, input }) => startContact(ctx.deps, ctx.user, input, ctx.ip)),
  /** Access to a customer one is not handling, with a reason, audited and reviewed by admins. */
  breakGlass: roleProcedure('operator', 'tutor')
    .input(breakGlassInput)
    .output(accessGrant)
    .mutation(({ ctx, input }) => breakGlass(ctx.deps, ctx.user, input, ctx.ip)),
  /** The break-glass accesses for the admins' review, newest first. */
  breakGlassLog: roleProcedure('admin')
    .input(breakGlassLogInput)
    .output(breakGlassLogOutput)
    .query(({ ctx, input }) => breakGlassLog(ctx.deps, input)),
});
