import type { RuleCase } from '../helpers.js';

// hadolint DL3048..DL3058 specs (label schema given through settings like hadolint's config)
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-055',
    bad: ['FROM debian:12\nLABEL com.docker.foo="bar"', 'FROM debian:12\nLABEL Foo=bar', 'FROM debian:12\nLABEL foo..bar=1', 'FROM debian:12\nLABEL -foo=1'],
    good: ['FROM debian:12\nLABEL org.opencontainers.image.source="https://x"', 'FROM debian:12\nLABEL foo=bar baz-qux=1'],
  },
  {
    id: 'BW-BUILD-056',
    settings: { labelSchema: { maintainer: 'text', 'org.opencontainers.image.source': 'url' } },
    bad: ['FROM debian:12\nLABEL maintainer="x"', 'FROM debian:12'],
    good: ['FROM debian:12\nLABEL maintainer="x" org.opencontainers.image.source="https://github.com/x/y"'],
  },
  {
    id: 'BW-BUILD-057',
    settings: { labelSchema: { maintainer: 'text' }, strictLabels: true },
    bad: ['FROM debian:12\nLABEL maintainer="x" other=1'],
    good: ['FROM debian:12\nLABEL maintainer="x"'],
  },
  {
    id: 'BW-BUILD-058',
    settings: { labelSchema: { maintainer: 'text' } },
    bad: ['FROM debian:12\nLABEL maintainer=""'],
    good: ['FROM debian:12\nLABEL maintainer="x"', 'FROM debian:12\nLABEL other=""'],
  },
  {
    id: 'BW-BUILD-059',
    settings: { labelSchema: { url: 'url', created: 'rfc3339', license: 'spdx', rev: 'hash', version: 'semver', email: 'email' } },
    bad: [
      'FROM debian:12\nLABEL url="not a url"',
      'FROM debian:12\nLABEL created="2021-13-01"',
      'FROM debian:12\nLABEL license="MIT or what"',
      'FROM debian:12\nLABEL rev="not-a-hash"',
      'FROM debian:12\nLABEL version="1.0"',
      'FROM debian:12\nLABEL email="foo"',
    ],
    good: [
      'FROM debian:12\nLABEL url="https://example.com/x"',
      'FROM debian:12\nLABEL created="2021-06-01T12:00:00Z"',
      'FROM debian:12\nLABEL license="Apache-2.0 OR MIT"',
      'FROM debian:12\nLABEL rev="2c4ab8b"',
      'FROM debian:12\nLABEL version="1.2.3-rc.1"',
      'FROM debian:12\nLABEL email="foo@example.com"',
    ],
  },
];
