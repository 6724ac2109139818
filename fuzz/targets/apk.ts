import { parseApkInstalled } from '../../src/inventory/apk/index.js';
import { corpus, defineTarget, mutatedText } from '../harness.js';

export default defineTarget<string>({
  name: 'apk',
  about: 'the apk installed database (lib/apk/db/installed: P:/V:/o:/F:/R: records)',
  input: () => mutatedText(corpus('apk'), ['\nP:', '\nV:', '\no:', '\nA:', '\nL:', '\nF:', '\nR:', '\nC:', '\n\n', '-r', '_rc', '_git', '~']),
  run(text) {
    parseApkInstalled(text);
  },
});
