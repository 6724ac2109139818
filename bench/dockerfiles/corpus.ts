/** Deterministic generator of varied Dockerfiles for bench/dockerfiles.ts. */
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

export function dockerfile(i: number): string {
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

