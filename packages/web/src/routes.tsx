import { Alert } from '@mantine/core';
import { lazy } from 'react';
import type { Config } from '@restora/proto';
import type { Route } from './router.js';

// Every view is its own chunk: the initial bundle holds only the shell.
const Dashboard = lazy(() => import('./views/dashboard.js'));
const RepoForm = lazy(() => import('./views/repo-form.js'));
const RepoView = lazy(() => import('./views/repo-view.js'));
const PlanForm = lazy(() => import('./views/plan-form.js'));
const PlanView = lazy(() => import('./views/plan-view.js'));
const SnapshotBrowser = lazy(() => import('./views/snapshot-browser.js'));
const Settings = lazy(() => import('./views/settings.js'));
const Peers = lazy(() => import('./views/peers.js'));

function NotFound({ what }: { what: string }) {
  return (
    <Alert color="red" title="Not found">
      {what}
    </Alert>
  );
}

export function RouteView({ route, config }: { route: Route; config: Config }) {
  const [section = '', id, sub] = route.path;
  switch (section) {
    case '':
      return <Dashboard config={config} />;
    case 'repos': {
      if (!id || id === 'new') return <RepoForm key="new" config={config} />;
      const repo = config.repos.find((r) => r.id === id);
      if (!repo) return <NotFound what={`No repository named "${id}".`} />;
      if (sub === 'edit') return <RepoForm key={id} config={config} repo={repo} />;
      return <RepoView key={id} config={config} repo={repo} />;
    }
    case 'plans': {
      if (!id || id === 'new') return <PlanForm key="new" config={config} />;
      const plan = config.plans.find((p) => p.id === id);
      if (!plan) return <NotFound what={`No plan named "${id}".`} />;
      if (sub === 'edit') return <PlanForm key={id} config={config} plan={plan} />;
      return <PlanView key={id} config={config} plan={plan} />;
    }
    case 'snapshot': {
      const repo = config.repos.find((r) => r.id === id);
      if (!repo || !sub) return <NotFound what="No such repository or snapshot." />;
      return <SnapshotBrowser key={`${id}/${sub}`} repo={repo} snapshotId={sub} query={route.query} />;
    }
    case 'settings':
      return <Settings config={config} />;
    case 'peers':
      return <Peers key={id ?? ''} config={config} keyid={id} />;
    default:
      return <NotFound what={`No page at #/${route.path.join('/')}.`} />;
  }
}
