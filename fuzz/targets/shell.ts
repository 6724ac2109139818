import { parseShell } from '../../src/dockerfile/shell/tokenize.js';
import { effective } from '../../src/dockerfile/shell/command.js';
import { corpus, defineTarget, mutatedText } from '../harness.js';

export default defineTarget<string>({
  name: 'shell',
  about: 'the POSIX shell tokenizer of RUN lines (parseShell: quotes, escapes, $( ), backquotes, heredocs, operators) and effective-command resolution',
  input: () => mutatedText(corpus('shell'), ['"', "'", '\\', '$(', ')', '`', '${', '}', '&&', '||', ';', '|', '&', '<<EOF\n', '\nEOF\n', '<<-', '(', '{ ', ' }', 'sudo ', 'env A=1 ', 'sh -c "', 'bash -c \'', '#', '\n', '\\\n', 'if ', 'then ', 'fi', 'for x in ', 'do ', 'done', '2>&1', '>/dev/null']),
  run(text) {
    for (const cmd of parseShell(text)) effective(cmd);
    parseShell(text, 0, '`');
  },
});
