import { useEffect, useReducer } from 'react';
import { reportsApi } from '../api/reports';
import type { LiveCounts, LiveScope, LiveUpdate } from '../api/types';
import { useSocket } from '../context/SocketContext';
import { roomFor } from '../lib/live-hub';
import { addLiveDelta } from './liveReducer';

type State = Record<string, LiveCounts | 'error' | undefined>;
type Action = { type: 'loaded'; id: string; today: LiveCounts } | { type: 'failed'; id: string } | { type: 'delta'; id: string; update: LiveUpdate };

function reducer(state: State, a: Action): State {
  switch (a.type) {
    case 'loaded':
      return { ...state, [a.id]: a.today };
    case 'failed':
      return state[a.id] && state[a.id] !== 'error' ? state : { ...state, [a.id]: 'error' };
    case 'delta': {
      const cur = state[a.id];
      if (!cur || cur === 'error') return state;
      return { ...state, [a.id]: addLiveDelta(cur, a.update) };
    }
  }
}

/** Today's live totals for a handful of ids (the rows of a list page). */
export function useLiveToday(scope: LiveScope, ids: string[]): State {
  const [state, dispatch] = useReducer(reducer, {});
  const { hub } = useSocket();
  const key = ids.join(',');

  useEffect(() => {
    const ctrl = new AbortController();
    const load = (id: string) =>
      reportsApi.live(scope, id, ctrl.signal).then(
        (s) => dispatch({ type: 'loaded', id, today: s.today }),
        () => {
          if (!ctrl.signal.aborted) dispatch({ type: 'failed', id });
        },
      );
    const list = key ? key.split(',') : [];
    for (const id of list) void load(id);
    const stops = hub ? list.map((id) => hub.watch(roomFor(scope, id), (update) => dispatch({ type: 'delta', id, update }))) : [];
    // Once a room is subscribed (again), reload its row: deltas sent before that never arrive.
    const byRoom = new Map(list.map((id) => [roomFor(scope, id), id]));
    const stopSubscribed = hub?.onSubscribed((room) => {
      const id = byRoom.get(room);
      if (id !== undefined) void load(id);
    });
    return () => {
      ctrl.abort();
      stops.forEach((s) => s());
      stopSubscribed?.();
    };
  }, [scope, key, hub]);

  return state;
}
