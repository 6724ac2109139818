/**
 * The process entry point (`bin/bulwark.js` imports the built copy of this file). What only a real process
 * needs lives here, not in `main()`, which tests call in-process:
 *   - `bulwark --version` answers before anything else is loaded, and the plain `bulwark rules` before commander;
 *   - a closed stdout (`bulwark ... | head -1`) ends the process quietly, as `cat` does, with the exit code the
 *     command had decided; a stdout that cannot be written (ENOSPC, EIO) is a one-line error, exit 2;
 *   - SIGINT / SIGTERM end the process with a message (exit 130 / 143);
 *   - anything thrown outside a command's action is a one-line internal error (exit 3), a stack only with --debug.
 */
import { TOOL_VERSION } from '../core/version.js';
import { describeError } from '../core/errors.js';

const argv = process.argv;
const args = argv.slice(2);

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${TOOL_VERSION}\n`);
} else if (args.length === 1 && args[0] === 'rules' && !Object.keys(process.env).some((k) => k.startsWith('BULWARK_'))) {
  // the plain listing, without commander (an option, or a variable that sets one, takes the command's own path)
  await run(async () => (await import('./commands/rules.js')).plainRulesList());
} else {
  await run();
}

/** `plain`: a command answered without the command index (its text is written, exit 0) */
async function run(plain?: () => Promise<string>): Promise<void> {
  let exitCode = (): number => 0;
  const debug = args.includes('--debug') || process.env.BULWARK_DEBUG === '1' || process.env.BULWARK_DEBUG === 'true';
  let ending = false;
  const end = (code: number, message?: string): void => {
    if (ending) return;
    ending = true;
    if (message) {
      // the progress line, if one is shown, is cleared first
      try {
        process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}bulwark: ${message}\n`);
      } catch {
        /* stderr is gone too */
      }
    }
    process.exit(code);
  };
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') end(exitCode());
    else end(2, `cannot write to standard output: ${describeError(e)}`);
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    ending = true;
    process.exit(e.code === 'EPIPE' ? exitCode() : 2);
  });
  process.on('SIGINT', () => end(130, 'interrupted (SIGINT)'));
  process.on('SIGTERM', () => end(143, 'terminated (SIGTERM)'));
  process.on('SIGHUP', () => end(129, 'hung up (SIGHUP)'));
  if (plain) {
    let text: string | undefined;
    try {
      text = await plain();
    } catch {
      /* the command's own path says what went wrong */
    }
    if (text !== undefined) {
      process.stdout.write(text);
      return;
    }
  }
  const { main, reportError, mainState } = await import('./main.js');
  process.on('uncaughtException', (e) => end(reportError(e, debug)));
  process.on('unhandledRejection', (e) => end(reportError(e, debug)));
  exitCode = () => mainState.exitCode;
  const code = await main(argv);
  // --timeout: the abandoned work may still hold the event loop; the verdict is final
  if (mainState.timedOut) end(code);
  if (!ending) process.exitCode = code;
}
