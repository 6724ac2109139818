import type { Finding } from '../../../core/finding.js';
import { defineRule, type RuleMeta } from '../../../core/rule.js';
import { historyLayerPositions, layerMakingEntries } from '../attribution.js';
import type { ImageCheckContext } from '../context.js';

const meta: RuleMeta = {
  id: 'BW-IMAGE-008',
  title: 'ADD of a remote URL in image history',
  severity: 'medium',
  stage: 'image',
  rationale: 'ADD <url> downloads at build time without checksum verification (unless --checksum is used): the image holds whatever the server returned that day.',
  remediation: 'Download with a verified checksum (`ADD --checksum=sha256:... URL`, or `RUN curl ... && sha256sum -c`), or COPY a vendored file.',
  references: ['CIS-4.9', 'CIS-DI-0009'],
  tags: ['config'],
};

const ADD_URL = /(?:^|#\(nop\)\s*)ADD\s+(?:--[a-z-]+(?:=\S+)?\s+)*(https?:\/\/\S+)/i;

function check(ctx: ImageCheckContext): Finding[] {
  const cfg = ctx.scan.image.config;
  const pos = historyLayerPositions(cfg, ctx.scan.image.layers.length);
  const made = layerMakingEntries(cfg, ctx.scan.image.layers.length);
  const out: Finding[] = [];
  (cfg.history ?? []).forEach((h, i) => {
    const m = ADD_URL.exec(h.created_by ?? '');
    if (!m || /--checksum=/.test(h.created_by ?? '')) return;
    const url = m[1].replace(/[?#].*$/, '');
    out.push(ctx.finding(meta, { field: `history[${i}].created_by`, layerIndex: made[i] ? pos[i] : undefined, historyIndex: i, key: url, message: `history entry ${i} adds ${url} from the network without a checksum`, evidence: { url } }));
  });
  return out;
}

export default defineRule<ImageCheckContext>(meta, check);
