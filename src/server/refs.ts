/**
 * What a client may ask the server to read. `docker:NAME` (the server's engine), explicit registry references
 * (HOST[:PORT]/REPO, registry:REF, docker://REF), and paths, only under the `--allow-path` roots:
 *
 *   /abs/path/image.tar                a docker save or OCI tar
 *   /abs/path/layout                   an OCI layout directory
 *   oci:/abs/path[:REF]  docker-archive:/abs/path[:TAG]  rootfs:/abs/file.tar.gz  dir:/abs/rootfs
 *
 * A path must be absolute, contain no `..` segment, and resolve (symlinks followed) inside a root; a
 * directory must hold no symlink that resolves outside that root. Only regular files and directories are
 * read (a FIFO or device would hang or mislead the reader). The check runs when the request arrives and
 * again when the job starts, and the source is handed the resolved path, not the one the client wrote.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { HttpError } from './problem.js';

const PATH_PREFIXES = ['oci:', 'docker-archive:', 'rootfs:', 'dir:'];
/** prefixes whose path may be followed by `:REF` */
const WITH_SUFFIX = new Set(['oci:', 'docker-archive:']);
const MAX_DIR_ENTRIES = 200_000;

export type RefKind = 'docker' | 'path' | 'remote';

/** Roots as real paths (resolved once at start). */
export function allowRoots(paths: string[]): string[] {
  return paths.map((p) => {
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      throw new Error(`--allow-path ${p}: no such directory`);
    }
    if (!statSync(real).isDirectory()) throw new Error(`--allow-path ${p}: not a directory`);
    return real;
  });
}

function within(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Split `PREFIX PATH [:SUFFIX]`; the path is the whole remainder when it exists, else the shortest existing prefix before a ':'. */
function splitPathRef(ref: string): { prefix: string; path: string; suffix: string } {
  const prefix = PATH_PREFIXES.find((p) => ref.startsWith(p)) ?? '';
  const rest = ref.slice(prefix.length);
  if (!WITH_SUFFIX.has(prefix)) return { prefix, path: rest, suffix: '' };
  const exists = (p: string) => {
    try {
      lstatSync(p);
      return true;
    } catch {
      return false;
    }
  };
  if (exists(rest)) return { prefix, path: rest, suffix: '' };
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
    if (exists(rest.slice(0, i))) return { prefix, path: rest.slice(0, i), suffix: rest.slice(i) };
  }
  return { prefix, path: rest, suffix: '' };
}

/**
 * docker: (the server's engine), a path (prefix, absolute or relative), or an explicit registry reference
 * (HOST[:PORT]/REPO..., registry:REF, docker://REF) that the registry source accepts. Anything else is
 * refused: a bare word is never looked up as a path relative to the server's working directory, and a bare
 * name (`alpine:3.20`) is not resolved the CLI's way (local engine first, then Docker Hub) because on a
 * server that would read its engine without the `docker:` opt-in.
 */
export async function refKind(ref: string): Promise<RefKind | undefined> {
  if (ref.startsWith('docker:') || ref.startsWith('docker-daemon:')) return 'docker';
  if (PATH_PREFIXES.some((p) => ref.startsWith(p)) || ref.startsWith('/') || ref.startsWith('.')) return 'path';
  const { imageSources } = await import('../sources/index.js');
  for (const s of imageSources) {
    if (s.name !== 'registry') continue;
    if (await s.accepts(ref)) return 'remote';
  }
  return undefined;
}

/** Every symlink under `dir` must resolve inside `root`, every other entry be a file or directory (bounded walk; lstat only). */
function checkTree(dir: string, root: string): void {
  let seen = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      if (++seen > MAX_DIR_ENTRIES) throw new HttpError(422, `the directory holds more than ${MAX_DIR_ENTRIES} entries`);
      const p = join(d, ent.name);
      if (ent.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(p);
        } catch {
          continue; // dangling: the reader finds nothing there
        }
        if (!within(root, real)) throw new HttpError(403, 'the image directory contains a symlink that leads outside the allowed paths');
      } else if (ent.isDirectory()) {
        stack.push(p);
      } else if (!ent.isFile()) {
        // a FIFO, socket or device would block or mislead the reader
        throw new HttpError(422, 'the image directory contains something that is neither a file nor a directory');
      }
    }
  }
}

/**
 * Check a path reference against the roots and return the reference to open (resolved path). Throws an
 * HttpError: 400 malformed, 403 outside the roots, 404 missing, 422 not a file or directory.
 */
export function resolvePathRef(ref: string, roots: string[]): string {
  if (roots.length === 0) throw new HttpError(403, 'path references are disabled: start the server with --allow-path DIR');
  const { prefix, path, suffix } = splitPathRef(ref);
  if (!isAbsolute(path)) throw new HttpError(400, 'a path reference must be absolute');
  if (path.split('/').includes('..')) throw new HttpError(403, "a path reference may not contain '..'");
  if (path.includes('\0')) throw new HttpError(400, 'a path reference may not contain NUL');
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    // do not tell a client what exists outside the roots
    if (!roots.some((r) => within(r, path))) throw new HttpError(403, 'the path is outside the allowed paths');
    throw new HttpError(404, 'no such file or directory under the allowed paths');
  }
  const root = roots.find((r) => within(r, real));
  if (!root) throw new HttpError(403, 'the path is outside the allowed paths');
  const st = statSync(real);
  if (st.isDirectory()) checkTree(real, root);
  else if (!st.isFile()) throw new HttpError(422, 'the path is neither a regular file nor a directory');
  return `${prefix}${real}${suffix}`;
}
