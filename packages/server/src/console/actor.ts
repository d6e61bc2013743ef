// Who is making the current request, carried through its async work so a config listener can name them.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Actor {
  user?: string;
  ip?: string;
}

const storage = new AsyncLocalStorage<Actor>();

/** Runs `fn` (a Fastify hook's `done`) with `actor` as the current request's actor. */
export function withActor(actor: Actor, fn: () => void): void {
  storage.run(actor, fn);
}

/** The current request's actor, or undefined outside a request (scheduler, start-up). */
export function currentActor(): Actor | undefined {
  return storage.getStore();
}
