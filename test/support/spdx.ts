/**
 * SPDX validation against the official schemas (test/fixtures/sbom/README.md): the 2.3 schema strictly; the
 * 2.3.1 revision with its one respelled enum value (OPERATING_SYSTEM in 2.3, OPERATING-SYSTEM in 2.3.1) allowed.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';

const schema = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/sbom/${name}`, import.meta.url), 'utf8'));

const v23 = new Ajv({ strict: false, allErrors: true }).compile(schema('spdx-2.3-schema.json'));
const v231 = new Ajv2019({ strict: false, allErrors: true }).compile(schema('spdx-2.3.1-schema.json'));

export interface SpdxErrors {
  /** errors of the official SPDX 2.3 schema */
  v23: unknown[];
  /** errors of the 2.3.1 schema other than the documented OPERATING_SYSTEM spelling */
  v231: unknown[];
}

export function spdxErrors(doc: unknown): SpdxErrors {
  const out: SpdxErrors = { v23: [], v231: [] };
  if (!v23(doc)) out.v23 = [...(v23.errors ?? [])];
  if (!v231(doc)) {
    out.v231 = (v231.errors ?? []).filter((e) => {
      if (e.keyword !== 'enum' || !/^\/packages\/\d+\/primaryPackagePurpose$/.test(e.instancePath)) return true;
      const i = Number(e.instancePath.split('/')[2]);
      return (doc as { packages: Array<{ primaryPackagePurpose?: string }> }).packages[i]?.primaryPackagePurpose !== 'OPERATING_SYSTEM';
    });
  }
  return out;
}

/** True when the document passes the 2.3 schema and the 2.3.1 one (but for the documented spelling). */
export function spdxValid(doc: unknown): boolean {
  const e = spdxErrors(doc);
  return e.v23.length === 0 && e.v231.length === 0;
}
