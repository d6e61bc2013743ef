import { use, type ReactNode } from 'react';

// The dashboard (the first view) renders with the component styles first-view-styles.ts imports; every other view
// waits for Mantine's whole stylesheet, fetched once (early: once the dashboard has drawn).
let loading: Promise<unknown> | null = null;

export function loadFullStyles(): Promise<unknown> {
  return (loading ??= import('@mantine/core/styles.css'));
}

/** Suspends its children until the whole stylesheet is in (under the nearest Suspense). */
export function FullStyles({ children }: { children: ReactNode }) {
  use(loadFullStyles());
  return children;
}
