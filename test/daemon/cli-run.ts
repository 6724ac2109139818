// Runs the bulwark CLI from source (used by cli.test.ts through a child process).
import { main } from '../../src/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
