import { analyzeDockerfile, applyFixes } from '../../src/analyzers/build/index.js';
import { corpus, defineTarget, mutatedText } from '../harness.js';

export const DOCKERFILE_TOKENS = ['\nRUN ', '\nFROM ', ' AS ', '\nARG ', '\nENV ', '\nCOPY --from=', '\nADD ', '\nONBUILD ', '\nHEALTHCHECK CMD ', '\nSHELL ["', '\nUSER ', '\nWORKDIR ', '\\\n', '`\n', '# escape=`\n', '# syntax=', '<<EOF\n', '\nEOF\n', '<<-', '${', '${A:-', '${A:+', '$', '"', "'", '&&', '||', ';', '|', '$(', ')', '`', '[', ']', '--mount=type=secret,id=', 'apt-get install -y ', 'pip install ', 'npm i ', 'apk add --no-cache ', 'curl -fsSL ', ' | sh', '\n# hadolint ignore=DL3008\n', '\n# bulwark ignore=BW-BUILD-001\n', 'sudo ', 'chmod 777 '];

export default defineTarget<string>({
  name: 'dockerfile',
  about: 'Dockerfile parser, variable expansion and every build rule (analyzeDockerfile), then the fixes (applyFixes)',
  input: () => mutatedText(corpus('dockerfile'), DOCKERFILE_TOKENS),
  run(text) {
    const a = analyzeDockerfile(text, 'Dockerfile');
    applyFixes(text, a);
  },
});
