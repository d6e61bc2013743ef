import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  NavLink,
  Text,
  Title,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import {
  IconCalendarTime,
  IconDatabase,
  IconLayoutDashboard,
  IconLogout,
  IconMoon,
  IconNetwork,
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
import { FullStyles } from './full-styles.js';
import { href, useRoute } from './router.js';
import { RouteView } from './routes.js';

/** A header icon button; a native title, not Mantine's Tooltip, which would put floating-ui in the first chunk. */
function HeaderButton({
  label,
  icon,
  onClick,
}: {
  label: string;
  icon: React.ReactNode;
  onClick: () => void;
}) {
  return (
    <ActionIcon variant="default" size="lg" aria-label={label} title={label} onClick={onClick}>
      {icon}
    </ActionIcon>
  );
}

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <HeaderButton
      label={`Switch to ${next} mode`}
      icon={scheme === 'dark' ? <IconSun size={18} aria-hidden /> : <IconMoon size={18} aria-hidden />}
      onClick={() => setColorScheme(next)}
    />
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

/** A navbar section listing the plans or repositories, each a link, and a link to add one. */
function NavGroup({
  label,
  icon: Icon,
  section,
  ids,
  addLabel,
  current,
}: {
  label: string;
  icon: typeof IconDatabase;
  section: 'plans' | 'repos';
  ids: string[];
  addLabel: string;
  /** The id (or "new") open in this section, if any. */
  current: string | undefined;
}) {
  return (
    <NavLink
      label={label}
      leftSection={<Icon size={18} aria-hidden />}
      defaultOpened
      childrenOffset={12}
      active={false}
    >
      {ids.map((id) => (
        <NavLink component="a" key={id} href={href([section, id])} label={id} active={current === id} />
      ))}
      <NavLink component="a" href={`#/${section}/new`} label={addLabel} active={current === 'new'} />
    </NavLink>
  );
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
              <HeaderButton
                label="Log out"
                icon={<IconLogout size={18} aria-hidden />}
                onClick={() => authStore.logout()}
              />
            )}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        {/* native scrolling: Mantine's ScrollArea would bring floating-ui into the first chunk */}
        <AppShell.Section grow style={{ overflowY: 'auto' }}>
          <NavLink
            component="a"
            href="#/"
            label="Dashboard"
            leftSection={<IconLayoutDashboard size={18} aria-hidden />}
            active={section === ''}
          />
          <NavGroup
            label="Plans"
            icon={IconCalendarTime}
            section="plans"
            ids={config.plans.map((p) => p.id)}
            addLabel="+ Add plan"
            current={section === 'plans' ? current : undefined}
          />
          <NavGroup
            label="Repositories"
            icon={IconDatabase}
            section="repos"
            ids={config.repos.map((r) => r.id)}
            addLabel="+ Add repository"
            current={section === 'repos' ? current : undefined}
          />
          <NavLink
            component="a"
            href="#/peers"
            label="Peers"
            leftSection={<IconNetwork size={18} aria-hidden />}
            active={section === 'peers'}
          />
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
          {section === '' ? (
            <RouteView route={route} config={config} />
          ) : (
            <FullStyles>
              <RouteView route={route} config={config} />
            </FullStyles>
          )}
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
