/** The CLI from source, for tests that need a separate process (stdin, environment). */
import { main } from '../../../src/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
