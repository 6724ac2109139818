import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-015',
  title: 'SSH keys or authorized_keys left in image',
  severity: 'high',
  stage: 'image',
  rationale:
    'Private SSH keys (user keys in ~/.ssh, or host keys generated at package install and so shared by every container ' +
    'of the image) and authorized_keys files (a standing login grant) do not belong in an image.',
  remediation: 'Do not COPY ~/.ssh into the build context; use `RUN --mount=type=ssh` for build-time access, generate host keys at container start, and remove leftovers in the same layer that created them.',
  references: ['DKL-LI-0003'],
  tags: ['files', 'secret'],
};

const USER_KEY = /(?:^|\/)\.ssh\/(?:id_(?:rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk|xmss)|identity)$/;
const AUTH_KEYS = /(?:^|\/)\.ssh\/authorized_keys2?$/;
const HOST_KEY = /^etc\/ssh\/ssh_host_[a-z0-9]+_key$/;

function check(ctx: ImageCheckContext): Finding[] {
  const out: Finding[] = [];
  const consider = (path: string, layerIndex: number, size: number, hiddenBy?: number) => {
    // every pattern needs '.ssh/' in the path or the etc/ssh/ prefix: most paths skip the three regexes
    if (!path.includes('.ssh/') && !path.startsWith('etc/ssh/')) return;
    let what: string | undefined;
    let severity: 'high' | 'medium' | undefined;
    if (USER_KEY.test(path)) [what, severity] = ['private SSH key', 'high'];
    else if (HOST_KEY.test(path)) [what, severity] = ['SSH host private key (shared by every container of this image)', 'high'];
    else if (AUTH_KEYS.test(path)) [what, severity] = ['authorized_keys file', 'medium'];
    if (!what || size === 0) return;
    const state = hiddenBy === undefined ? `layer ${layerIndex}` : `deleted in layer ${hiddenBy} but still extractable from layer ${layerIndex}`;
    out.push(ctx.finding(meta, { layerIndex, path, key: `${path}|${hiddenBy === undefined ? 'final' : 'hidden'}`, severity, message: `${what} /${path} (${state})`, evidence: { size, hiddenBy } }));
  };
  const { paths, files } = ctx.finalEntries();
  for (let k = 0; k < paths.length; k++) {
    const f = files[k]!;
    if (f.meta.type === 'file' || f.meta.type === 'hardlink') consider(paths[k]!, f.layerIndex, f.meta.size);
  }
  for (const h of ctx.scan.hidden) if (h.how !== 'overwritten' && h.meta.type === 'file') consider(h.meta.path, h.layerIndex, h.meta.size, h.hiddenBy);
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
