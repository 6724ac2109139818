import type { RuleCase } from '../helpers.js';

// hadolint DL3018/DL3019 specs; trivy-checks missing_apk_no_cache_test.rego
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-030',
    bad: ['FROM alpine:3.20\nRUN apk add flex=2.6.4-r1', 'FROM alpine:3.20\nRUN apk update && apk add curl'],
    good: [
      'FROM alpine:3.20\nRUN apk add --no-cache flex=2.6.4-r1',
      'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add flex=2.6.4-r1',
      'FROM alpine:3.20\nRUN apk add flex=2.6.4-r1 && rm -rf /var/cache/apk/*',
      'FROM alpine:3.20\nRUN apk --no-cache add curl',
    ],
  },
  {
    id: 'BW-BUILD-031',
    bad: ['FROM alpine:3.20\nRUN apk add --no-cache flex', 'FROM alpine:3.20\nRUN apk add --no-cache --virtual .deps gcc=13.2.1-r0 musl-dev'],
    good: [
      'FROM alpine:3.20\nRUN apk add --no-cache flex=2.6.4-r1',
      'FROM alpine:3.20\nRUN apk add --no-cache flex~2.6',
      'FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps flex=2.6.4-r1 bison=3.0.4-r0',
      'FROM alpine:3.20\nRUN apk add --no-cache ./pkg.apk',
      'FROM alpine:3.20\nRUN apk add --no-cache -X https://dl-cdn.alpinelinux.org/alpine/edge/testing foo=1.0-r0',
    ],
  },
];
