import type { RuleCase } from '../helpers.js';

// hadolint DL3005/DL3008/DL3009/DL3014/DL3015/DL3027 specs; trivy-checks apt_get_* / run_apt_get_dist_upgrade / update_instruction_alone tests
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-024',
    bad: [
      'FROM debian:12\nRUN apt-get install python',
      'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends python=2.7',
      'FROM debian:12\nRUN sudo apt-get install python',
      'FROM node:12\nRUN ["apt-get", "install", "apt-utils"]',
    ],
    good: [
      'FROM debian:12\nRUN apt-get install -y python',
      'FROM debian:12\nRUN apt-get install -yq python',
      'FROM debian:12\nRUN apt-get install --yes python',
      'FROM debian:12\nRUN apt-get -qq install python',
      'FROM debian:12\nRUN apt-get install --assume-yes python',
      'FROM debian:12\nRUN apt-get -y install python',
      'FROM debian:12\nRUN ["apt-get", "install", "-y", "python"]',
      // trivy-checks apt_get_missing_yes_flag_to_avoid_manual_input_test.rego
      'FROM node:12\nRUN apt-get -fmy install apt-utils',
      'FROM node:12\nRUN apt-get install -fmy apt-utils',
      'FROM node:12\nRUN ["apt-get", "--yes", "-q", "install", "apt-utils"]',
      'FROM debian:11-slim\nRUN apt-get update && apt-get install tzdata postgresql-10 -y && rm -rf /var/lib/apt/lists/*',
    ],
  },
  {
    id: 'BW-BUILD-025',
    bad: ['FROM debian:12\nRUN apt-get install -y python', 'FROM debian:12\nRUN apt-get update && apt-get -y install curl'],
    good: [
      'FROM debian:12\nRUN apt-get install -y --no-install-recommends python',
      'FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y python',
      'FROM debian:12\nRUN apt-get update',
    ],
  },
  {
    id: 'BW-BUILD-026',
    bad: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y python',
      'FROM debian:12\nRUN apt-get install -y curl && apt-get clean',
      'FROM ubuntu:22.04 AS foo\nRUN apt-get update && apt-get install python\nFROM foo\nRUN hey',
      'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install python',
      'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install python',
    ],
    good: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y python && rm -rf /var/lib/apt/lists/*',
      'FROM debian:12\nRUN apt-get update && apt-get install -y python \\\n && rm -rf /var/lib/apt/lists/*',
      'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y python',
      'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt \\\n    --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install python',
      'FROM ubuntu:22.04 AS foo\nRUN apt-get update && apt-get install python\nFROM scratch\nRUN hey',
      // only stages shipped in the final image count
      'FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\nCOPY --from=build /a /a',
    ],
  },
  {
    id: 'BW-BUILD-027',
    bad: ['FROM debian:12\nRUN apt-get install -y python', 'FROM debian:12\nRUN apt-get install -y python=2.7 ruby', 'FROM debian:12\nONBUILD RUN apt-get update && apt-get install python'],
    good: [
      'FROM debian:12\nRUN apt-get install -y python=2.7',
      'FROM debian:12\nRUN apt-get -y --no-install-recommends install nodejs=0.10',
      'FROM debian:12\nRUN apt-get install -y ./local.deb',
      'FROM debian:12\nRUN apt-get install -y foo=1.2 && apt-get install -y bar=3.4',
      'FROM debian:12\nRUN apt-get update',
      'FROM debian:12\nRUN apt-get update \\\n && apt-get -yqq --no-install-recommends install nodejs=0.10 \\\n && rm -rf /var/lib/apt/lists/*',
      'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y \\\npython-demjson=2.2.2* \\\nwget=1.16.1* \\\ngit=1:2.5.0* \\\nruby=1:2.1.*',
      'FROM debian:12\nRUN set -e &&\\\n echo "deb http://http.debian.net/debian jessie-backports main" > /etc/apt/sources.list.d/jessie-backports.list &&\\\n apt-get update &&\\\n apt-get install -y --no-install-recommends -t jessie-backports openjdk-8-jdk=8u131-b11-1~bpo8+1 &&\\\n rm -rf /var/lib/apt/lists/*',
    ],
  },
  {
    id: 'BW-BUILD-028',
    bad: ['FROM debian:12\nRUN apt-get dist-upgrade', 'FROM debian:12\nRUN apt-get update && apt-get upgrade -y', 'FROM alpine:3.20\nRUN apk upgrade', 'FROM centos:7\nRUN yum update -y', 'FROM opensuse/leap:15\nRUN zypper dist-upgrade'],
    good: ['FROM debian:12\nRUN apt-get install -y python=2.7', 'FROM centos:7\nRUN yum update -y openssl-1.0.2k'],
  },
  {
    id: 'BW-BUILD-029',
    bad: ['FROM debian:12\nRUN apt install python', 'FROM debian:12\nRUN apt update'],
    good: ['FROM debian:12\nRUN apt-get install -y python=2.7', 'FROM debian:12\nRUN apt-cache search python'],
  },
  {
    id: 'BW-BUILD-022',
    // trivy-checks update_instruction_alone_test.rego
    bad: [
      'FROM debian:12\nRUN apt-get update',
      'FROM alpine:3.20\nRUN apk update\nRUN apk add --no-cache curl',
      'FROM ubuntu:18.04\nRUN ["apt-get", "update"]',
      'FROM ubuntu:18.04\nRUN apt-get update && adduser mike',
      'FROM centos:8\nRUN dnf update -y',
      'FROM opensuse/tumbleweed:1\nRUN zypper up -y',
      'FROM centos:7\nRUN yum update -y',
    ],
    good: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl',
      'FROM alpine:3.20\nRUN apk update && apk add curl',
      'FROM debian:12\nRUN apt-get update && apt-get dist-upgrade -y',
      'FROM ubuntu:18.04\nRUN apt-get update -y ; apt-get install -y curl',
      'FROM ubuntu:18.04\nRUN test && apt-get update && apt upgrade --yes',
      'FROM alpine:3.20\nRUN apk --update add easy-rsa',
      'FROM ubuntu:18.04\nRUN /bin/sh /scripts/someScript.sh update',
      'FROM maven:3\nRUN sbt update',
      'FROM centos:8\nRUN dnf update && dnf install -y dnf-plugins-core',
      'FROM opensuse/tumbleweed:1\nRUN zypper up -y  && zypper install -y curl wget zip unzip tar git',
    ],
  },
  {
    id: 'BW-BUILD-072',
    bad: ['FROM debian:12\nRUN apt-get update && apt-get install -y curl'],
    good: [
      'FROM debian:12\nRUN apt-get update && apt-get install -y curl && find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true',
      'FROM debian:12\nRUN apt-get install -y passwd\nRUN chmod u-s /usr/bin/passwd',
      'FROM debian:12\nRUN echo no packages',
    ],
  },
];
