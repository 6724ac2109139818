/**
 * Lints a generated corpus of Dockerfiles through the same code path as `bulwark scan` and prints
 * Dockerfiles/second and peak RSS.  Usage: npx tsx bench/dockerfiles.ts [count=2000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanProject } from '../src/analyzers/project.js';

const COUNT = Number(process.argv[2] ?? 2000);

/** a small deterministic PRNG so every run lints the same corpus */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const BASES = ['debian:12', 'debian:latest', 'ubuntu', 'ubuntu:22.04', 'alpine:3.20', 'alpine', 'node:20-alpine', 'python:3.12-slim', 'golang:1.22', 'centos:7', 'fedora:40', 'opensuse/leap:15.5', 'registry.example.com:5000/team/base:1.2', 'redhat/ubi9-minimal:9.4', 'scratch'];
const INSTALL: Record<string, (p: () => number) => string> = {
  apt: (p) => `RUN apt-get update && apt-get install ${p() < 0.5 ? '-y ' : ''}${p() < 0.5 ? '--no-install-recommends ' : ''}curl${p() < 0.5 ? '=7.88.1-10' : ''} \\\n    ca-certificates git${p() < 0.4 ? ' \\\n    && rm -rf /var/lib/apt/lists/*' : ''}`,
  apk: (p) => `RUN apk add ${p() < 0.5 ? '--no-cache ' : ''}curl${p() < 0.5 ? '=8.9.0-r0' : ''} git`,
  yum: (p) => `RUN yum install ${p() < 0.5 ? '-y ' : ''}httpd${p() < 0.5 ? '-2.4.6' : ''}${p() < 0.5 ? ' && yum clean all' : ''}`,
  dnf: (p) => `RUN dnf install -y ${p() < 0.5 ? '--nodocs ' : ''}nginx && dnf clean all`,
  zypper: (p) => `RUN zypper ${p() < 0.5 ? '-n ' : ''}install curl=8.0${p() < 0.5 ? ' && zypper clean' : ''}`,
  pip: (p) => `RUN pip install ${p() < 0.5 ? '--no-cache-dir ' : ''}flask${p() < 0.5 ? '==3.0.3' : ''} requests`,
  npm: (p) => `RUN npm install ${p() < 0.5 ? 'express@4.19.2' : 'express'} && npm cache clean --force`,
  go: (p) => `RUN go install golang.org/x/tools/gopls@${p() < 0.5 ? 'v0.15.3' : 'latest'}`,
  gem: (p) => `RUN gem install bundler${p() < 0.5 ? ':2.5.6' : ''}`,
};
const EXTRAS = [
  'RUN curl -fsSL https://get.example.com/install.sh | sh',
  'RUN wget -qO- https://example.com/x.tgz | tar xz -C /opt',
  'RUN chmod 777 /app',
  'RUN cd /app && make',
  'RUN sudo make install',
  'ENV API_TOKEN=Zx9Qp2Lm7Tr4Vb8Nc1Ks6Hd3Wf5Yj0Ga',
  'ENV DOCKER_CONTENT_TRUST=0',
  'ADD https://example.com/tool.tar.gz /opt/',
  'ADD app.conf /etc/app/',
  'MAINTAINER ops@example.com',
  'EXPOSE 22 8080',
  'WORKDIR app',
  'RUN useradd -u 1234567 app',
  'RUN <<EOF\nset -eux\napt-get update\napt-get install -y --no-install-recommends jq\nrm -rf /var/lib/apt/lists/*\nEOF',
  '# hadolint ignore=DL3008,DL3015\nRUN apt-get install -y vim',
  'LABEL org.opencontainers.image.source="https://github.com/x/y" version="1.0.0"',
  'HEALTHCHECK CMD curl -f http://localhost/ || exit 1',
  'CMD python app.py',
  'CMD ["node", "server.js"]',
  'COPY --from=build /out /app',
  'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
];

function dockerfile(i: number): string {
  const p = rng(i + 1);
  const pick = <T>(a: T[]): T => a[Math.floor(p() * a.length)]!;
  const lines: string[] = [];
  if (p() < 0.3) lines.push('# syntax=docker/dockerfile:1');
  if (p() < 0.3) lines.push('# hadolint global ignore=DL3059');
  const multi = p() < 0.4;
  if (p() < 0.3) lines.push('ARG VERSION=1.2.3');
  if (multi) {
    lines.push(`FROM ${pick(BASES.filter((b) => b !== 'scratch'))} AS build`, 'WORKDIR /src', 'COPY . .', INSTALL[pick(Object.keys(INSTALL))]!(p), 'RUN make build');
  }
  lines.push(`FROM ${pick(BASES)}${multi && p() < 0.3 ? ' AS final' : ''}`);
  const n = 3 + Math.floor(p() * 10);
  for (let k = 0; k < n; k++) lines.push(p() < 0.45 ? INSTALL[pick(Object.keys(INSTALL))]!(p) : pick(EXTRAS));
  if (!multi) lines.push(...lines.filter((l) => l.startsWith('COPY --from')).map(() => ''));
  if (p() < 0.6) lines.push(`USER ${p() < 0.2 ? 'root' : '10001'}`);
  return lines.filter((l) => !l.startsWith('COPY --from') || multi).join('\n') + '\n';
}

const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-dockerfiles-'));
try {
  const names = ['Dockerfile', 'api.Dockerfile', 'Dockerfile.prod', 'Containerfile', 'web.containerfile'];
  for (let i = 0; i < COUNT; i++) {
    const sub = join(dir, `svc${Math.floor(i / names.length)}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, names[i % names.length]!), dockerfile(i));
  }
  // warm-up (module load, JIT) on a copy of the first files, then the measured run
  await scanProject(join(dir, 'svc0'), {});
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const res = await scanProject(dir, {});
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const files = res.targets.length;
  if (files !== COUNT) throw new Error(`expected ${COUNT} Dockerfiles, scanned ${files}`);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`dockerfiles: ${files} files, ${res.findings.length} findings in ${secs.toFixed(2)} s`);
  console.log(`dockerfiles/second: ${(files / secs).toFixed(0)} (wall clock)`);
  console.log(`dockerfiles/CPU-second: ${(files / cpuSecs).toFixed(0)} (this process's user+system time: less sensitive to a loaded machine)`);
  console.log(`load average (1 min): ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs`);
  console.log(`peak RSS: ${rssMb.toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
