import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  NavLink,
  ScrollArea,
  Text,
  Title,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import {
  IconCalendarTime,
  IconDatabase,
  IconLayoutDashboard,
  IconLogout,
  IconMoon,
  IconSettings,
  IconSun,
} from '@tabler/icons-react';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect } from 'react';
import type { Config } from '@restora/proto';
import { authStore } from './api/auth-store.js';
import { useClients } from './api/clients-context.js';
import { startOperationEvents } from './api/op-events.js';
import { applyOperationEvent } from './api/queries.js';
import { PageLoader } from './app.js';
import { href, useRoute } from './router.js';
import { RouteView } from './routes.js';

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} mode`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} mode`}
        onClick={() => setColorScheme(next)}
      >
        {scheme === 'dark' ? <IconSun size={18} aria-hidden /> : <IconMoon size={18} aria-hidden />}
      </ActionIcon>
    </Tooltip>
  );
}

/** Keeps cached operation lists live from the shared GetOperationEvents stream. */
function OperationEventsBridge() {
  const { backrest } = useClients();
  const qc = useQueryClient();
  useEffect(
    () =>
      startOperationEvents(backrest, {
        onEvent: (ev) => applyOperationEvent(qc, ev),
        onResync: () => void qc.invalidateQueries({ queryKey: ['ops'] }),
      }),
    [backrest, qc],
  );
  return null;
}

export function Shell({ config }: { config: Config }) {
  const [opened, { toggle, close }] = useDisclosure();
  const route = useRoute();
  const section = route.path[0] ?? '';
  const current = route.path[1];
  useEffect(close, [route, close]);
  const authOn = !config.auth?.disabled;
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <OperationEventsBridge />
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <a href="#/" style={{ color: 'inherit', textDecoration: 'none' }}>
              <Title order={3}>Restora</Title>
            </a>
            <Text c="dimmed" size="sm" visibleFrom="xs" truncate>
              {config.instance}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ColorSchemeToggle />
            {authOn && (
              <Tooltip label="Log out">
                <ActionIcon
                  variant="default"
                  size="lg"
                  aria-label="Log out"
                  onClick={() => authStore.logout()}
                >
                  <IconLogout size={18} aria-hidden />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          <NavLink
            component="a"
            href="#/"
            label="Dashboard"
            leftSection={<IconLayoutDashboard size={18} aria-hidden />}
            active={section === ''}
          />
          <NavLink
            label="Plans"
            leftSection={<IconCalendarTime size={18} aria-hidden />}
            defaultOpened
            childrenOffset={12}
            active={false}
          >
            {config.plans.map((p) => (
              <NavLink
                component="a"
                key={p.id}
                href={href(['plans', p.id])}
                label={p.id}
                active={section === 'plans' && current === p.id}
              />
            ))}
            <NavLink
              component="a"
              href="#/plans/new"
              label="+ Add plan"
              active={section === 'plans' && current === 'new'}
            />
          </NavLink>
          <NavLink
            label="Repositories"
            leftSection={<IconDatabase size={18} aria-hidden />}
            defaultOpened
            childrenOffset={12}
            active={false}
          >
            {config.repos.map((r) => (
              <NavLink
                component="a"
                key={r.id}
                href={href(['repos', r.id])}
                label={r.id}
                active={section === 'repos' && current === r.id}
              />
            ))}
            <NavLink
              component="a"
              href="#/repos/new"
              label="+ Add repository"
              active={section === 'repos' && current === 'new'}
            />
          </NavLink>
          <NavLink
            component="a"
            href="#/settings"
            label="Settings"
            leftSection={<IconSettings size={18} aria-hidden />}
            active={section === 'settings'}
          />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<PageLoader />}>
          <RouteView route={route} config={config} />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
