import type { ScreenPop } from './schemas/cti';
import type { BoardEvent, MessagesEvent } from './schemas/monitor';
import type { WorkOfferEvent } from './schemas/work';

/**
 * The live streams: plain server-sent events, one endpoint per kind (docs/api.md, "Live streams"). Each event is one
 * `data:` line of JSON with an `id:`; a client that reconnects sends the last id back (`Last-Event-ID`, or
 * `?lastEventId=`) and the stream resumes after it. Session cookie like the console. Zod-free: the console imports it.
 */
export const STREAMS = {
  /** The live board of a site: tutor and team lead (their own site), admin (`?siteId=`). A snapshot, then numbered changes. */
  board: '/api/v1/streams/board',
  /** The signed-in operator's screen pops (their own calls only). */
  screenPops: '/api/v1/streams/screen-pops',
  /** The signed-in operator's coaching messages: today's first, then each new one. */
  coaching: '/api/v1/streams/coaching',
  /** The signed-in operator's pushed work: the open offer (or none) at once, then each change. */
  workOffers: '/api/v1/streams/work-offers',
} as const;

export type StreamName = keyof typeof STREAMS;

/** What each stream's events carry. */
export interface StreamEvents {
  board: BoardEvent;
  screenPops: ScreenPop;
  coaching: MessagesEvent;
  workOffers: WorkOfferEvent;
}
