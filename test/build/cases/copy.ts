import type { RuleCase } from '../helpers.js';

// hadolint DL3010/DL3020/DL3021/DL3022/DL3023/DL3045 specs; trivy-checks add_instead_of_copy, copy_* tests
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-014',
    bad: ['FROM debian:12\nADD file /usr/src/app/', 'FROM debian:12\nADD --chown=1:1 a b /app/'],
    good: [
      'FROM debian:12\nADD http://file.com /usr/src/app/',
      'FROM debian:12\nADD file.tar /usr/src/app/',
      'FROM debian:12\nADD file.tar.gz /usr/src/app/',
      'FROM debian:12\nADD https://github.com/x/y.git /src',
      'FROM debian:12\nCOPY file /usr/src/app/',
    ],
  },
  {
    id: 'BW-BUILD-015',
    bad: ['FROM debian:12\nADD https://example.com/tool.tgz /opt/', 'FROM debian:12\nADD git@github.com:moby/buildkit.git /src'],
    good: ['FROM debian:12\nADD --checksum=sha256:' + 'd'.repeat(64) + ' https://example.com/tool.tgz /opt/', 'FROM debian:12\nADD local.tgz /opt/'],
  },
  {
    id: 'BW-BUILD-016',
    bad: ['FROM node:20 AS foo\nCOPY --from=foo bar .', 'FROM node:20 AS Foo\nCOPY --from=foo bar .'],
    good: ['FROM node:20 AS foo\nRUN x\nFROM scratch\nCOPY --from=foo bar .', 'FROM scratch\nCOPY --from=foo bar .'],
  },
  {
    id: 'BW-BUILD-017',
    bad: ['FROM scratch\nCOPY --from=foo bar .', 'FROM scratch AS a\nCOPY --from=1 x /x', 'FROM debian:12 AS a\nFROM debian:12\nCOPY --from=b /x /x'],
    good: [
      'FROM node:20 AS foo\nRUN x\nFROM scratch\nCOPY --from=foo bar .',
      'FROM node:20\nRUN x\nFROM scratch\nCOPY --from=0 bar .',
      'FROM scratch\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx',
      'FROM scratch\nCOPY --from=ghcr.io/x/y /a /a',
      'FROM scratch\nCOPY --from=$BASE /a /a',
    ],
  },
  {
    id: 'BW-BUILD-018',
    bad: ['FROM debian:12\nCOPY package.json yarn.lock my_app', 'FROM debian:12\nCOPY ["a", "b", "/dest"]'],
    good: ['FROM debian:12\nCOPY package.json yarn.lock my_app/', 'FROM debian:12\nCOPY package.json /app', 'FROM debian:12\nCOPY --from=build a b /dest/'],
  },
  {
    id: 'BW-BUILD-052',
    bad: ['FROM scratch\nCOPY bla.sh blubb.sh', 'FROM scratch\nCOPY src .'],
    good: [
      'FROM scratch\nCOPY bla.sh /usr/local/bin/blubb.sh',
      'FROM scratch\nWORKDIR /usr\nCOPY bla.sh blubb.sh',
      'FROM scratch AS base\nWORKDIR /usr\nFROM base\nCOPY bla.sh blubb.sh',
      'FROM scratch\nCOPY bla.sh $DEST',
      'FROM mcr.microsoft.com/windows:1\nCOPY bla.sh c:\\\\system32\\\\blubb.sh',
    ],
  },
  {
    id: 'BW-BUILD-066',
    bad: ['FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt'],
    good: ['FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN echo keep', 'FROM debian:12\nADD app.tar.gz /opt/', 'FROM debian:12\nCOPY app.js /tmp/\nRUN tar -xzf other.tgz'],
  },
  {
    id: 'BW-BUILD-023',
    bad: ['FROM debian:12\nMAINTAINER Lukas'],
    good: ['FROM debian:12\nLABEL maintainer="Lukas"'],
  },
  {
    id: 'BW-BUILD-050',
    bad: ['FROM debian:12\nONBUILD FROM debian:buster', 'FROM debian:12\nONBUILD MAINTAINER "BoJack Horseman"', 'FROM debian:12\nONBUILD ONBUILD RUN anything'],
    good: ['FROM debian:12\nONBUILD RUN echo hi', 'FROM debian:12\nONBUILD ADD . /app/src'],
  },
  {
    id: 'BW-BUILD-051',
    bad: ['FROM debian:12\nENV BLA="blubb" BLUBB="${BLA}/blubb"', 'FROM debian:12\nENV A=1 B=$A'],
    good: ['FROM debian:12\nENV BLA="blubb"\nENV BLUBB="${BLA}/blubb"', 'FROM debian:12\nENV A=1\nENV A=2 B=$A', 'FROM debian:12\nENV PATH=/x:$PATH'],
  },
];
