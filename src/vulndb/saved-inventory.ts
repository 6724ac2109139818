/**
 * A saved inventory (`db match --inventory/--sbom`, `why --inventory`, `bulwark image sbom:FILE`): Bulwark's
 * InventoryReport, the JSON report of `bulwark sbom -f json`, or a CycloneDX / SPDX JSON SBOM (see
 * inventory/sbom-document.ts). The matcher never sees an image, only such a report.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError, describeError } from '../core/errors.js';
import type { InventoryReport } from '../inventory/types.js';
import { inventoryFromDocument, type DocumentKind } from '../inventory/sbom-document.js';

/** A bigger document is refused before it is read (an SBOM of one image is a few MB). */
export const MAX_INVENTORY_BYTES = 512 * 1024 * 1024;

/** Read and parse a saved inventory or SBOM; InputError (exit 2) on anything unreadable. */
export function loadInventoryDocument(path: string): { inv: InventoryReport; kind: DocumentKind } {
  let text: string;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`inventory file not found: ${path}`);
    throw new InputError(`cannot read ${path}: ${describeError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`${path} is a directory (an inventory or SBOM file is expected)`);
    if (st.isFile() && st.size > MAX_INVENTORY_BYTES) throw new InputError(`${path}: ${st.size} bytes is more than the ${MAX_INVENTORY_BYTES} an inventory may have`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const b = Buffer.allocUnsafe(1 << 20);
      let n: number;
      try {
        n = readSync(fd, b, 0, b.length, null);
      } catch (e) {
        throw new InputError(`cannot read ${path}: ${describeError(e)}`);
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_INVENTORY_BYTES) throw new InputError(`${path}: more than the ${MAX_INVENTORY_BYTES} bytes an inventory may have`);
      chunks.push(b.subarray(0, n));
    }
    text = Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
  if (/^\s*</.test(text)) throw new InputError(`${path}: XML is not read; give a CycloneDX or SPDX document in JSON`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not a JSON inventory or SBOM (${(e as Error).message.slice(0, 200)})`);
  }
  return inventoryFromDocument(data, path);
}

/** A saved InventoryReport, `sbom -f json` report, or CycloneDX / SPDX JSON SBOM. */
export function loadInventory(path: string): InventoryReport {
  return loadInventoryDocument(path).inv;
}
