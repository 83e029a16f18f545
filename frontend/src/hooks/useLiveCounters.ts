import { useCallback, useEffect, useReducer, useState } from 'react';
import { asApiError } from '../api/client';
import { reportsApi } from '../api/reports';
import type { LiveScope } from '../api/types';
import { useSocket } from '../context/SocketContext';
import { roomFor } from '../lib/live-hub';
import { initialLiveState, liveReducer, type LiveState } from './liveReducer';

export interface LiveCounters extends LiveState {
  /** True while the room is subscribed on a connected socket: numbers move on their own. */
  streaming: boolean;
  reload(): void;
}

/**
 * GET /api/live for a scope, then Socket.IO `live` deltas for its room.
 * Every acknowledged (re)subscription reloads the snapshot, so deltas sent
 * before the room was subscribed do not leave the numbers behind.
 */
export function useLiveCounters(scope: LiveScope, id: string): LiveCounters {
  const [state, dispatch] = useReducer(liveReducer, undefined, initialLiveState);
  const { hub, connected } = useSocket();
  const room = roomFor(scope, id);
  const [subscribed, setSubscribed] = useState(false);

  const load = useCallback(
    (signal?: AbortSignal) => {
      reportsApi.live(scope, id, signal).then(
        (snapshot) => {
          if (!signal?.aborted) dispatch({ type: 'loaded', snapshot, now: Date.now() });
        },
        (err: unknown) => {
          if (!signal?.aborted) dispatch({ type: 'failed', error: asApiError(err) });
        },
      );
    },
    [scope, id],
  );

  useEffect(() => {
    const ctrl = new AbortController();
    load(ctrl.signal);
    return () => ctrl.abort();
  }, [load]);

  useEffect(() => {
    if (!hub) return;
    const stopWatching = hub.watch(room, (update) => dispatch({ type: 'delta', update }));
    const stopSubscribed = hub.onSubscribed((r) => {
      if (r !== room) return;
      setSubscribed(true);
      load();
    });
    setSubscribed(hub.isSubscribed(room));
    return () => {
      stopWatching();
      stopSubscribed();
      setSubscribed(false);
    };
  }, [hub, room, load]);

  useEffect(() => {
    const timer = setInterval(() => dispatch({ type: 'advance', now: Date.now() }), 15_000);
    return () => clearInterval(timer);
  }, []);

  const reload = useCallback(() => load(), [load]);
  return { ...state, streaming: connected && subscribed && hub?.isSubscribed(room) === true && state.status === 'ready', reload };
}
