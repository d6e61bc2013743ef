import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useAuth } from './api/auth-store.js';
import { useConfig } from './api/queries.js';
import { FullStyles } from './full-styles.js';
import { errorMessage } from './lib/format.js';
import { Shell } from './shell.js';

const LoginView = lazy(() => import('./views/login.js'));
const FirstRunView = lazy(() => import('./views/first-run.js'));

export function PageLoader() {
  return (
    <Center h="50vh">
      <Loader aria-label="Loading" />
    </Center>
  );
}

/** Decides between login, first-run setup and the main shell. */
export function App() {
  const auth = useAuth();
  const config = useConfig();
  const qc = useQueryClient();
  if (auth.needsLogin) {
    return (
      <Suspense fallback={<PageLoader />}>
        <FullStyles>
          <LoginView />
        </FullStyles>
      </Suspense>
    );
  }
  if (config.isPending) return <PageLoader />;
  if (config.isError) {
    return (
      <Center h="60vh" p="md">
        <Stack>
          <Alert color="red" title="Cannot reach the Restora server">
            {errorMessage(config.error)}
          </Alert>
          <Button onClick={() => void qc.invalidateQueries()}>Retry</Button>
        </Stack>
      </Center>
    );
  }
  const c = config.data;
  const needsSetup = !c.instance || (!c.auth?.disabled && (c.auth?.users.length ?? 0) === 0);
  if (needsSetup) {
    return (
      <Suspense fallback={<PageLoader />}>
        <FullStyles>
          <FirstRunView config={c} />
        </FullStyles>
      </Suspense>
    );
  }
  return <Shell config={c} />;
}
