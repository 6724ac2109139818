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

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EPIPE: 'the reader closed the pipe',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
  EINVAL: 'invalid argument',
  ENXIO: 'no such device or address',
  ETXTBSY: 'text file busy',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EAGAIN: 'resource temporarily unavailable',
};

/** Node's system errors as one short line: "no space left on device (ENOSPC)"; other errors: their message. */
export function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException | undefined;
  if (err && typeof err.code === 'string' && ERRNO_TEXT[err.code]) return `${ERRNO_TEXT[err.code]} (${err.code})`;
  const msg = err && typeof err.message === 'string' ? err.message : String(e);
  return msg.split('\n')[0]!.slice(0, 500);
}

/** True for the errno codes of a file system or device problem (as opposed to a bug). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in ERRNO_TEXT;
}
