import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_VERSIONS } from '@valore/shared/flows/index';
import type { CompleteInteractionInput } from '@valore/shared/schemas/interactions';
import { createApiClient, trpcError, type ApiClient } from '../helpers/api-client';
import { openLiveStream } from '../helpers/live-stream';
import { startTestServer, type TestServer } from '../helpers/server';
import { anyString } from '@valore/server/testing/matchers';

let server: TestServer;
let operator: ApiClient; // operatore1, site 1
let tutor: ApiClient; // tutor1, site 1
let otherTutor: ApiClient; // tutor2, site 2
let operator1Id: number;

beforeAll(async () => {
  server = await startTestServer();
  operator = createApiClient(server.url);
  tutor = createApiClient(server.url);
  otherTutor = createApiClient(server.url);
  operator1Id = (await operator.login('operatore1')).user.id;
  await tutor.login('tutor1');
  await otherTutor.login('tutor2');
}, 60_000);
afterAll(async () => {
  await server.close();
});

/** The board or the coaching stream as this client's browser opens it. */
const live = <K extends 'board' | 'coaching'>(api: ApiClient, name: K, query: Record<string, string> = {}) =>
  openLiveStream(server.url, name, { cookie: api.cookieHeader(), query });

function inboundNotInterested(customerId: number, clientId: string): CompleteInteractionInput {
  const start = Date.now() - 120_000;
  const at = (s: number) => new Date(start + s * 1000).toISOString();
  return {
    clientId,
    flow: 'inbound_sales',
    scriptId: 'inbound_sales',
    scriptVersion: FLOW_VERSIONS.inbound_sales,
    customerId,
    work: null,
    startedAt: at(0),
    endedAt: at(90),
    acwMs: 5_000,
    events: [
      { type: 'customer.identified', customerId, at: at(10) },
      { type: 'needs.identified', productCode: 'CONTO', at: at(40) },
      { type: 'proposal.declined', at: at(80) },
    ],
    outcome: 'not_interested',
    notes: 'Non interessato al conto.',
  };
}

describe('live board', () => {
  it('sends the full site snapshot first, then each state change in order', async () => {
    const stream = await live(tutor, 'board');
    try {
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const [snapshot] = await stream.until((e) => e.length >= 1);
      expect(snapshot?.kind).toBe('snapshot');
      if (snapshot?.kind !== 'snapshot') return;
      expect(snapshot.operators.map((o) => o.username).sort()).toEqual([
        'operatore1',
        'operatore2',
        'operatore3',
        'operatore4',
      ]);
      expect(snapshot.operators.find((o) => o.userId === operator1Id)?.state).toBe('ready');
      expect(snapshot.thresholds.stuckStepMs).toBe(180_000);

      const contact = randomUUID();
      await operator.trpc.monitor.setStatus.mutate({
        state: 'on_contact',
        flow: 'inbound_sales',
        step: 'identify',
        interactionClientId: contact,
        customerId: null,
      });
      await operator.trpc.monitor.setStatus.mutate({
        state: 'on_contact',
        flow: 'inbound_sales',
        step: 'needs',
        interactionClientId: contact,
        customerId: 5,
      });
      await operator.trpc.monitor.setStatus.mutate({
        state: 'on_contact',
        flow: 'inbound_sales',
        step: 'proposal',
        interactionClientId: contact,
        customerId: 5,
      });
      await operator.trpc.monitor.setStatus.mutate({ state: 'after_call_work', interactionClientId: contact });
      await operator.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'break' });

      const events = await stream.until((e) => e.filter((x) => x.kind === 'operator').length >= 5);
      const changes = events.filter((e) => e.kind === 'operator');
      expect(changes.map((e) => (e.operator.state === 'on_contact' ? e.operator.step : e.operator.state))).toEqual([
        'identify',
        'needs',
        'proposal',
        'after_call_work',
        'paused',
      ]);
      const seqs = events.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs.slice(1)).size).toBe(seqs.length - 1);
      expect(changes[4]?.operator).toMatchObject({ state: 'paused', reason: 'break', displayName: anyString() });
      // each event's id names the board and its number: what a reconnect gives back
      expect(stream.events.map((e) => e.id.split('.')[1])).toEqual(seqs.map(String));
    } finally {
      stream.close();
    }
    await operator.trpc.monitor.setStatus.mutate({ state: 'ready' });
  });

  it('resumes a reconnecting board after its last event, and gives a snapshot when it cannot', async () => {
    const first = await live(tutor, 'board');
    await first.until((e) => e.length >= 1);
    await operator.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'training' });
    await first.until((e) => e.some((x) => x.kind === 'operator'));
    const lastSeen = first.lastId() ?? '';
    const [site, seen] = lastSeen.split('.').map(Number) as [number, number];
    expect(site).toBe(1);
    first.close(); // the connection drops; with no board left open the server closes the site's board
    await new Promise((r) => setTimeout(r, 100));
    const keeper = await live(tutor, 'board');
    try {
      // three changes while it is away: numbered in the database, kept though no board was open for the first
      await operator.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'meeting' });
      await keeper.until((e) => e.length >= 1);
      await operator.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'training' });
      await operator.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'meeting' });

      const resumed = await openLiveStream(server.url, 'board', {
        cookie: tutor.cookieHeader(),
        lastEventId: lastSeen,
      });
      try {
        // only what it missed, numbered on from its last id without a gap, then the figures as they are now
        const events = await resumed.until((e) => e.length >= 4);
        expect(events.map((e) => e.kind)).toEqual(['operator', 'operator', 'operator', 'stats']);
        expect(events.map((e) => e.seq)).toEqual([seen + 1, seen + 2, seen + 3, seen + 3]);
        expect(resumed.events.map((e) => e.id)).toEqual([1, 2, 3, 3].map((n) => `1.${seen + n}`));
        expect(events[2]).toMatchObject({ kind: 'operator', operator: { userId: operator1Id, reason: 'meeting' } });
        await new Promise((r) => setTimeout(r, 200));
        expect(resumed.events).toHaveLength(4);
      } finally {
        resumed.close();
      }
      // an id of another site, or ahead of the site's last change: the full current state
      for (const id of ['2.1', `1.${seen + 1000}`]) {
        const other = await openLiveStream(server.url, 'board', { cookie: tutor.cookieHeader(), lastEventId: id });
        try {
          const [snapshot] = await other.until((e) => e.length >= 1);
          expect(snapshot?.kind, id).toBe('snapshot');
        } finally {
          other.close();
        }
      }
      // an id of the old form (a board number per node): the full current state
      const unknown = await openLiveStream(server.url, 'board', {
        cookie: tutor.cookieHeader(),
        lastEventId: 'ffffffff.3',
      });
      try {
        const [snapshot] = await unknown.until((e) => e.length >= 1);
        expect(snapshot?.kind === 'snapshot' && snapshot.operators.find((o) => o.userId === operator1Id)).toMatchObject(
          {
            state: 'paused',
            reason: 'meeting',
          },
        );
      } finally {
        unknown.close();
      }
    } finally {
      keeper.close();
    }
    await operator.trpc.monitor.setStatus.mutate({ state: 'ready' });
  });

  it('refuses a tutor who asks for another site, operators, strangers and bad queries, before sending anything', async () => {
    const other = await live(otherTutor, 'board', { siteId: '1' });
    expect(other.status).toBe(403);
    expect(other.refusal?.error).toMatchObject({ code: 'FORBIDDEN', domainCode: 'FORBIDDEN_SCOPE' });

    const asOperator = await live(operator, 'board');
    expect(asOperator.status).toBe(403);
    expect(asOperator.refusal?.error).toMatchObject({ code: 'FORBIDDEN', domainCode: 'FORBIDDEN_ROLE' });

    const anonymous = await openLiveStream(server.url, 'board');
    expect(anonymous.status).toBe(401);

    const bad = await live(tutor, 'board', { siteId: 'uno', extra: 'x' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.refusal?.error.fields ?? {}).sort()).toEqual(['query', 'siteId']);
  });

  it('shows a tutor of site 2 only the operators of site 2', async () => {
    const stream = await live(otherTutor, 'board');
    try {
      const [snapshot] = await stream.until((e) => e.length >= 1);
      expect(snapshot?.kind === 'snapshot' && snapshot.operators.map((o) => o.username).sort()).toEqual([
        'operatore5',
        'operatore6',
        'operatore7',
        'operatore8',
      ]);
      // a change at site 1 never reaches site 2's board
      await operator.trpc.monitor.setStatus.mutate({ state: 'paused', reason: 'meeting' });
      await new Promise((r) => setTimeout(r, 300));
      expect(stream.events.filter((e) => e.data.kind === 'operator')).toEqual([]);
    } finally {
      stream.close();
      await operator.trpc.monitor.setStatus.mutate({ state: 'ready' });
    }
  });
});

describe('coaching messages', () => {
  it('reaches the operator live, pinned to the current step, and is acknowledged once', async () => {
    const contact = randomUUID();
    const stream = await live(operator, 'coaching');
    try {
      await stream.until((e) => e[0]?.kind === 'snapshot');
      await operator.trpc.monitor.setStatus.mutate({
        state: 'on_contact',
        flow: 'inbound_sales',
        step: 'needs',
        interactionClientId: contact,
        customerId: null,
      });
      const requestId = randomUUID();
      const input = { requestId, operatorId: operator1Id, body: 'Chiedi se ha già un conto presso di noi.' };
      const sent = await tutor.trpc.monitor.sendCoaching.mutate(input);
      expect(sent).toMatchObject({ interactionClientId: contact, step: 'needs', acknowledgedAt: null });
      // a retry of the same request does not send it twice
      expect((await tutor.trpc.monitor.sendCoaching.mutate(input)).id).toBe(sent.id);

      const events = await stream.until((e) => e.some((x) => x.kind === 'message'));
      expect(events.filter((e) => e.kind === 'message')).toHaveLength(1);
      expect(stream.lastId()).toBe(String(sent.id));

      const mine = await operator.trpc.monitor.myMessages.query({ interactionClientId: contact });
      expect(mine.map((m) => m.body)).toEqual([input.body]);

      // other people's messages are not theirs to read or acknowledge
      const colleague = createApiClient(server.url);
      await colleague.login('operatore2');
      expect(await colleague.trpc.monitor.myMessages.query({ interactionClientId: contact })).toEqual([]);
      expect(
        (await trpcError(colleague.trpc.monitor.ackMessage.mutate({ requestId: randomUUID(), messageId: sent.id })))
          .data?.code,
      ).toBe('NOT_FOUND');

      const ack = await operator.trpc.monitor.ackMessage.mutate({ requestId: randomUUID(), messageId: sent.id });
      expect(ack.acknowledgedAt).not.toBeNull();
      const receipts = await tutor.trpc.monitor.operatorMessages.query({ operatorId: operator1Id });
      expect(receipts.find((m) => m.id === sent.id)?.acknowledgedAt).toBe(ack.acknowledgedAt);
    } finally {
      stream.close();
      await operator.trpc.monitor.setStatus.mutate({ state: 'after_call_work', interactionClientId: contact });
      await operator.trpc.monitor.setStatus.mutate({ state: 'ready' });
    }
  });

  it('resumes after the last message received: only what came later, once', async () => {
    const contact = randomUUID();
    await operator.trpc.monitor.setStatus.mutate({
      state: 'on_contact',
      flow: 'inbound_sales',
      step: 'proposal',
      interactionClientId: contact,
      customerId: null,
    });
    try {
      const send = (body: string) =>
        tutor.trpc.monitor.sendCoaching.mutate({ requestId: randomUUID(), operatorId: operator1Id, body });
      const first = await send('Proponi il conto online.');
      const stream = await live(operator, 'coaching');
      const [snapshot] = await stream.until((e) => e.length >= 1);
      expect(snapshot?.kind === 'snapshot' && snapshot.messages.map((m) => m.id)).toContain(first.id);
      const seen = stream.lastId() ?? '';
      expect(seen).toBe(
        String(Math.max(...(snapshot?.kind === 'snapshot' ? snapshot.messages.map((m) => m.id) : [0]))),
      );
      stream.close();

      const second = await send('Ricorda la promozione di dicembre.');
      const resumed = await openLiveStream(server.url, 'coaching', {
        cookie: operator.cookieHeader(),
        lastEventId: seen,
      });
      try {
        const events = await resumed.until((e) => e.length >= 1);
        await new Promise((r) => setTimeout(r, 200));
        expect(resumed.events.map((e) => [e.data.kind, e.id])).toEqual([['message', String(second.id)]]);
        expect(events[0]?.kind === 'message' && events[0].message.body).toBe('Ricorda la promozione di dicembre.');
      } finally {
        resumed.close();
      }
    } finally {
      await operator.trpc.monitor.setStatus.mutate({ state: 'after_call_work', interactionClientId: contact });
      await operator.trpc.monitor.setStatus.mutate({ state: 'ready' });
    }
  });

  it('is refused when the operator is signed out, or belongs to another site', async () => {
    // operatore4 has not signed in (a message sent while an operator is free waits for their next contact:
    // test/api/supervisor.test.ts)
    const signedOut = (
      await server.database.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'operatore4')
        .executeTakeFirstOrThrow()
    ).id;
    const idle = await trpcError(
      tutor.trpc.monitor.sendCoaching.mutate({ requestId: randomUUID(), operatorId: signedOut, body: 'Ciao' }),
    );
    expect(idle.data?.code).toBe('CONFLICT');
    const foreign = await trpcError(
      otherTutor.trpc.monitor.sendCoaching.mutate({ requestId: randomUUID(), operatorId: operator1Id, body: 'Ciao' }),
    );
    expect(foreign.data).toMatchObject({ code: 'FORBIDDEN', domainCode: 'FORBIDDEN_SCOPE' });
    const empty = await trpcError(
      tutor.trpc.monitor.sendCoaching.mutate({ requestId: randomUUID(), operatorId: operator1Id, body: '  ' }),
    );
    expect(empty.data?.code).toBe('BAD_REQUEST');
  });
});

describe('quality scorecards', () => {
  it('a tutor scores a contact of their site; the operator sees it only once released, and acknowledges it', async () => {
    const clientId = randomUUID();
    const customerId = (
      await server.database.db.selectFrom('customers').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
    ).id;
    await operator.trpc.monitor.setStatus.mutate({
      state: 'on_contact',
      flow: 'inbound_sales',
      step: 'needs',
      interactionClientId: clientId,
      customerId,
    });
    await tutor.trpc.monitor.sendCoaching.mutate({
      requestId: randomUUID(),
      operatorId: operator1Id,
      body: 'Proponi il conto.',
    });
    const done = await operator.trpc.interactions.complete.mutate(inboundNotInterested(customerId, clientId));
    await operator.trpc.monitor.setStatus.mutate({ state: 'after_call_work', interactionClientId: clientId });
    await operator.trpc.monitor.setStatus.mutate({ state: 'ready' });

    const list = await tutor.trpc.quality.reviewables.query({});
    expect(list.find((r) => r.interactionId === done.interactionId)).toMatchObject({
      scorecardStatus: null,
      outcome: 'not_interested',
    });

    const review = await tutor.trpc.quality.interaction.query({ interactionId: done.interactionId });
    expect(review.timeline.map((s) => s.step)).toEqual(['identify', 'needs', 'proposal']);
    expect(review.timeline[1]?.messages.map((m) => m.body)).toEqual(['Proponi il conto.']);
    expect(review.interaction.notes).toBe('Non interessato al conto.');

    const keys = review.template.dimensions.map((d) => d.key);
    const scores = Object.fromEntries(keys.map((k, i) => [k, (i % 5) + 1]));
    const base = {
      interactionId: done.interactionId,
      templateId: review.template.id,
      scores,
      criticalError: false,
      comments: 'Buona chiusura.',
    };

    // the other site's tutor cannot open or score it
    expect(
      (await trpcError(otherTutor.trpc.quality.interaction.query({ interactionId: done.interactionId }))).data?.code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await trpcError(
          otherTutor.trpc.quality.saveScorecard.mutate({ ...base, requestId: randomUUID(), release: false }),
        )
      ).data?.code,
    ).toBe('FORBIDDEN');

    // releasing needs every dimension
    const partial = await trpcError(
      tutor.trpc.quality.saveScorecard.mutate({
        ...base,
        scores: { [keys[0] ?? 'x']: 3 },
        requestId: randomUUID(),
        release: true,
      }),
    );
    expect(partial.data?.code).toBe('BAD_REQUEST');

    const draft = await tutor.trpc.quality.saveScorecard.mutate({ ...base, requestId: randomUUID(), release: false });
    expect(draft.status).toBe('draft');
    expect(await operator.trpc.quality.myScorecards.query()).toEqual([]);
    expect(
      (await trpcError(operator.trpc.quality.acknowledge.mutate({ requestId: randomUUID(), scorecardId: draft.id })))
        .data?.code,
    ).toBe('NOT_FOUND');

    const released = await tutor.trpc.quality.saveScorecard.mutate({
      ...base,
      criticalError: true,
      requestId: randomUUID(),
      release: true,
    });
    expect(released).toMatchObject({ id: draft.id, status: 'released', criticalError: true });
    const again = await trpcError(
      tutor.trpc.quality.saveScorecard.mutate({ ...base, requestId: randomUUID(), release: false }),
    );
    expect(again.data?.code).toBe('CONFLICT');

    // taken back within 5 minutes by the tutor who released it: a draft again, out of the operator's list
    expect(
      (await trpcError(otherTutor.trpc.quality.unrelease.mutate({ requestId: randomUUID(), scorecardId: draft.id })))
        .data?.code,
    ).toBe('NOT_FOUND');
    const undone = await tutor.trpc.quality.unrelease.mutate({ requestId: randomUUID(), scorecardId: draft.id });
    expect(undone).toMatchObject({ id: draft.id, status: 'draft', releasedAt: null });
    expect(await operator.trpc.quality.myScorecards.query()).toEqual([]);
    await tutor.trpc.quality.saveScorecard.mutate({
      ...base,
      criticalError: true,
      requestId: randomUUID(),
      release: true,
    });
    // past 5 minutes it stays released
    await server.database.db
      .updateTable('scorecards')
      .set({ released_at: new Date(Date.now() - 6 * 60_000).toISOString() })
      .where('id', '=', draft.id)
      .execute();
    const late = await trpcError(
      tutor.trpc.quality.unrelease.mutate({ requestId: randomUUID(), scorecardId: draft.id }),
    );
    expect(late.data?.code).toBe('CONFLICT');
    expect(late.message).toMatch(/within 5 minutes/);

    const mine = await operator.trpc.quality.myScorecards.query();
    expect(mine.map((s) => s.id)).toEqual([draft.id]);
    const colleague = createApiClient(server.url);
    await colleague.login('operatore2');
    expect(await colleague.trpc.quality.myScorecards.query()).toEqual([]);
    expect(
      (await trpcError(colleague.trpc.quality.acknowledge.mutate({ requestId: randomUUID(), scorecardId: draft.id })))
        .data?.code,
    ).toBe('NOT_FOUND');

    const ack = await operator.trpc.quality.acknowledge.mutate({ requestId: randomUUID(), scorecardId: draft.id });
    expect(ack.status).toBe('acknowledged');
    const audit = await server.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'scorecard')
      .where('entity_id', '=', String(draft.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'scorecard.save_draft',
      'scorecard.release',
      'scorecard.unrelease',
      'scorecard.release',
      'scorecard.acknowledge',
    ]);
    // acknowledged: no longer taken back
    expect(
      (await trpcError(tutor.trpc.quality.unrelease.mutate({ requestId: randomUUID(), scorecardId: draft.id })))
        .message,
    ).toMatch(/already acknowledged/);
  });

  it('lets only admins edit scorecard templates', async () => {
    const dimensions = [{ key: 'tone', label: { it: 'Tono', en: 'Tone' } }];
    expect(
      (
        await trpcError(
          tutor.trpc.quality.templates.create.mutate({ requestId: randomUUID(), name: 'Breve', dimensions }),
        )
      ).data?.code,
    ).toBe('FORBIDDEN');
    const admin = createApiClient(server.url);
    await admin.login('admin');
    const requestId = randomUUID();
    const created = await admin.trpc.quality.templates.create.mutate({ requestId, name: 'Breve', dimensions });
    expect((await admin.trpc.quality.templates.create.mutate({ requestId, name: 'Breve', dimensions })).id).toBe(
      created.id,
    );
    const dup = await trpcError(
      admin.trpc.quality.templates.create.mutate({
        requestId: randomUUID(),
        name: 'Doppio',
        dimensions: [...dimensions, ...dimensions],
      }),
    );
    expect(dup.data?.code).toBe('BAD_REQUEST');
    const updated = await admin.trpc.quality.templates.update.mutate({
      requestId: randomUUID(),
      id: created.id,
      name: 'Breve',
      dimensions,
      active: false,
    });
    expect(updated.active).toBe(false);
    expect((await tutor.trpc.quality.templates.list.query()).map((t) => t.id)).not.toContain(created.id);
  });
});
