/** The values a user error is about (an id, a name, a limit), for the edge to word its own reply. */
export type UserErrorValues = Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * A problem the user can fix (bad date, unknown article, refused URL). `id` names the kind of problem
 * (`alert.not-found`) and `values` what it is about, so each adapter — Discord, the console, a future
 * web page — can choose its own words (`src/replies/user-errors.ts`); the message is the neutral
 * wording, shown when an adapter has nothing better. It names the thing and the value and contains no
 * secrets or stack detail.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly id: string;
  readonly values: UserErrorValues;
  constructor(message: string, options?: { id?: string; values?: UserErrorValues; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.id = options?.id ?? 'user-error';
    this.values = options?.values ?? {};
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
