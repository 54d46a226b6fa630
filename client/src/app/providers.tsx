import { QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { createAppTRPCClient, TRPCProvider } from '../lib/trpc';
import { i18n } from './i18n';
import { createAppQueryClient } from './query-client';

/** Each mount gets its own clients, so every test starts from an empty cache. */
export function AppProviders({ children }: { children: ReactNode }) {
  const [trpcClient] = useState(() => createAppTRPCClient());
  const [queryClient] = useState(() => createAppQueryClient(trpcClient));
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </I18nextProvider>
  );
}
