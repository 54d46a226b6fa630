/**
 * The realtime seam: routers publish and subscribe through this interface only, so a multi-node
 * deployment can swap the in-process bus for one over the database server without touching them.
 */
export interface EventBus {
  publish<T>(topic: string, event: T): void;
  subscribe<T>(topic: string, handler: (event: T) => void): () => void;
}

/** Topics are named here so publishers and subscribers cannot drift apart. */
export const topics = {
  /** Operator state changes of a site (payload: OperatorStatus). */
  siteOperators: (siteId: number) => `site:${siteId}:operators`,
  /** Coaching messages to one operator (payload: CoachingMessage). */
  userMessages: (userId: number) => `user:${userId}:messages`,
  /** A user's sessions were ended (disabled, password reset): their open live streams close (payload: {}). */
  userSessionsEnded: (userId: number) => `user:${userId}:sessions-ended`,
  /** The operator's pushed work changed: an offer made, accepted, declined or expired (payload: WorkOfferEvent). */
  userOffers: (userId: number) => `user:${userId}:offers`,
  /** A call command was recorded: the dispatcher hands it to the telephony platform now (payload: command id). */
  ctiCommands: 'cti:commands',
} as const;

export function createInProcessBus(): EventBus {
  const handlers = new Map<string, Set<(event: unknown) => void>>();
  return {
    publish(topic, event) {
      for (const handler of handlers.get(topic) ?? []) {
        try {
          handler(event);
        } catch {
          // one broken subscriber must not stop the others
        }
      }
    },
    subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      const h = handler as (event: unknown) => void;
      set.add(h);
      return () => {
        set.delete(h);
        if (set.size === 0) handlers.delete(topic);
      };
    },
  };
}
