import { appointmentsRouter } from '../domains/appointments/appointments.router';
import { authRouter } from '../domains/auth/auth.router';
import { customersRouter } from '../domains/customers/customers.router';
import { interactionsRouter } from '../domains/interactions/interactions.router';
import { leadsRouter } from '../domains/leads/leads.router';
import { monitorRouter } from '../domains/monitor/monitor.router';
import { scriptsRouter } from '../domains/scripts/scripts.router';
import { router } from './init';

export const appRouter = router({
  auth: authRouter,
  customers: customersRouter,
  interactions: interactionsRouter,
  appointments: appointmentsRouter,
  leads: leadsRouter,
  monitor: monitorRouter,
  scripts: scriptsRouter,
});

export type AppRouter = typeof appRouter;
