import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadComposeSpecs } from '../../src/runtime/compose/normalize.js';
import { corpus, defineTarget, mutatedText } from '../harness.js';

let dir: string | undefined;
function file(): string {
  if (!dir) {
    dir = mkdtempSync(join(process.env.BULWARK_FUZZ_TMP ?? tmpdir(), 'bw-fuzz-compose-'));
    process.once('exit', () => rmSync(dir!, { recursive: true, force: true }));
  }
  return join(dir, 'compose.yaml');
}

export default defineTarget<string>({
  name: 'compose',
  about: 'the compose loader (YAML with positions, aliases, merge keys, extends, !reset/!override, interpolation) and the service -> ContainerSpec normalisation',
  input: () =>
    mutatedText(corpus('compose'), ['\nservices:\n  a:\n    image: x\n', '    extends: a\n', '    extends:\n      service: b\n', '&a ', '*a', '<<: *a\n', '!reset ', '!override ', '${', '${A:-', '${A:?err}', '$$', '\n    ports:\n      - "', '\n    volumes:\n      - ', '\n    environment:\n      ', '\n    privileged: true', '\n    cap_add: [ALL]', '{', '}', '[', ']', '- ', ': ', '"', "'", '\n  ', '\t', '---\n', '%YAML 1.2\n', '!!binary ', '? ']),
  run(text) {
    const f = file();
    writeFileSync(f, text);
    loadComposeSpecs({ files: [f], env: { A: 'x', HOME: '/root', EMPTY: '' }, envFiles: [] });
  },
});
