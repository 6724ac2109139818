// The bulwark CLI from source in its own process (tests that need a real server process or a kill -9).
import { main } from '../../src/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
