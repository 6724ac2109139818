/** An error meant for the user: printed without a stack trace, with an exit code. */
export class UserError extends Error {
  constructor(
    message: string,
    public readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Input that cannot be read or parsed (exit code 2). */
export class InputError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'InputError';
  }
}
