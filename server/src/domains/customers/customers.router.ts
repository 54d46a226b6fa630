import {
  customerCard,
  customerCardInput,
  customerSearchInput,
  customerSearchResult,
  revealInput,
  revealOutput,
} from '@valore/shared/schemas/customers';
import { z } from 'zod';
import { roleProcedure, router } from '../../trpc/init';
import { customerCard as loadCard, revealField, searchCustomers } from './customers.service';

/** Customer data is for the people handling contacts (operators) and those supervising them. */
const contactHandlers = roleProcedure('operator', 'tutor', 'admin');

export const customersRouter = router({
  search: contactHandlers
    .input(customerSearchInput)
    .output(z.array(customerSearchResult))
    .query(({ ctx, input }) => searchCustomers(ctx.deps, input.query)),
  card: contactHandlers
    .input(customerCardInput)
    .output(customerCard)
    .query(({ ctx, input }) => loadCard(ctx.deps, input.customerId)),
  reveal: roleProcedure('operator', 'admin')
    .input(revealInput)
    .output(revealOutput)
    .mutation(({ ctx, input }) => revealField(ctx.deps, ctx.user, input.customerId, input.field, ctx.ip)),
});
