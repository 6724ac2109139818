/**
 * `bulwark completion bash|zsh|fish`: a shell completion script generated from the command tree itself
 * (commands, sub-commands, their flags and the values of flags with a fixed choice), so it never goes stale.
 */
import type { Command, Option } from 'commander';
import type { CliContext } from '../main.js';
import { UserError } from '../../core/errors.js';

const SHELLS = ['bash', 'zsh', 'fish'];

interface Node {
  /** '' for the program, 'db', 'db match' */
  path: string;
  subs: string[];
  options: Option[];
  description: string;
}

function nodes(program: Command): Node[] {
  const out: Node[] = [];
  const walk = (c: Command, path: string) => {
    const visible = c.commands.filter((s) => !(s as unknown as { _hidden?: boolean })._hidden && s.name() !== 'help');
    out.push({ path, subs: visible.map((s) => s.name()), options: c.options.filter((o) => !o.hidden), description: c.description() });
    for (const s of c.commands) if (s.name() !== 'help') walk(s, path ? `${path} ${s.name()}` : s.name());
  };
  walk(program, '');
  return out;
}

/**
 * The values a flag completes to: its fixed choices, or the words of a list flag (`--scanners vuln,secret`), which
 * declares them as `completeWith` (commander's choices would refuse a list).
 */
export const valuesOf = (o: Option): string[] | undefined => (o.argChoices?.length ? o.argChoices : (o as Option & { completeWith?: string[] }).completeWith);

const flagsOf = (n: Node) => [...n.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))), '--help'];
/** shell-safe words only: command and flag names are [a-z0-9-] */
const word = (s: string) => s.replace(/[^A-Za-z0-9_.:/=-]/g, '');

export function bashScript(program: Command): string {
  const all = nodes(program);
  const parents = all.filter((n) => n.subs.length);
  const lines = [
    '# bash completion for bulwark: source <(bulwark completion bash), or save it in /etc/bash_completion.d/bulwark',
    '_bulwark() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" path="" i w',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    w="${COMP_WORDS[i]}"',
    '    [[ $w == -- ]] && { COMPREPLY=(); return 0; }',
    '    [[ $w == -* ]] && continue',
    '    case "$path" in',
    ...parents.map((p) => `      "${p.path}") case " ${p.subs.map(word).join(' ')} " in *" $w "*) path="\${path:+$path }$w" ;; esac ;;`),
    '    esac',
    '  done',
    '  local subs="" opts=""',
    '  case "$path" in',
    ...all.map((n) => `    "${n.path}") subs="${n.subs.map(word).join(' ')}"; opts="${flagsOf(n).map(word).join(' ')}" ;;`),
    '  esac',
    '  case "$path:$prev" in',
    ...all.flatMap((n) =>
      n.options
        .filter((o) => valuesOf(o)?.length)
        .map((o) => `    "${n.path}:${o.long}"${o.short ? `|"${n.path}:${o.short}"` : ''}) COMPREPLY=($(compgen -W "${valuesOf(o)!.map(word).join(' ')}" -- "$cur")); return 0 ;;`),
    ),
    '  esac',
    '  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); return 0; fi',
    '  if [[ -n $subs ]]; then COMPREPLY=($(compgen -W "$subs" -- "$cur")); return 0; fi',
    '  COMPREPLY=($(compgen -f -- "$cur"))',
    '}',
    'complete -o filenames -F _bulwark bulwark',
    '',
  ];
  return lines.join('\n');
}

export function zshScript(program: Command): string {
  return [
    '#compdef bulwark',
    '# zsh completion for bulwark: add  eval "$(bulwark completion zsh)"  to ~/.zshrc (after compinit)',
    '# (the bash completion through zsh\'s bashcompinit, so both shells complete the same way)',
    'autoload -U +X bashcompinit && bashcompinit',
    bashScript(program).split('\n').slice(1).join('\n'),
  ].join('\n');
}

/** fish quoting: single quotes, with \ and ' escaped */
const fishQuote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function fishScript(program: Command): string {
  const all = nodes(program);
  const out = [
    '# fish completion for bulwark: bulwark completion fish > ~/.config/fish/completions/bulwark.fish',
    'function __bulwark_path',
    '    set -l words (commandline -opc)',
    '    set -l path',
    '    for w in $words[2..-1]',
    '        if test "$w" = "--"',
    '            echo "--"',
    '            return',
    '        end',
    '        string match -q -- "-*" $w; and continue',
    '        set -l candidate (string join " " $path $w)',
    '        if contains -- "$candidate" $__bulwark_commands',
    '            set path $path $w',
    '        end',
    '    end',
    '    string join " " bulwark $path',
    'end',
    'function __bulwark_at',
    '    test (__bulwark_path) = "$argv"',
    'end',
    `set -g __bulwark_commands ${all.filter((n) => n.path).map((n) => fishQuote(n.path)).join(' ')}`,
    'complete -c bulwark -f',
  ];
  for (const n of all) {
    const cond = `__bulwark_at bulwark${n.path ? ` ${n.path}` : ''}`;
    for (const s of n.subs) {
      const child = all.find((c) => c.path === (n.path ? `${n.path} ${s}` : s));
      out.push(`complete -c bulwark -n ${fishQuote(cond)} -a ${fishQuote(s)} -d ${fishQuote((child?.description ?? '').slice(0, 80))}`);
    }
    for (const o of n.options) {
      const parts = [`complete -c bulwark -n ${fishQuote(cond)}`];
      if (o.long) parts.push(`-l ${word(o.long.replace(/^--/, ''))}`);
      if (o.short) parts.push(`-s ${word(o.short.replace(/^-/, ''))}`);
      if (o.required || o.optional) parts.push(valuesOf(o)?.length ? `-x -a ${fishQuote(valuesOf(o)!.join(' '))}` : '-r -F');
      parts.push(`-d ${fishQuote(o.description.replace(/ \(env: [^)]*\)$/, '').slice(0, 80))}`);
      out.push(parts.join(' '));
    }
    if (!n.subs.length && n.path) out.push(`complete -c bulwark -n ${fishQuote(cond)} -F`);
  }
  return out.join('\n') + '\n';
}

export function register(program: Command, _ctx: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', SHELLS.join(', '))
    .action((shell: string) => {
      // `completion` loads every command (see main.ts), so the tree is complete here
      const script = shell === 'bash' ? bashScript(program) : shell === 'zsh' ? zshScript(program) : shell === 'fish' ? fishScript(program) : undefined;
      if (script === undefined) throw new UserError(`unknown shell '${shell}' (${SHELLS.join(', ')})`);
      process.stdout.write(script);
    });
}
