import { z } from 'zod';
import {
  nearbyOffice,
  nearbyOfficesInput,
  officeAppointmentsInput,
  officeSlot,
  officeSlotsInput,
  appointmentStatusChange,
  setAppointmentStatusInput,
  siteAppointmentsInput,
  siteAppointmentsResult,
} from '@valore/shared/schemas/appointments';
import { roleProcedure, router } from '../../trpc/init';
import {
  nearbyOffices,
  officeAppointments,
  officeSlots,
  setAppointmentStatus,
  siteAppointments,
} from './appointments.service';

const bookingRoles = roleProcedure('operator', 'tutor', 'admin');

export const appointmentsRouter = router({
  nearbyOffices: bookingRoles
    .input(nearbyOfficesInput)
    .output(z.array(nearbyOffice))
    .query(({ ctx, input }) => nearbyOffices(ctx.deps, input.customerId)),
  slots: bookingRoles
    .input(officeSlotsInput)
    .output(z.array(officeSlot))
    .query(({ ctx, input }) => officeSlots(ctx.deps, input.postOfficeId, input.days)),
  officeAppointments: roleProcedure('operator', 'tutor', 'team_lead', 'admin')
    .input(officeAppointmentsInput)
    .query(({ ctx, input }) => officeAppointments(ctx.deps, ctx.user, input.postOfficeId)),
  siteAppointments: roleProcedure('team_lead', 'admin')
    .input(siteAppointmentsInput)
    .output(siteAppointmentsResult)
    .query(({ ctx, input }) => siteAppointments(ctx.deps, ctx.user, input)),
  setStatus: roleProcedure('team_lead', 'admin')
    .input(setAppointmentStatusInput)
    .output(appointmentStatusChange)
    .mutation(({ ctx, input }) => setAppointmentStatus(ctx.deps, ctx.user, input, ctx.ip)),
});
