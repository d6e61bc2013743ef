// Identifier rules. Backrest's regex is unanchored (so any charset passes); Restora enforces it strictly.
const ID_RE = /^[a-zA-Z0-9_.-]+$/;
export const INSTANCE_ID_MAX_LEN = 50;
export const ID_MAX_LEN = 128;

/** Returns the problem with `id`, or undefined when it is a valid id. */
export function idProblem(id: string, maxLen = ID_MAX_LEN): string | undefined {
  if (id === '') return 'is required';
  if (!ID_RE.test(id)) return `${JSON.stringify(id)} may only contain letters, digits, '_', '.' and '-'`;
  if (id.length > maxLen) return `${JSON.stringify(id)} is longer than ${maxLen} characters`;
  if (id.length >= 2 && id.startsWith('_') && id.endsWith('_')) {
    return `${JSON.stringify(id)} is reserved (ids starting and ending with '_' are used by the system)`;
  }
  return undefined;
}

/** User names end up in Basic auth (no ':') and logs. */
export function userNameProblem(name: string): string | undefined {
  if (name === '') return 'is required';
  if (!/^[^\s:]+$/.test(name)) return `${JSON.stringify(name)} must not contain whitespace or ':'`;
  if (name.length > ID_MAX_LEN) return `is longer than ${ID_MAX_LEN} characters`;
  return undefined;
}
