import type { RuleCase } from '../helpers.js';

// hadolint DL3002 spec; trivy-checks root_user_test.rego; plus the multi-stage semantics of the issue
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-004',
    bad: [
      'FROM scratch\nUSER root',
      'FROM scratch\nUSER 0',
      'FROM scratch\nUSER root:root',
      'FROM debian:12\nUSER app\nRUN x\nUSER root',
      'FROM debian:12',
      // a USER in an earlier stage does not count
      'FROM debian:12 AS build\nUSER app\nFROM debian:12\nCOPY --from=build /a /a',
      // FROM <alias> inherits that stage's USER
      'FROM debian:12 AS base\nUSER root\nFROM base',
      // trivy-checks root_user_test.rego
      'FROM alpine:3.13\nRUN apt-get update\nUSER user1\nRUN apt-get update\nUSER root\nRUN apt-get update',
      'FROM alpine:3.13\nUSER user1\nUSER 0:0',
      'FROM alpine:3.13\nUSER root\nFROM alpine:3.14\nCOPY blah.zip /',
    ],
    good: [
      'FROM scratch\nUSER foo',
      'FROM debian:12\nUSER root\nRUN apt-get update\nUSER 1000:1000',
      'FROM debian:12 AS build\nUSER root\nFROM debian:12\nUSER app',
      'FROM debian:12 AS base\nUSER app\nFROM base\nRUN echo hi',
      'FROM debian:12\nUSER ${APP_USER}',
      'FROM alpine:3.13\nUSER root\nUSER user1',
      'FROM alpine:3.13\nUSER root\nFROM alpine:3.14\nUSER user1',
    ],
  },
  {
    id: 'BW-BUILD-005',
    bad: ['FROM debian:12\nCMD ["x"]', 'FROM debian:12 AS a\nHEALTHCHECK CMD true\nFROM debian:12'],
    good: ['FROM debian:12\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1', 'FROM debian:12 AS a\nHEALTHCHECK CMD true\nFROM a', 'FROM debian:12\nHEALTHCHECK NONE'],
  },
  {
    id: 'BW-BUILD-006',
    bad: ['FROM debian:12\nHEALTHCHECK CMD /bin/bla\nHEALTHCHECK CMD /bin/bla2'],
    good: ['FROM debian:12\nHEALTHCHECK CMD /bin/bla', 'FROM debian:12\nHEALTHCHECK CMD /bin/a\nFROM debian:12\nHEALTHCHECK CMD /bin/b'],
  },
  {
    id: 'BW-BUILD-020',
    bad: ['FROM debian:12\nCMD bash\nRUN foo\nCMD another'],
    good: ['FROM debian:12\nCMD bash', 'FROM debian:12\nCMD bash\nFROM debian:12\nCMD bash'],
  },
  {
    id: 'BW-BUILD-021',
    bad: ['FROM debian:12\nENTRYPOINT bash\nRUN foo\nENTRYPOINT another'],
    good: ['FROM debian:12\nENTRYPOINT ["bash"]', 'FROM debian:12\nENTRYPOINT bash\nFROM debian:12\nENTRYPOINT bash'],
  },
  {
    id: 'BW-BUILD-060',
    bad: ['FROM debian:12\nCMD echo hi', 'FROM debian:12\nENTRYPOINT /bin/app --flag'],
    good: ['FROM debian:12\nCMD ["echo", "hi"]', 'FROM debian:12\nENTRYPOINT ["/bin/app"]'],
  },
  {
    id: 'BW-BUILD-007',
    bad: ['FROM debian:12\nEXPOSE 22', 'FROM debian:12\nEXPOSE 80 22/tcp', 'FROM debian:12\nEXPOSE 20-25'],
    good: ['FROM debian:12\nEXPOSE 80', 'FROM debian:12\nEXPOSE 2222', 'FROM debian:12\nEXPOSE 220'],
  },
  {
    id: 'BW-BUILD-008',
    bad: ['FROM debian:12\nEXPOSE 80000', 'FROM debian:12\nEXPOSE 65530-65536/udp'],
    good: ['FROM debian:12\nEXPOSE 65535', 'FROM debian:12\nEXPOSE 80 443/tcp', 'FROM debian:12\nEXPOSE $PORT'],
  },
  {
    id: 'BW-BUILD-009',
    bad: ['FROM debian:12\nWORKDIR relative/dir', 'FROM debian:12\nWORKDIR app'],
    good: ['FROM debian:12\nWORKDIR /usr/local', 'FROM debian:12\nWORKDIR $HOME', 'FROM debian:12\nWORKDIR "/quoted"', 'FROM mcr.microsoft.com/windows:1\nWORKDIR C:\\\\app', 'FROM debian:12\nARG D=/srv\nWORKDIR ${D}/app'],
  },
  {
    id: 'BW-BUILD-010',
    bad: ['FROM debian:12\nWORKDIR /proc/self/fd/1', 'FROM debian:12\nWORKDIR /dev', 'FROM debian:12\nWORKDIR /boot/'],
    good: ['FROM debian:12\nWORKDIR /app', 'FROM debian:12\nWORKDIR /devtools'],
  },
];
