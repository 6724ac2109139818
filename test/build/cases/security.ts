import type { RuleCase } from '../helpers.js';

// Bulwark's own security rules; secrets also from trivy-checks leaked_secrets_test.rego
export const cases: RuleCase[] = [
  {
    id: 'BW-BUILD-067',
    bad: [
      'FROM debian:12\nENV GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
      'FROM debian:12\nENV DB_PASSWORD=hunter2hunter2',
      'FROM debian:12\nARG AWS_SECRET_ACCESS_KEY',
      'FROM debian:12\nENV CONFIG_BLOB=AKIAIOSFODNN7EXAMPLE',
      'FROM debian:12\nLABEL build.key="Zx9Qp2Lm7Tr4Vb8Nc1Ks6Hd3Wf5Yj0Ga"',
      'FROM debian:12\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN',
      'FROM debian:12\nENV DATABASE_URL=postgres://app:s3cr3tpw@db/app',
    ],
    good: [
      'FROM debian:12\nENV PASSWORD_FILE=/run/secrets/db',
      'FROM debian:12\nENV GITHUB_TOKEN_PATH=/run/secrets/gh',
      'FROM debian:12\nENV NODE_ENV=production PATH=/usr/local/bin:$PATH',
      'FROM debian:12\nARG API_KEY_HEADER=X-Api-Key',
      'FROM debian:12 AS build\nENV DB_PASSWORD=hunter2hunter2\nFROM debian:12\nCOPY --from=build /a /a',
      'FROM debian:12\nLABEL org.opencontainers.image.revision=' + '0123456789abcdef0123456789abcdef01234567',
    ],
  },
  {
    id: 'BW-BUILD-068',
    bad: [
      'FROM debian:12\nRUN aws configure set aws_access_key_id $(cat /x)',
      'FROM debian:12\nRUN gcloud auth activate-service-account --key-file=/k.json',
      'FROM debian:12\nCOPY creds.json $GOOGLE_APPLICATION_CREDENTIALS',
      'FROM debian:12\nRUN git clone https://deploy:hunter2pass@git.example.com/app.git /app',
      'FROM debian:12\nRUN echo "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB" > /root/.token',
    ],
    good: [
      'FROM debian:12\nRUN --mount=type=secret,id=aws aws configure set aws_access_key_id $(cat /run/secrets/aws)',
      'FROM debian:12\nRUN aws s3 ls',
      'FROM debian:12\nRUN git clone https://github.com/x/y.git /app',
      'FROM debian:12\nRUN echo "f6d419a6d8743ab26700801b4908d26d97e8b986e14f95de31b32de2b0e79554  x.tgz" | sha256sum -c -',
      'FROM debian:12\nRUN git clone https://${GIT_USER}:${GIT_TOKEN}@git.example.com/app.git /app',
    ],
  },
  {
    id: 'BW-BUILD-069',
    bad: [
      'FROM debian:12\nRUN curl -fsSL https://get.example.com | sh',
      'FROM debian:12\nRUN wget -qO- https://x/install.sh | bash -s -- -y',
      'FROM debian:12\nRUN curl -sSL https://x/install.py | python3 -',
      'FROM debian:12\nRUN sh -c "$(curl -fsSL https://x/install.sh)"',
      'FROM debian:12\nRUN bash <(curl -s https://x/i.sh)',
    ],
    good: ['FROM debian:12\nRUN curl -fsSL -o /tmp/i.sh https://x/i.sh && sha256sum -c i.sha && sh /tmp/i.sh', 'FROM debian:12\nRUN curl -s https://x/data.json | jq .'],
  },
  {
    id: 'BW-BUILD-070',
    bad: [
      'FROM debian:12\nRUN curl -fsSL -o /usr/local/bin/kubectl https://dl.k8s.io/kubectl && chmod +x /usr/local/bin/kubectl',
      'FROM debian:12\nRUN wget https://example.com/tool.tar.gz && tar xzf tool.tar.gz',
      'FROM debian:12\nRUN curl -LO https://example.com/pkg.deb && dpkg -i pkg.deb',
    ],
    good: [
      'FROM debian:12\nRUN curl -fsSL -o /usr/local/bin/kubectl https://dl.k8s.io/kubectl && echo "abc  /usr/local/bin/kubectl" | sha256sum -c - && chmod +x /usr/local/bin/kubectl',
      'FROM debian:12\nRUN curl -fsSL https://example.com/data.json',
      'FROM debian:12\nRUN wget https://example.com/tool.tar.gz && gpg --verify tool.tar.gz.asc tool.tar.gz && tar xzf tool.tar.gz',
    ],
  },
  {
    id: 'BW-BUILD-071',
    bad: ['FROM debian:12\nRUN chmod 777 /app', 'FROM debian:12\nRUN chmod -R 0666 /data', 'FROM debian:12\nRUN chmod o+w /etc/passwd', 'FROM debian:12\nCOPY --chmod=777 app /app'],
    good: ['FROM debian:12\nRUN chmod 755 /app', 'FROM debian:12\nRUN chmod 1777 /tmp', 'FROM debian:12\nRUN chmod u+x /app/run.sh', 'FROM debian:12\nRUN chmod -R g+w /data', 'FROM debian:12\nCOPY --chmod=755 app /app'],
  },
  {
    id: 'BW-BUILD-073',
    bad: ['FROM docker:27\nENV DOCKER_CONTENT_TRUST=0', 'FROM docker:27\nARG DOCKER_CONTENT_TRUST=false', 'FROM docker:27\nRUN DOCKER_CONTENT_TRUST=0 docker pull x'],
    good: ['FROM docker:27\nENV DOCKER_CONTENT_TRUST=1', 'FROM docker:27\nRUN docker pull x'],
  },
  {
    id: 'BW-BUILD-074',
    bad: [
      'FROM debian:12\nCOPY id_rsa /root/.ssh/id_rsa',
      'FROM debian:12\nCOPY .ssh /root/.ssh',
      'FROM debian:12\nCOPY home/.aws/credentials /root/.aws/credentials',
      'FROM node:20\nCOPY .npmrc package.json ./',
      'FROM python:3.12\nCOPY .pypirc /root/',
      'FROM debian:12\nADD .env /app/',
      'FROM debian:12\nCOPY .env.production /app/.env',
      'FROM nginx:1.27\nCOPY certs/server.key /etc/nginx/',
      'FROM nginx:1.27\nCOPY certs/privkey.pem /etc/nginx/',
      'FROM debian:12\nCOPY .git-credentials /root/',
      'FROM debian:12\nCOPY ["secrets/deploy.key", "/srv/"]',
    ],
    good: [
      'FROM debian:12\nCOPY id_rsa.pub /root/.ssh/authorized_keys',
      'FROM debian:12\nCOPY .env.example /app/.env.example',
      'FROM debian:12\nCOPY corp-ca.pem /usr/local/share/ca-certificates/corp-ca.crt',
      'FROM node:20\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci',
      'FROM debian:12 AS build\nCOPY id_rsa /root/.ssh/id_rsa\nRUN git clone git@host:x.git /src\nFROM debian:12\nCOPY --from=build /src /src',
      'FROM debian:12\nCOPY keyboard.conf /etc/',
    ],
  },
];
