import { createContext, useContext } from 'react';
import type { Clients } from './transport.js';

export const ClientsContext = createContext<Clients | null>(null);

export function useClients(): Clients {
  const c = useContext(ClientsContext);
  if (!c) throw new Error('ClientsContext missing: wrap the app in <ClientsContext.Provider>');
  return c;
}
