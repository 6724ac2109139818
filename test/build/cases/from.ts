import type { RuleCase } from '../helpers.js';

// examples from hadolint's DL3006/DL3007/DL3026/DL3029/DL3061 specs and trivy-checks' latest_tag / root_user tests
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-001',
    bad: ['FROM debian:latest', 'FROM debian:latest AS builder', 'ARG T=latest\nFROM node:${T}'],
    good: ['FROM debian:jessie', 'FROM debian:buster AS builder', 'FROM debian:latest@sha256:' + 'a'.repeat(64), 'FROM scratch'],
  },
  {
    id: 'BW-BUILD-002',
    bad: ['FROM debian', 'FROM registry.example.com:5000/team/app', 'FROM debian AS builder'],
    good: [
      'FROM debian:jessie',
      'FROM scratch',
      'FROM debian:jessie AS build\nFROM build',
      'FROM alpine:3.20 AS base\nFROM base AS final\nRUN true',
      'ARG IMAGE\nFROM ${IMAGE}',
      'FROM ubuntu@sha256:' + 'b'.repeat(64),
      'ARG TAG=3.20\nFROM alpine:$TAG',
    ],
  },
  {
    id: 'BW-BUILD-003',
    bad: ['FROM alpine:3.20', 'FROM ghcr.io/org/app:1.0'],
    good: ['FROM alpine:3.20@sha256:' + 'c'.repeat(64), 'FROM scratch', 'FROM alpine:3.20@sha256:' + 'c'.repeat(64) + ' AS a\nFROM a'],
  },
  {
    id: 'BW-BUILD-061',
    settings: { allowedRegistries: ['docker.io', '*.example.com'] },
    bad: ['FROM ghcr.io/org/app:1.0', 'FROM quay.io/x/y:1'],
    good: ['FROM debian:12', 'FROM registry.example.com/base:1', 'FROM scratch', 'FROM debian:12 AS a\nFROM a'],
  },
  {
    id: 'BW-BUILD-062',
    bad: ['FROM --platform=linux/amd64 debian:jessie'],
    good: ['FROM debian:jessie', 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'FROM --platform=${TARGETPLATFORM} debian:12'],
  },
  {
    id: 'BW-BUILD-049',
    bad: ['RUN echo hi\nFROM debian:12', 'LABEL a=b\nFROM debian:12'],
    good: ['ARG V=12\nFROM debian:$V', '# comment\nFROM debian:12', '# syntax=docker/dockerfile:1\nFROM debian:12'],
  },
  {
    id: 'BW-BUILD-019',
    bad: ['FROM node:20 AS foo\nRUN a\nFROM scratch AS foo\nRUN b', 'FROM node:20 AS Build\nFROM node:20 AS build'],
    good: ['FROM scratch AS foo\nRUN a\nFROM scratch AS bar\nRUN b'],
  },
];
