/**
 * Examples for what the conformance run against hadolint's and trivy-checks' suites found missing or
 * wrong (fragments without FROM, package-manager spellings, environment prefixes, options that take a
 * value, variable base images, the history form of ADD, secret-named variables, false positives).
 */
import type { RuleCase } from '../helpers.js';

export const cases: RuleCase[] = [
  // a fragment without FROM is still linted
  { id: 'BW-BUILD-027', bad: ['RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'], good: ['RUN apt-get install -y --no-install-recommends curl=7.88.1-10'] },
  { id: 'BW-BUILD-000', bad: ['RUN echo fragment', 'USER app\nRUN id'], good: ['FROM debian:12\nRUN echo ok'] },
  // spellings, aliases and sub-commands
  { id: 'BW-BUILD-044', bad: ['FROM fedora:40\nRUN dnf in -y mariadb-10.4', 'FROM fedora:40\nRUN dnf -y up', 'FROM fedora:40\nRUN dnf clean all && dnf install -y nginx-1.24', 'FROM fedora:40\nRUN dnf install -y nginx-1.24 && microdnf clean all'], good: ['FROM fedora:40\nRUN dnf in -y mariadb-10.4 && dnf clean all', 'FROM fedora:40\nRUN dnf install -y x-1 && rm -rf /var/cache/libdnf5'] },
  { id: 'BW-BUILD-043', bad: ['FROM ubi9-minimal\nRUN microdnf install httpd-2.4.24 && microdnf clean all'], good: ['FROM ubi9-minimal\nRUN microdnf install -y httpd-2.4.24 && microdnf clean all'] },
  { id: 'BW-BUILD-035', bad: ['FROM ruby:3.3\nRUN gem i bundler', 'FROM ruby:3.3\nRUN gem install rails -- --use-system-libraries'], good: ['FROM ruby:3.3\nRUN gem install bundler:2.0.1 -- --use-system-libraries=true', 'FROM ruby:3.3\nRUN gem install bundler:2.0.1 --use-system-libraries true'] },
  { id: 'BW-BUILD-036', bad: ['FROM golang:1.22\nRUN go get example.com/pkg', 'FROM golang:1.22\nRUN go run example.com/pkg@latest arg'], good: ['FROM golang:1.22\nRUN go run example.com/pkg@v1.2.3 arg', 'FROM golang:1.22\nRUN go run ./cmd/tool'] },
  { id: 'BW-BUILD-032', bad: ['FROM python:3.12\nRUN pipx install black', 'FROM python:3.12\nRUN python3 -m pip install --no-cache-dir flask'], good: ['FROM python:3.12\nRUN pip install --no-cache-dir --root-user-action ignore poetry==1.8.5', 'FROM python:3.12\nRUN pip install --no-cache-dir foo/bar'] },
  { id: 'BW-BUILD-045', bad: ['FROM fedora:40\nRUN dnf module install -y tomcat && dnf clean all', 'FROM fedora:40 AS a\nENV v=1.0\nFROM fedora:40\nRUN dnf install -y git-${v} && dnf clean all'], good: ['FROM fedora:40\nRUN dnf module install -y tomcat:9 && dnf clean all', 'FROM fedora:40\nARG v=1.0\nRUN dnf install -y git-${v} && dnf clean all'] },
  // environment prefixes that change behaviour
  { id: 'BW-BUILD-033', bad: ['FROM python:3.12\nRUN PIP_NO_CACHE_DIR=0 pip install flask==3.0.3'], good: ['FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.3', 'FROM python:3.12\nRUN export PIP_NO_CACHE_DIR=on && pip install flask==3.0.3', 'FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install six==1.16.0'] },
  // quiet level 2 implies -y
  { id: 'BW-BUILD-024', bad: ['FROM debian:12\nRUN apt-get install -q python'], good: ['FROM debian:12\nRUN apt-get install -q -q python', 'FROM debian:12\nRUN apt-get install --quiet --quiet python'] },
  // variable base images
  { id: 'BW-BUILD-002', bad: ['ARG IMAGE=alpine\nFROM $IMAGE', 'ARG TAG\nFROM alpine$TAG', 'ARG REGISTRY\nFROM ${REGISTRY}/ubuntu'], good: ['ARG TAG\nFROM foo:${TAG}', 'ARG BASE_IMAGE\nFROM $BASE_IMAGE', 'ARG IMAGE=alpine:3.20\nFROM $IMAGE'] },
  { id: 'BW-BUILD-001', bad: ['ARG TAG="latest"\nFROM foo:${TAG}', 'ARG REPO=repo\nARG IMAGE=image\nFROM $REPO/$IMAGE:latest'], good: ['ARG TAG=1.2\nFROM foo:${TAG}'] },
  // the form `docker history` shows is not a local ADD to turn into COPY
  { id: 'BW-BUILD-014', bad: ['FROM alpine:3.20\nADD "app.jar" /app/'], good: ['FROM alpine:3.20\nADD file:8b8864b3e02a33a579dc216fd51b28a6047bc8eeaa03045b258980fe0cf7fcb3 in /', 'FROM alpine:3.20\nADD "file.tgz" /usr/src/app/'] },
  { id: 'BW-BUILD-018', bad: ['FROM alpine:3.20\nCOPY foo bar "baz"'], good: ['FROM alpine:3.20\nCOPY foo bar "baz/"', 'FROM alpine:3.20\nCOPY multi:8b8864b3e02a33a579dc216fd51b28a6047bc8eeaa03045b258980fe0cf7fcb3 in myfile'] },
  // secret-named ENV and ARG keys with literal values, as Trivy's DS031 checks them
  { id: 'BW-BUILD-067', bad: ['FROM busybox\nENV MY_SECRET=test', 'FROM busybox\nENV GITHUB_TOKEN test', 'FROM busybox\nENV FOO=test GITHUB_TOKEN=test', 'FROM busybox\nARG ARTIFACTORY_PSW', 'FROM busybox\nCOPY . .\nENV GOOGLE_APPLICATION_CREDENTIALS="./news-extraction.json"'], good: ['FROM busybox\nENV GOOGLE_APPLICATION_CREDENTIALS=/credentials/google-storage-service.json', 'FROM busybox\nCOPY /src /src\nENV GOOGLE_APPLICATION_CREDENTIALS=./app/google-storage-service.json', 'FROM busybox\nENV PUBLIC_KEY=test'] },
  // false positives the upstream suites pass
  { id: 'BW-BUILD-048', bad: ['FROM debian:12\nRUN foo\nRUN bar'], good: ['FROM debian:12\nRUN foo && bar\nRUN foobar', 'FROM debian:12\nRUN foobar\nRUN foo; bar'] },
  { id: 'BW-BUILD-028', bad: ['FROM debian:12\nRUN apt-get update && apt-get dist-upgrade -y'], good: ['FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10'] },
  { id: 'BW-BUILD-064', bad: ['FROM debian:12\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN wget -O - https://some.site | wc -l > /number'], good: ['FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -O - https://some.site | wc -l > /number'] },
  { id: 'BW-BUILD-056', settings: { labelSchema: { foo: 'text' } }, bad: ['FROM baseimage as base\nFROM anotherimage\nLABEL foo="bar"'], good: ['FROM baseimage as base\nFROM anotherimage\nLABEL foo="bar"\nCOPY --from=base /bar /baz'] },
  { id: 'BW-BUILD-061', settings: { allowedRegistries: ['trusted.com'] }, bad: ['FROM trusted.com/a:1\nCOPY --from=untrusted.com/repo/image:tag /foo /bar', 'FROM trusted.com/a:1\nRUN --mount=type=cache,from=untrusted.com/repo/image:tag,target=/foo foobar'], good: ['FROM trusted.com/a:1 AS b\nFROM trusted.com/a:1\nCOPY --from=b /foo /bar'] },
  { id: 'BW-BUILD-004', bad: ['FROM alpine:3.13\nUSER'], good: ['FROM alpine:3.13\nUSER app'] },
];
