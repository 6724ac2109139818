import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeDockerfile } from '../../src/analyzers/build/analyze.js';
import { DEFAULT_SETTINGS } from '../../src/analyzers/build/context.js';
import { fixText } from '../../src/app/build.js';

const fix = (t: string) => fixText(t, 'Dockerfile', DEFAULT_SETTINGS);
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'build');

describe('--fix edits', () => {
  it('adds -y and --no-install-recommends to apt-get install and removes apt lists', () => {
    assert.equal(
      fix('FROM debian:12\nRUN apt-get update && apt-get install curl=1\n'),
      'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=1 \\\n    && rm -rf /var/lib/apt/lists/*\n',
    );
  });
  it('appends the apt lists removal after a trailing ; without &&, and not after a dangling operator', () => {
    assert.equal(
      fix('FROM debian:12\nRUN set -eux; apt-get update; apt-get install -y --no-install-recommends curl=1;\n'),
      'FROM debian:12\nRUN set -eux; apt-get update; apt-get install -y --no-install-recommends curl=1; \\\n    rm -rf /var/lib/apt/lists/*\n',
    );
    const dangling = 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=1 &&\n';
    assert.equal(fix(dangling), dangling);
    const comment = 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=1 # tools\n';
    assert.equal(fix(comment), comment);
  });
  it('appends the cache cleaning of yum, dnf, microdnf, zypper and yarn', () => {
    assert.equal(fix('FROM a:1\nRUN yum install -y x-1'), 'FROM a:1\nRUN yum install -y x-1 \\\n    && yum clean all');
    assert.equal(fix('FROM a:1\nRUN microdnf install -y --nodocs x-1'), 'FROM a:1\nRUN microdnf install -y --nodocs x-1 \\\n    && microdnf clean all');
    assert.equal(fix('FROM a:1\nRUN zypper install -y x=1'), 'FROM a:1\nRUN zypper install -y x=1 \\\n    && zypper clean');
    assert.equal(fix('FROM a:1\nRUN yarn install'), 'FROM a:1\nRUN yarn install \\\n    && yarn cache clean');
  });
  it('turns apt into apt-get for the sub-commands apt-get has, not for apt search', () => {
    const out = fix('FROM debian:12\nRUN apt update && apt install -y --no-install-recommends x=1 && rm -rf /var/lib/apt/lists/* && apt search y');
    assert.equal(out, 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends x=1 && rm -rf /var/lib/apt/lists/* && apt search y');
  });
  it('adds apk --no-cache, pip --no-cache-dir, yum/dnf/zypper -y', () => {
    assert.equal(fix('FROM a:1\nRUN apk add git=1'), 'FROM a:1\nRUN apk add --no-cache git=1');
    assert.equal(fix('FROM a:1\nRUN pip install x==1'), 'FROM a:1\nRUN pip install --no-cache-dir x==1');
    assert.equal(fix('FROM a:1\nRUN yum install x-1 && yum clean all'), 'FROM a:1\nRUN yum install -y x-1 && yum clean all');
    assert.equal(fix('FROM a:1\nRUN dnf install --nodocs x-1 && dnf clean all'), 'FROM a:1\nRUN dnf install -y --nodocs x-1 && dnf clean all');
    assert.equal(fix('FROM a:1\nRUN zypper in x=1 && zypper clean'), 'FROM a:1\nRUN zypper in -y x=1 && zypper clean');
  });
  it('turns MAINTAINER into LABEL and ADD of local files into COPY, but not ADD of URLs or archives', () => {
    assert.equal(fix('FROM a:1\nMAINTAINER Jane <j@x.org>\nADD a.txt /a\nADD x.tgz /x\nADD https://x/y /y'), 'FROM a:1\nLABEL maintainer="Jane <j@x.org>"\nADD a.txt /a\nADD x.tgz /x\nADD https://x/y /y'.replace('ADD a.txt', 'COPY a.txt'));
  });
  it('edits continuation lines in place and keeps CRLF line endings', () => {
    assert.equal(fix('FROM a:1\r\nRUN apk add \\\r\n  git=1\r\n'), 'FROM a:1\r\nRUN apk add --no-cache \\\r\n  git=1\r\n');
  });
  it('edits a command inside a heredoc', () => {
    assert.equal(fix('FROM a:1\nRUN <<EOF\napk add git=1\nEOF\n'), 'FROM a:1\nRUN <<EOF\napk add --no-cache git=1\nEOF\n');
  });
  it('fixes RUN inside ONBUILD', () => {
    assert.equal(fix('FROM a:1\nONBUILD RUN apk add git=1\n'), 'FROM a:1\nONBUILD RUN apk add --no-cache git=1\n');
  });
  it('does not touch exec-form RUN or suppressed findings', () => {
    const t = 'FROM a:1\nRUN ["apk", "add", "git=1"]\n# hadolint ignore=DL3019\nRUN apk add curl=1\n';
    assert.equal(fix(t), t);
  });
  it('is idempotent: a second pass changes nothing', () => {
    for (const name of ['fixable.Dockerfile', 'insecure.Dockerfile', 'clean.Dockerfile']) {
      const once = fix(readFileSync(join(FIXTURES, name), 'utf8'));
      assert.equal(fix(once), once, name);
      const left = analyzeDockerfile(once, 'D', DEFAULT_SETTINGS).findings.filter((f) => f.autoFixable && !f.suppressed);
      assert.deepEqual(left.map((f) => f.ruleId), [], name);
    }
  });
  it('findings carry autoFixable and a LineEdit covering the instruction', () => {
    const f = analyzeDockerfile('FROM a:1\nRUN apk add \\\n  git=1\n', 'D', DEFAULT_SETTINGS).findings.find((x) => x.ruleId === 'BW-BUILD-030')!;
    assert.equal(f.autoFixable, true);
    assert.deepEqual(f.remediation.fix!.edits, [{ file: 'D', startLine: 2, endLine: 3, replacement: 'RUN apk add --no-cache \\\n  git=1' }]);
    const pin = analyzeDockerfile('FROM a:1\nRUN apk add --no-cache git\n', 'D', DEFAULT_SETTINGS).findings.find((x) => x.ruleId === 'BW-BUILD-031')!;
    assert.equal(pin.autoFixable, false);
  });
});

describe('fingerprints and pragmas', () => {
  it('fingerprints survive line shifts and differ per occurrence', () => {
    const a = analyzeDockerfile('FROM a:1\nRUN apk add git=1\n', 'D', DEFAULT_SETTINGS).findings.find((f) => f.ruleId === 'BW-BUILD-030')!;
    const b = analyzeDockerfile('# moved\n\nFROM a:1\nLABEL x=y\nRUN apk add   git=1\n', 'D', DEFAULT_SETTINGS).findings.find((f) => f.ruleId === 'BW-BUILD-030')!;
    assert.equal(a.fingerprint, b.fingerprint);
    const two = analyzeDockerfile('FROM a:1\nRUN apk add git=1\nRUN apk add git=1\n', 'D', DEFAULT_SETTINGS).findings.filter((f) => f.ruleId === 'BW-BUILD-030');
    assert.equal(new Set(two.map((f) => f.fingerprint)).size, 2);
  });
  it('hadolint ignore pragmas suppress mapped rules on the next instruction only', () => {
    const fs = analyzeDockerfile('FROM a:1\n# hadolint ignore=DL3018,DL3019\nRUN apk add git\nRUN apk add curl\n', 'D', DEFAULT_SETTINGS).findings;
    const pins = fs.filter((f) => f.ruleId === 'BW-BUILD-031');
    assert.deepEqual(pins.map((f) => Boolean(f.suppressed)), [true, false]);
    assert.equal(pins[0]!.suppressed!.kind, 'pragma');
  });
  it('bulwark ignore pragmas take Bulwark IDs; global pragmas apply everywhere', () => {
    const fs = analyzeDockerfile('# bulwark global ignore=BW-BUILD-003\nFROM a:1\n# bulwark ignore=BW-BUILD-030\nRUN apk add git=1\n', 'D', DEFAULT_SETTINGS).findings;
    assert.ok(fs.filter((f) => f.ruleId === 'BW-BUILD-003' || f.ruleId === 'BW-BUILD-030').every((f) => f.suppressed));
    // a hadolint pragma cannot name a Bulwark-only rule
    const h = analyzeDockerfile('FROM a:1\n# hadolint ignore=BW-BUILD-030\nRUN apk add git=1\n', 'D', DEFAULT_SETTINGS).findings.find((f) => f.ruleId === 'BW-BUILD-030')!;
    assert.equal(h.suppressed, undefined);
  });
  it('secret values never appear in findings', () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB';
    const fs = analyzeDockerfile(`FROM a:1\nENV GITHUB_TOKEN=${secret}\n`, 'D', DEFAULT_SETTINGS).findings;
    assert.ok(fs.some((f) => f.ruleId === 'BW-BUILD-067'));
    assert.ok(!JSON.stringify(fs).includes(secret.slice(4)));
  });
});
