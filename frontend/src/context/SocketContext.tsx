import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import { LiveHub } from '../lib/live-hub';
import { useAuth } from './AuthContext';

interface SocketValue {
  hub: LiveHub | null;
  connected: boolean;
}

const SocketContext = createContext<SocketValue>({ hub: null, connected: false });

/** One Socket.IO connection per signed-in session, authenticated by the session cookie. */
export function SocketProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const userId = user?.id ?? null;
  const [value, setValue] = useState<SocketValue>({ hub: null, connected: false });

  useEffect(() => {
    if (!userId) return;
    const socket = io({ path: '/socket.io', withCredentials: true, reconnectionDelayMax: 10_000 });
    const hub = new LiveHub(socket);
    const update = () => setValue({ hub, connected: socket.connected });
    socket.on('connect', update);
    socket.on('disconnect', update);
    socket.on('connect_error', update);
    setValue({ hub, connected: socket.connected });
    return () => {
      hub.close();
      socket.off('connect', update);
      socket.off('disconnect', update);
      socket.off('connect_error', update);
      socket.disconnect();
      setValue({ hub: null, connected: false });
    };
  }, [userId]);

  return <SocketContext.Provider value={value}>{children}</SocketContext.Provider>;
}

export const useSocket = () => useContext(SocketContext);
