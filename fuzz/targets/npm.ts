import fc from 'fast-check';
import { packageJson, parsePackageLock, parsePnpmLock, parseYarnLock } from '../../src/inventory/node/index.js';
import { corpus, defineTarget, isSyntaxError, mutatedJsonText, mutatedText } from '../harness.js';

type Input = { kind: 'package.json' | 'package-lock.json' | 'yarn.lock' | 'pnpm-lock.yaml'; text: string };

export default defineTarget<Input>({
  name: 'npm',
  about: 'package.json and the npm lock file readers (package-lock v1-v3, yarn v1 and berry, pnpm)',
  input: () =>
    fc.oneof(
      fc.record({ kind: fc.constant('package.json' as const), text: mutatedJsonText(corpus('npm-package')) }),
      fc.record({ kind: fc.constant('package-lock.json' as const), text: mutatedJsonText(corpus('npm-lock')) }),
      fc.record({ kind: fc.constant('yarn.lock' as const), text: mutatedText(corpus('yarn-lock'), ['\n"', '@npm:', '@^', '\n  version "', '\n  resolution: "', ':\n', '\n  dependencies:\n    ', '__metadata:\n', '# yarn lockfile v1\n', ', ']) }),
      fc.record({ kind: fc.constant('pnpm-lock.yaml' as const), text: mutatedText(corpus('pnpm-lock'), ['\n  /', '@', '(', ')', ':\n', '\npackages:\n', "lockfileVersion: '9.0'\n", '\nsnapshots:\n', '\n    dev: true', '&a ', '*a', '{', '[']) }),
    ),
  run({ kind, text }) {
    if (kind === 'package.json') packageJson(text);
    else if (kind === 'package-lock.json') parsePackageLock(text);
    else if (kind === 'yarn.lock') parseYarnLock(text);
    else parsePnpmLock(text);
  },
  // the readers report bad syntax by throwing the parser's error (the detector turns it into a warning)
  expected: isSyntaxError,
  encode: (i) => i,
  decode: (j) => j as Input,
});
