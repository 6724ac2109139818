import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-040',
    title: 'Image sprawl: dangling or unused images accumulate',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Old and dangling images keep vulnerable packages on the host, can be started by mistake, and hide which images are really in use.',
    remediation: 'Remove dangling images (docker image prune) and images no container uses (docker image prune -a after review); rebuild from patched bases.',
    references: cisRefs('6.1'),
    cis: { section: '6', ids: ['6.1'] },
  },
  (ev) => {
    if (!ev.engine.images || !ev.engine.containers) return [notEvaluated('images', `image inventory needs the Engine API (${ev.engine.error ?? 'not queried'})`)];
    const images = ev.engine.images;
    const used = new Set(ev.engine.containers.map((c) => String(c.ImageID ?? '')));
    const dangling = images.filter((i) => {
      const tags = (i.RepoTags as string[] | null) ?? [];
      return tags.length === 0 || tags.every((t) => t === '<none>:<none>');
    });
    const unused = images.filter((i) => !used.has(String(i.Id)));
    const evidence = { images: images.length, inUse: images.length - unused.length, unused: unused.length, dangling: dangling.length };
    const text = `${images.length} images: ${evidence.inUse} used by containers, ${unused.length} unused, ${dangling.length} dangling (untagged)`;
    const loc = { kind: 'host' as const, setting: 'images', source: 'GET /images/json, /containers/json?all=1' };
    if (dangling.length) {
      return [{ status: 'warn', message: `${text}; dangling: ${dangling.slice(0, 10).map((i) => String(i.Id).replace(/^sha256:/, '').slice(0, 12)).join(', ')}${dangling.length > 10 ? ', ...' : ''}`, key: 'images', location: loc, evidence }];
    }
    return [{ status: 'info', message: text, key: 'images', location: loc, evidence }];
  },
);
