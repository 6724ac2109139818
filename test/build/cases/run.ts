import type { RuleCase } from '../helpers.js';

// hadolint DL3001/DL3003/DL3004/DL3046/DL3047/DL3059/DL4001/DL4005/DL4006 specs; trivy-checks run_using_sudo,
// run_command_cd_instead_of_workdir, run_using_wget_and_curl, run_pipefail tests
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-011',
    bad: ['FROM debian:12\nRUN sudo apt-get update', 'FROM debian:12\nRUN apt-get update && sudo -u app make', 'FROM debian:12\nRUN echo hi; DEBIAN_FRONTEND=x sudo apt-get install -y x'],
    good: ['FROM debian:12\nRUN apt-get update', "FROM debian:12\nRUN echo 'sudo is a word here'", 'FROM debian:12\nRUN apt-get install -y sudo-ldap'],
  },
  {
    id: 'BW-BUILD-012',
    bad: ['FROM debian:12\nRUN cd /opt', 'FROM debian:12\nRUN cd /usr/src/app && git clone x'],
    good: ['FROM debian:12\nWORKDIR /opt\nRUN make', "FROM debian:12\nRUN echo 'cd /opt'", 'FROM debian:12\nRUN mkdir -p /x && (cd /x && make)'.replace('(cd', '( cd').replace('( cd', 'sh -c "cd').replace('make)', 'make"')],
  },
  {
    id: 'BW-BUILD-013',
    bad: ['FROM debian:12\nRUN wget http://google.com\nRUN curl http://bing.com', 'FROM debian:12\nRUN wget -q http://a && curl -fsS http://b'],
    good: ['FROM debian:12\nRUN curl http://bing.com\nRUN curl http://google.com', 'FROM debian:12 AS a\nRUN wget http://google.com\nFROM debian:12\nRUN curl http://bing.com'],
  },
  {
    id: 'BW-BUILD-048',
    bad: ['FROM debian:12\nRUN foo\nRUN bar', 'FROM debian:12\nRUN foo\n# a comment\nRUN bar'],
    good: [
      'FROM debian:12\nRUN foo && bar',
      'FROM debian:12\nRUN foo\nWORKDIR /x\nRUN bar',
      'FROM debian:12\nRUN --mount=type=cache,target=/a foo\nRUN bar',
      'FROM debian:12\nRUN a && b && c\nRUN d',
    ],
  },
  {
    id: 'BW-BUILD-053',
    bad: ['FROM debian:12\nRUN useradd -u 123456 luser', 'FROM debian:12\nRUN useradd --uid=1234567 luser'],
    good: ['FROM debian:12\nRUN useradd -l -u 123456 luser', 'FROM debian:12\nRUN useradd -u 1000 luser', 'FROM debian:12\nRUN useradd --no-log-init -u 123456 luser', 'FROM debian:12\nRUN useradd luser'],
  },
  {
    id: 'BW-BUILD-054',
    bad: ['FROM debian:12\nRUN wget https://example.com/big.tar.gz'],
    good: ['FROM debian:12\nRUN wget --progress=dot:giga https://example.com/big.tar.gz', 'FROM debian:12\nRUN wget -q https://example.com/x', 'FROM debian:12\nRUN wget -nv https://example.com/x', 'FROM debian:12\nRUN wget -qO- https://example.com/x'],
  },
  {
    id: 'BW-BUILD-063',
    bad: ['FROM debian:12\nRUN service ssh start', 'FROM debian:12\nRUN top', 'FROM debian:12\nRUN apt-get install -y vim && vim /etc/x'],
    good: ['FROM debian:12\nRUN apt-get install -y vim', 'FROM debian:12\nRUN echo top'],
  },
  {
    id: 'BW-BUILD-064',
    bad: ['FROM debian:12\nRUN wget -O - https://some.site | wc -l > /number', 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM debian:12\nRUN curl x | tar x'],
    good: [
      'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -O - https://some.site | wc -l > /number',
      'FROM debian:12\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nRUN wget -O - https://some.site | wc -l > /number',
      'FROM mcr.microsoft.com/windows:1\nSHELL ["pwsh", "-c"]\nRUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value',
      'FROM debian:12\nRUN set -o pipefail && curl x | tar x',
      'FROM debian:12\nRUN echo "a | b"',
      'FROM debian:12\nRUN a || b',
    ],
  },
  {
    id: 'BW-BUILD-065',
    bad: ['FROM debian:12\nRUN ln -sfv /bin/bash /bin/sh'],
    good: ['FROM debian:12\nRUN ln -sf /usr/bin/python3 /usr/bin/python', 'FROM debian:12\nSHELL ["/bin/bash", "-c"]'],
  },
];
