import { MantineProvider, createTheme } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Code, ConnectError } from '@connectrpc/connect';
import { useState } from 'react';
import { ClientsContext } from './api/clients-context.js';
import type { Clients } from './api/transport.js';
import { App } from './app.js';

const theme = createTheme({ primaryColor: 'blue', defaultRadius: 'sm' });

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live data comes from the operation event stream, never from polling.
        refetchOnWindowFocus: false,
        staleTime: 30_000,
        retry: (n, err) => n < 2 && ConnectError.from(err).code !== Code.Unauthenticated,
      },
    },
  });
}

/** Providers shared by the real app and the bench page (which passes a fake transport). */
export function Root({ clients, children }: { clients: Clients; children?: React.ReactNode }) {
  const [qc] = useState(makeQueryClient);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <QueryClientProvider client={qc}>
        <ClientsContext.Provider value={clients}>{children ?? <App />}</ClientsContext.Provider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
