import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WorkOffer, WorkOfferEvent } from '@valore/shared/schemas/work';
import { useEffect, useRef, useState } from 'react';
import { errorMessageKey, type ErrorMessageKey } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { useLiveStream } from '../../../lib/use-live-stream';
import { useConsole } from './console-store';
import { contactOf } from './use-work-queue';

export const OFFER_SOUND_KEY = 'valore.offerSound';

/** A short two-tone ring (Web Audio), when the operator switched the sound on; silent where audio is unavailable. */
function ring() {
  try {
    if (window.localStorage.getItem(OFFER_SOUND_KEY) !== 'on') return;
    const audio = new AudioContext();
    [0, 0.25].forEach((start, i) => {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = i === 0 ? 880 : 660;
      gain.gain.value = 0.08;
      tone.connect(gain).connect(audio.destination);
      tone.start(audio.currentTime + start);
      tone.stop(audio.currentTime + start + 0.18);
    });
    window.setTimeout(() => void audio.close(), 1_000);
  } catch {
    // no audio: the offer still shows
  }
}

/**
 * Pushed work (docs/api.md, "Pushed work"): the item the server offers this operator while they are Ready, over the
 * live stream, with accept (opens the contact as from work.next) and decline. An offer that ran out (or was declined)
 * leaves the operator paused by the server: the console asks for its status again and says why.
 */
export function useWorkOffer() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { draft, startContact } = useConsole();
  // the server paused the operator (an offer let go): read the status it set
  const reloadStatus = () => void queryClient.invalidateQueries(trpc.monitor.myStatus.queryFilter());
  const [offer, setOffer] = useState<WorkOffer | null>(null);
  const [ended, setEnded] = useState<WorkOfferEvent['ended']>(null);
  const [error, setError] = useState<ErrorMessageKey | null>(null);
  const shown = useRef<number | null>(null);

  useLiveStream('workOffers', (event) => {
    setOffer(event.offer);
    if (event.offer) {
      setEnded(null);
      setError(null);
      if (shown.current !== event.offer.id) ring();
      shown.current = event.offer.id;
    } else if (event.ended) {
      setEnded(event.ended);
      if (event.ended !== 'accepted') reloadStatus();
    }
  });

  // past its expiry the offer is gone even if the stream has not said so yet (a drop): the server moved it on
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!offer) return;
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [offer]);
  const left = offer ? Math.max(0, Date.parse(offer.expiresAt) - now) : 0;
  const open = offer !== null && left > 0 && draft === null;

  const accept = useMutation(
    trpc.work.acceptOffer.mutationOptions({
      onSuccess: (item) => {
        setOffer(null);
        queryClient.setQueryData(trpc.work.current.queryKey(), item);
        void queryClient.invalidateQueries(trpc.work.queueSize.pathFilter());
        startContact(contactOf(item));
      },
      onError: (failure) => {
        setOffer(null);
        setError(errorMessageKey(failure));
        reloadStatus();
      },
    }),
  );
  const decline = useMutation(
    trpc.work.declineOffer.mutationOptions({
      onSuccess: () => {
        setOffer(null);
        setEnded('declined');
        reloadStatus();
      },
    }),
  );

  return {
    offer: open ? offer : null,
    /** ms left to accept */
    left,
    /** the clock the countdowns read (ticks while an offer is open) */
    now,
    ended,
    error,
    busy: accept.isPending || decline.isPending,
    accept: () => offer && !accept.isPending && accept.mutate({ offerId: offer.id }),
    decline: () => offer && !decline.isPending && decline.mutate({ offerId: offer.id }),
    dismissEnded: () => {
      setEnded(null);
      setError(null);
    },
  };
}
