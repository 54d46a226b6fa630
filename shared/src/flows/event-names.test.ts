import { describe, expect, it } from 'vitest';
import { flowEvent, FLOW_EVENT_TYPES_OF_SCHEMA } from '../schemas/flow-events';
import { BARE_EVENT_TYPES, FLOW_EVENT_TYPES, isBareEvent } from './event-names';

describe('the zod-free index of the script events', () => {
  it('names the events of the one zod definition, in its order', () => {
    expect(FLOW_EVENT_TYPES).toEqual(FLOW_EVENT_TYPES_OF_SCHEMA);
  });

  it('lists as bare exactly the events whose name alone the definition accepts', () => {
    const bareBySchema = FLOW_EVENT_TYPES.filter((type) => flowEvent.safeParse({ type }).success);
    expect([...BARE_EVENT_TYPES].sort()).toEqual([...bareBySchema].sort());
    for (const type of FLOW_EVENT_TYPES) expect(isBareEvent(type), type).toBe(bareBySchema.includes(type));
  });
});
