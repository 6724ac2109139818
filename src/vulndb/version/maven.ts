/**
 * Maven version order: org.apache.maven.artifact.versioning.ComparableVersion as of Maven 4
 * (apache/maven compat/maven-artifact, the "version order specification" of the POM reference).
 *
 * A version is lower-cased and split into items: numbers, qualifiers (strings), string+number
 * combinations (`alpha1`, `rc-2`) and sub-lists opened by `-`. Trailing "null" items (0, "", release
 * qualifiers) are dropped. Qualifier order: alpha (a) < beta (b) < milestone (m) < rc = cr < snapshot <
 * "" = ga = final = release < sp < any other string (lexically, case-insensitive). A number beats a
 * qualifier; `.` binds tighter than `-` (`1-1 < 1.0.1`); `.X` and `-X` are the same for a qualifier X.
 * Only ASCII digits are digits. Versions longer than 256 characters are refused, as Maven 4 does.
 */
import { VersionSyntaxError } from './errors.js';

const enum K {
  BIGINT = 0,
  STRING = 1,
  LIST = 2,
  INT = 3,
  LONG = 4,
  COMBINATION = 5,
}

const MAX_INT_LEN = 9;
const MAX_LONG_LEN = 18;
export const MAVEN_MAX_VERSION_LENGTH = 256;

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = new Set(['ga', 'final', 'release']);
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

interface NumItem {
  kind: K.INT | K.LONG | K.BIGINT;
  value: bigint;
  text: string;
}
interface StrItem {
  kind: K.STRING;
  value: string;
}
interface ComboItem {
  kind: K.COMBINATION;
  str: StrItem;
  digits: NumItem;
}
interface ListItem {
  kind: K.LIST;
  items: Item[];
}
type Item = NumItem | StrItem | ComboItem | ListItem;

const jcmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function numItem(digits: string): NumItem {
  let s = digits.replace(/^0+/, '');
  if (s === '') s = '0';
  const kind = s.length <= MAX_INT_LEN ? K.INT : s.length <= MAX_LONG_LEN ? K.LONG : K.BIGINT;
  return { kind, value: BigInt(s), text: s };
}

function strItem(value: string, followedByDigit: boolean): StrItem {
  if (followedByDigit && value.length === 1) {
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  if (value === 'cr') value = 'rc';
  return { kind: K.STRING, value };
}

function comboItem(value: string): ComboItem {
  let index = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      index = i;
      break;
    }
  }
  return { kind: K.COMBINATION, str: strItem(value.slice(0, index), true), digits: numItem(value.slice(index)) };
}

function comparableQualifier(q: string): string {
  if (RELEASE_QUALIFIERS.has(q)) return RELEASE_INDEX;
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function isNull(it: Item): boolean {
  switch (it.kind) {
    case K.INT:
    case K.LONG:
    case K.BIGINT:
      return it.value === 0n;
    case K.STRING:
      return it.value === '';
    case K.COMBINATION:
      return false;
    case K.LIST:
      return it.items.length === 0;
  }
}

/** Item.compareTo(other) where other may be null (undefined) */
function cmp(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case K.INT:
    case K.LONG:
    case K.BIGINT: {
      if (!b) return a.value === 0n ? 0 : 1;
      if (b.kind === K.INT || b.kind === K.LONG || b.kind === K.BIGINT) {
        if (a.kind !== b.kind) return a.kind === K.INT ? -1 : a.kind === K.BIGINT ? 1 : b.kind === K.INT ? 1 : -1;
        return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      }
      return 1; // a number beats qualifiers, combinations and lists
    }
    case K.STRING: {
      if (!b) return jcmp(comparableQualifier(a.value), RELEASE_INDEX);
      switch (b.kind) {
        case K.INT:
        case K.LONG:
        case K.BIGINT:
          return -1;
        case K.STRING:
          return jcmp(comparableQualifier(a.value), comparableQualifier(b.value));
        case K.COMBINATION: {
          const r = cmp(a, b.str);
          if (r === 0) {
            if (cmp(a, undefined) === 0) return -cmp(b.digits, undefined);
            return -1;
          }
          return r;
        }
        case K.LIST:
          return -cmp(b, a);
      }
      break;
    }
    case K.COMBINATION: {
      if (!b) {
        const r = cmp(a.str, undefined);
        return r === 0 ? cmp(a.digits, undefined) : r;
      }
      switch (b.kind) {
        case K.INT:
        case K.LONG:
        case K.BIGINT:
          return -1;
        case K.STRING: {
          const r = cmp(a.str, b);
          if (r === 0) {
            if (cmp(a.str, undefined) === 0) return cmp(a.digits, undefined);
            return 1; // X1 > X
          }
          return r;
        }
        case K.LIST:
          return -cmp(b, a);
        case K.COMBINATION: {
          const r = cmp(a.str, b.str);
          return r === 0 ? cmp(a.digits, b.digits) : r;
        }
      }
      break;
    }
    case K.LIST: {
      if (!b) {
        for (const it of a.items) {
          const r = cmp(it, undefined);
          if (r) return r;
        }
        return 0;
      }
      switch (b.kind) {
        case K.INT:
        case K.LONG:
        case K.BIGINT:
          return -1; // 1-1 < 1.0.x
        case K.STRING:
        case K.COMBINATION: {
          let r = a.items.length === 0 ? -cmp(b, undefined) : cmp(a.items[0]!, b);
          for (let i = 1; r === 0 && i < a.items.length; i++) r = cmp(a.items[i]!, undefined);
          return r;
        }
        case K.LIST: {
          const n = Math.max(a.items.length, b.items.length);
          for (let i = 0; i < n; i++) {
            const l = a.items[i];
            const r = b.items[i];
            const res = l === undefined ? (r === undefined ? 0 : -cmp(r, undefined)) : cmp(l, r);
            if (res) return res;
          }
          return 0;
        }
      }
    }
  }
  return 0;
}

function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (!isNull(it)) continue;
    if (i === items.length - 1 || items[i + 1]!.kind === K.STRING) {
      items.splice(i, 1);
    } else {
      const next = items[i + 1]!;
      if (next.kind === K.LIST) {
        const first = next.items[0];
        if (first && (first.kind === K.COMBINATION || first.kind === K.STRING)) items.splice(i, 1);
      }
    }
  }
  if (items.length === 1 && items[0]!.kind === K.LIST) {
    const inner = items[0] as ListItem;
    list.items = inner.items;
  }
}

function parseItem(isCombination: boolean, isDigit: boolean, buf: string): Item {
  if (isCombination) return comboItem(buf.replace(/-/g, ''));
  if (isDigit) return numItem(buf);
  return strItem(buf, false);
}

const isAsciiDigit = (c: number) => c >= 48 && c <= 57;

/** ComparableVersion.parseVersion */
export function parseMaven(version: string): ListItem {
  if (version.length > MAVEN_MAX_VERSION_LENGTH) {
    throw new VersionSyntaxError('maven', version.slice(0, 32) + '...', `longer than ${MAVEN_MAX_VERSION_LENGTH} characters`);
  }
  const v = version.toLowerCase();
  const root: ListItem = { kind: K.LIST, items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  let isDigit = false;
  let isCombination = false;
  let start = 0;
  const open = () => {
    const l: ListItem = { kind: K.LIST, items: [] };
    list.items.push(l);
    list = l;
    stack.push(l);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 46 /* . */) {
      if (i === start) list.items.push(numItem('0'));
      else list.items.push(parseItem(isCombination, isDigit, v.slice(start, i)));
      isCombination = false;
      start = i + 1;
    } else if (c === 45 /* - */) {
      if (i === start) {
        list.items.push(numItem('0'));
      } else {
        // X-1 is treated as X1
        if (!isDigit && i !== v.length - 1 && isAsciiDigit(v.charCodeAt(i + 1))) {
          isCombination = true;
          continue;
        }
        list.items.push(parseItem(isCombination, isDigit, v.slice(start, i)));
      }
      start = i + 1;
      if (list.items.length) open();
      isCombination = false;
    } else if (isAsciiDigit(c)) {
      if (!isDigit && i > start) {
        isCombination = true; // X1
        if (list.items.length) open();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(isCombination, true, v.slice(start, i)));
        start = i;
        open();
        isCombination = false;
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X
    if (!isDigit && list.items.length) open();
    list.items.push(parseItem(isCombination, isDigit, v.slice(start)));
  }
  while (stack.length) normalize(stack.pop()!);
  return root;
}

function itemString(it: Item): string {
  switch (it.kind) {
    case K.INT:
    case K.LONG:
    case K.BIGINT:
      return it.text;
    case K.STRING:
      return it.value;
    case K.COMBINATION:
      return it.str.value + it.digits.text;
    case K.LIST: {
      let out = '';
      for (const x of it.items) {
        if (out.length) out += x.kind === K.LIST ? '-' : '.';
        out += itemString(x);
      }
      return out;
    }
  }
}

/** ComparableVersion.getCanonical */
export function canonicalMaven(version: string): string {
  return itemString(parseMaven(version));
}

const parsedCache = new Map<string, ListItem>();

function cached(v: string): ListItem {
  let p = parsedCache.get(v);
  if (!p) {
    p = parseMaven(v);
    if (parsedCache.size > 50000) parsedCache.clear();
    parsedCache.set(v, p);
  }
  return p;
}

export function compareMaven(a: string, b: string): number {
  const r = cmp(cached(a), cached(b));
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

/** Maven accepts any string; "valid" here means non-empty, bounded, no whitespace or control characters. */
export function validMaven(v: string): boolean {
  return v.length > 0 && v.length <= MAVEN_MAX_VERSION_LENGTH && !/[\s\u0000-\u001f]/.test(v);
}
