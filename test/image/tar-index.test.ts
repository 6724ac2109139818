import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexTarFile } from '../../src/sources/blobstore.js';

/** one ustar header block */
function header(name: string, size: number, flag: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(flag, 156, 'latin1');
  h.write('ustar\0' + '00', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}
const padded = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);

test('tar index: a run of thousands of extended headers is read with turns of the event loop, and the member after it is found', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-tarindex-'));
  try {
    const parts: Buffer[] = [];
    const record = 'path=x\n';
    const body = Buffer.from(`${record.length + 3} ${record}`, 'latin1');
    for (let i = 0; i < 6000; i++) parts.push(header('pax', body.length, 'x'), padded(body));
    const content = Buffer.from('hello');
    parts.push(header('real.txt', content.length, '0'), padded(content), Buffer.alloc(1024));
    const file = join(dir, 'many-pax.tar');
    writeFileSync(file, Buffer.concat(parts));
    // the turn of the event loop at each header read: fs.readSync wrapped (and the ESM binding synced to it)
    let turns = 0;
    let on = true;
    const tick = () => {
      turns++;
      if (on) setImmediate(tick);
    };
    const seen = new Set<number>();
    const readSync = fs.readSync;
    fs.readSync = ((...args: Parameters<typeof fs.readSync>) => {
      seen.add(turns);
      return readSync(...args);
    }) as typeof fs.readSync;
    syncBuiltinESMExports();
    let members;
    try {
      setImmediate(tick);
      members = await indexTarFile(file);
    } finally {
      on = false;
      fs.readSync = readSync;
      syncBuiltinESMExports();
    }
    // the last extended header's path names the member
    assert.deepEqual([...members.keys()], ['x']);
    assert.equal(members.get('x')!.size, 5);
    // 6,001 headers read in at least 6 different turns: one at least every 1,024 headers, extended ones too
    assert.ok(seen.size >= 6, `header reads in ${seen.size} turns of the event loop`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
