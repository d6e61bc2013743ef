// The account endpoints of Zerobyte's web client (better-auth sign-up, change-password, update-user) over the one
// identity model: users and their bcrypt hashes live in the config (auth.users, as Backrest's), the profile fields
// better-auth has and the config has not (email, display name, date/time format) in a sidecar row per user.
import { create } from '@bufbuild/protobuf';
import { AuthSchema, UserSchema } from '@restora/proto';
import { hashPassword } from '../../auth/passwords.js';
import { userNameProblem } from '../../config/validate-ids.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../../errors.js';
import type { ZbContext } from './context.js';

export interface UserProfile {
  email: string;
  name: string;
  displayUsername: string;
  dateFormat: string | null;
  timeFormat: string | null;
  image: string | null;
  createdAt: number;
  updatedAt: number;
}

export type ProfilePatch = Partial<
  Pick<UserProfile, 'name' | 'displayUsername' | 'dateFormat' | 'timeFormat' | 'image'>
>;

/** better-auth's password rule, which Zerobyte's client also checks. */
export const MIN_PASSWORD_LENGTH = 8;

/** Zerobyte's normalisation of a sign-up username (trimmed, lower case). */
export const normalizeUsername = (u: string) => u.trim().toLowerCase();

export class UserAccounts {
  constructor(private readonly ctx: ZbContext) {}

  private exists(username: string): boolean {
    return (this.ctx.config.get().auth?.users ?? []).some((u) => u.name === username);
  }

  hasUsers(): boolean {
    return (this.ctx.config.get().auth?.users.length ?? 0) > 0;
  }

  /** A user's profile; a config user never signed up here gets one derived from the name. */
  profile(username: string): UserProfile {
    const stored = this.ctx.meta.get<UserProfile>('user-profile', username);
    return (
      stored ?? {
        email: '',
        name: username,
        displayUsername: username,
        dateFormat: null,
        timeFormat: null,
        image: null,
        createdAt: 0,
        updatedAt: 0,
      }
    );
  }

  /** The first user (first run only: later users are added to the config): added to auth.users with its profile. */
  async signUp(input: { username: string; password: string; email: string } & ProfilePatch): Promise<string> {
    const username = normalizeUsername(input.username);
    const problem = userNameProblem(username);
    if (problem) throw new ValidationError([{ path: 'username', message: problem }]);
    passwordProblem('password', input.password);
    if (this.hasUsers()) throw registrationsClosed();
    const hash = await hashPassword(input.password);
    await this.ctx.config.update((draft) => {
      // checked again inside the serialised write: two first sign-ups at once make one user
      if (draft.auth?.users.length) throw registrationsClosed();
      draft.auth ??= create(AuthSchema, {});
      draft.auth.users.push(
        create(UserSchema, { name: username, password: { case: 'passwordBcrypt', value: hash } }),
      );
    });
    const now = this.ctx.now();
    this.ctx.meta.put('user-profile', username, {
      ...this.profile(username),
      email: input.email.trim().toLowerCase(),
      name: input.name ?? username,
      displayUsername: input.displayUsername ?? input.username.trim(),
      dateFormat: input.dateFormat ?? null,
      timeFormat: input.timeFormat ?? null,
      image: input.image ?? null,
      createdAt: now,
      updatedAt: now,
    } satisfies UserProfile);
    return username;
  }

  /** Replaces the user's bcrypt hash in the config (the caller re-checked the current password). */
  async setPassword(username: string, password: string): Promise<void> {
    passwordProblem('newPassword', password);
    const hash = await hashPassword(password);
    await this.ctx.config.update((draft) => {
      const user = draft.auth?.users.find((u) => u.name === username);
      if (!user) throw new NotFoundError('User not found', 'user', username);
      user.password = { case: 'passwordBcrypt', value: hash };
    });
  }

  updateProfile(username: string, patch: ProfilePatch): UserProfile {
    if (!this.exists(username)) throw new NotFoundError('User not found', 'user', username);
    const next = { ...this.profile(username), ...patch, updatedAt: this.ctx.now() };
    this.ctx.meta.put('user-profile', username, next);
    return next;
  }
}

function passwordProblem(field: string, password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new ValidationError([
      { path: field, message: `must be at least ${MIN_PASSWORD_LENGTH} characters long` },
    ]);
}

const registrationsClosed = () =>
  new PermissionDeniedError(
    'Registrations are closed: the first user exists; add further users to the config (auth.users)',
  );
