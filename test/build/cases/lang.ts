import type { RuleCase } from '../helpers.js';

// hadolint DL3013/DL3016/DL3028/DL3042/DL3060/DL3062 specs
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-032',
    bad: ['FROM python:3.12\nRUN pip install MySQL_python', 'FROM python:3.12\nRUN pip3 install --no-cache-dir flask requests==2.31.0', 'FROM python:3.12\nRUN python -m pip install django'],
    good: [
      'FROM python:3.12\nRUN pip install MySQL_python==1.2.2',
      'FROM python:3.12\nRUN pip install -r requirements.txt',
      'FROM python:3.12\nRUN pip install --requirement requirements.txt',
      'FROM python:3.12\nRUN pip install .',
      'FROM python:3.12\nRUN pip install "flask>=3.0,<4"',
      'FROM python:3.12\nRUN pip install git+https://github.com/x/y.git@v1.0',
      'FROM python:3.12\nRUN pip install -c constraints.txt flask',
      'FROM python:3.12\nRUN pip install ./dist/app-1.0-py3-none-any.whl',
    ],
  },
  {
    id: 'BW-BUILD-033',
    bad: ['FROM python:3.12\nRUN pip install MySQL_python==1.2.2', 'FROM python:3.12\nRUN pip3 install -r requirements.txt'],
    good: [
      'FROM python:3.12\nRUN pip install --no-cache-dir MySQL_python==1.2.2',
      'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install MySQL_python==1.2.2',
      'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0',
      'FROM python:3.12\nRUN pip download flask',
    ],
  },
  {
    id: 'BW-BUILD-034',
    bad: ['FROM node:20\nRUN npm install express', 'FROM node:20\nRUN npm i -g typescript', 'FROM node:20\nRUN yarn add lodash', 'FROM node:20\nRUN npm install express@latest'],
    good: [
      'FROM node:20\nRUN npm install express@4.19.2',
      'FROM node:20\nRUN npm install @scope/pkg@1.0.0',
      'FROM node:20\nRUN npm install',
      'FROM node:20\nRUN npm ci',
      'FROM node:20\nRUN npm install ./local-pkg',
      'FROM node:20\nRUN npm install git+https://github.com/x/y.git#v1.0.0',
      'FROM node:20\nRUN npm install --prefix /app',
    ],
  },
  {
    id: 'BW-BUILD-035',
    bad: ['FROM ruby:3.3\nRUN gem install bundler'],
    good: ['FROM ruby:3.3\nRUN gem install bundler:2.5.6', 'FROM ruby:3.3\nRUN gem install bundler -v 2.5.6', 'FROM ruby:3.3\nRUN gem install bundler --version 2.5.6'],
  },
  {
    id: 'BW-BUILD-036',
    bad: ['FROM golang:1.22\nRUN go install example.com/tool', 'FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest'],
    good: ['FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@v0.15.3', 'FROM golang:1.22\nRUN go install ./...', 'FROM golang:1.22\nRUN go build -o /app .'],
  },
  {
    id: 'BW-BUILD-047',
    bad: ['FROM node:20\nRUN yarn install', 'FROM node:20\nRUN yarn install --frozen-lockfile && yarn build'],
    good: [
      'FROM node:20\nRUN yarn install && yarn cache clean',
      'FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install',
      'FROM node:20 AS build\nRUN yarn install\nFROM node:20\nCOPY --from=build /app /app',
    ],
  },
];
