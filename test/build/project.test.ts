import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDockerfileName, walkProject } from '../../src/analyzers/project.js';

describe('Dockerfile names', () => {
  it('matches Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, *.containerfile (any case)', () => {
    for (const n of ['Dockerfile', 'dockerfile', 'a/b/Dockerfile', 'api.Dockerfile', 'Dockerfile.prod', 'Containerfile', 'web.containerfile', 'Containerfile.dev']) assert.ok(isDockerfileName(n), n);
  });
  it('does not match ignore files or look-alikes', () => {
    for (const n of ['Dockerfile.dockerignore', '.dockerignore', 'Dockerfiles/readme.md', 'notes.md', 'MyDockerfileNotes', 'docker-compose.yml']) assert.ok(!isDockerfileName(n), n);
  });
});

describe('project walk', () => {
  it('honours .gitignore negations and nested files, skips .git/node_modules and symlinks', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bulwark-walk-'));
    try {
      const files = ['keep/Dockerfile', 'logs/Dockerfile', 'logs/important/Dockerfile', '.git/Dockerfile', 'node_modules/x/Dockerfile', 'sub/a.Dockerfile', 'sub/tmp.Dockerfile'];
      for (const f of files) {
        mkdirSync(join(root, f, '..'), { recursive: true });
        writeFileSync(join(root, f), 'FROM scratch\n');
      }
      writeFileSync(join(root, '.gitignore'), 'logs/*\n!logs/important/\n');
      writeFileSync(join(root, 'sub', '.gitignore'), 'tmp.*\n');
      symlinkSync(join(root, 'keep'), join(root, 'link'));
      const warnings: string[] = [];
      const got = (await walkProject(root, warnings)).filter(isDockerfileName).sort();
      assert.deepEqual(got, ['keep/Dockerfile', 'logs/important/Dockerfile', 'sub/a.Dockerfile']);
      assert.deepEqual(warnings, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
