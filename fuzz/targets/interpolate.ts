import fc from 'fast-check';
import { interpolate, InterpolationError, parseDotEnv } from '../../src/runtime/compose/interpolate.js';
import { corpus, defineTarget, isUserError, mutatedText } from '../harness.js';

const ENV = { A: 'a', B: '${A}', EMPTY: '', DOLLAR: '$$', NESTED: '${A:-${B}}' };

export default defineTarget<{ text: string; dotenv: boolean }>({
  name: 'interpolate',
  about: 'compose ${VAR} interpolation (defaults, :?, :+, nesting, $$) and .env file parsing',
  input: () => fc.record({ text: mutatedText(corpus('interpolate'), ['${', '}', '$', '$$', ':-', '-', ':?', '?', ':+', '+', 'A', 'EMPTY', 'UNSET', '"', "'", '\\', '\n', '=', 'export ', '#']), dotenv: fc.boolean() }),
  run({ text, dotenv }) {
    if (dotenv) parseDotEnv(text, '.env', ENV);
    else interpolate(text, ENV);
  },
  expected: (e) => e instanceof InterpolationError || isUserError(e),
});
