/**
 * A problem the user can fix (bad date, unknown article, refused URL). Its message is shown to them
 * as is, so it must name the thing and the value and contain no secrets or stack detail.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
