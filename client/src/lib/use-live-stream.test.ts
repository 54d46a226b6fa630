import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessagesEvent } from '@valore/shared/schemas/monitor';
import { useLiveStream } from './use-live-stream';

/** A stand-in for the browser's EventSource: the test opens, delivers and fails it by hand. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string; lastEventId: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }
  deliver(event: MessagesEvent, id: string) {
    this.onmessage?.({ data: JSON.stringify(event), lastEventId: id });
  }
  fail(closed: boolean) {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    this.onerror?.();
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
}

beforeEach(() => {
  FakeEventSource.all = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('useLiveStream', () => {
  it('hands each event to the latest handler and reports the connection', () => {
    const got: string[] = [];
    const { result, rerender } = renderHook(
      ({ tag }) => useLiveStream('coaching', (_e, id) => got.push(`${tag}:${id}`)),
      {
        initialProps: { tag: 'a' },
      },
    );
    const source = FakeEventSource.all[0];
    expect(source?.url).toBe('/api/v1/streams/coaching');
    expect(result.current.status).toBe('connecting');
    act(() => source?.open());
    expect(result.current.status).toBe('pending');
    act(() => source?.deliver({ kind: 'snapshot', messages: [] }, '0'));
    rerender({ tag: 'b' });
    act(() => source?.deliver({ kind: 'snapshot', messages: [] }, '7'));
    expect(got).toEqual(['a:0', 'b:7']);
    expect(FakeEventSource.all).toHaveLength(1); // a new handler does not reopen the stream
    // the browser reconnects by itself (it sends Last-Event-ID): the hook only says so
    act(() => source?.fail(false));
    expect(result.current.status).toBe('connecting');
  });

  it('opens a new stream after the browser gave up, resuming from the last id it had', () => {
    const { result } = renderHook(() => useLiveStream('board', () => undefined, { siteId: '3' }));
    const first = FakeEventSource.all[0];
    expect(first?.url).toBe('/api/v1/streams/board?siteId=3');
    act(() => {
      first?.open();
      first?.deliver({ kind: 'snapshot', messages: [] }, 'abcdef01.41');
      first?.fail(true); // e.g. the server answered 503 during a restart
    });
    expect(result.current.status).toBe('error');
    expect(FakeEventSource.all).toHaveLength(1);
    act(() => void vi.advanceTimersByTime(5_000));
    expect(FakeEventSource.all[1]?.url).toBe('/api/v1/streams/board?siteId=3&lastEventId=abcdef01.41');
    expect(result.current.status).toBe('connecting');
  });

  it('closes the stream when the component goes away, and opens no other', () => {
    const { unmount } = renderHook(() => useLiveStream('screenPops', () => undefined));
    const source = FakeEventSource.all[0];
    act(() => source?.fail(true));
    unmount();
    act(() => void vi.advanceTimersByTime(10_000));
    expect(source?.readyState).toBe(FakeEventSource.CLOSED);
    expect(FakeEventSource.all).toHaveLength(1);
  });
});
