/**
 * A live feed, the push-style shape every live stream has in the domains: `open` starts it and returns the
 * function that stops it; each event goes to `send` with its id, which the client gives back after a reconnect
 * (SSE `Last-Event-ID`) so the feed resumes after it. No generators, queues or promises per event: the transport
 * (http/streams.ts) writes each event as it comes, and an open stream costs a listener and its response.
 */
export type FeedSend<T> = (event: T, id: string) => void;

/**
 * Tells the client where it stands without an event (SSE: an `id:` line alone, which sets the browser's
 * Last-Event-ID and dispatches nothing): a feed with nothing to send at first still resumes from there after a drop.
 */
export type FeedMark = (id: string) => void;
