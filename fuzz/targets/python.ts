import { pythonPackage } from '../../src/inventory/python/index.js';
import { corpus, defineTarget, mutatedText } from '../harness.js';

export default defineTarget<string>({
  name: 'python',
  about: 'Python core metadata (METADATA / PKG-INFO: RFC 822 headers, continuation lines, License-Expression, classifiers)',
  input: () => mutatedText(corpus('python'), ['\nName: ', '\nVersion: ', '\nLicense: ', '\nLicense-Expression: ', '\nClassifier: License :: OSI Approved :: ', '\n ', '\n\t', '\n\n', '\r\n', 'Metadata-Version: 2.1\n', '!', '.post', '.dev', '+local']),
  run(text) {
    pythonPackage(text);
  },
});
