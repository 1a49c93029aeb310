// Just enough of the ustar format for PGlite's data directory: reading
// entries, writing duplicate files as hard links (build time), and expanding
// hard links back into regular files (in the browser, because PGlite's own
// untar only writes regular files and directories).

const BLOCK = 512;
const decoder = new TextDecoder();

function field(header, start, length) {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

const padded = (size) => Math.ceil(size / BLOCK) * BLOCK;

/** Entries of a tar archive: { header, name, type, data }. */
export function readTar(tar) {
  const entries = [];
  for (let at = 0; at + BLOCK <= tar.length; ) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const prefix = field(header, 345, 155);
    const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const type = String.fromCharCode(header[156] || 48);
    entries.push({ header, name, type, linkName: field(header, 157, 100), data: tar.subarray(at + BLOCK, at + BLOCK + size) });
    at += BLOCK + padded(size);
  }
  return entries;
}

function writeOctal(header, start, length, value) {
  const text = value.toString(8).padStart(length - 1, '0');
  for (let i = 0; i < length - 1; i++) header[start + i] = text.charCodeAt(i);
  header[start + length - 1] = 0;
}

function withChecksum(header) {
  header.fill(32, 148, 156);
  const sum = header.reduce((s, b) => s + b, 0);
  const text = sum.toString(8).padStart(6, '0');
  for (let i = 0; i < 6; i++) header[148 + i] = text.charCodeAt(i);
  header[154] = 0;
  header[155] = 32;
  return header;
}

/** Joins byte arrays into one. */
export function concat(parts) {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function entryBytes(header, data) {
  return [header, data, new Uint8Array(padded(data.length) - data.length)];
}

/**
 * Rewrites a tar so that a regular file whose bytes equal an earlier file's
 * becomes a hard link to it. `key(data)` returns a string identifying the
 * bytes (a hash).
 */
export function linkDuplicates(tar, key) {
  const firstByKey = new Map();
  const parts = [];
  for (const entry of readTar(tar)) {
    if (entry.type === '0' && entry.data.length > 0) {
      const k = key(entry.data);
      const first = firstByKey.get(k);
      if (first !== undefined && first.length < 100) {
        const header = new Uint8Array(entry.header);
        header[156] = '1'.charCodeAt(0);
        writeOctal(header, 124, 12, 0);
        header.fill(0, 157, 257);
        new TextEncoder().encodeInto(first, header.subarray(157, 257));
        parts.push(...entryBytes(withChecksum(header), new Uint8Array(0)));
        continue;
      }
      if (first === undefined) firstByKey.set(k, entry.name);
    }
    parts.push(...entryBytes(entry.header, entry.data));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return concat(parts);
}

/** Replaces every hard link of a tar by a regular file with the linked bytes. */
export function expandLinks(tar) {
  const byName = new Map();
  const parts = [];
  for (const entry of readTar(tar)) {
    if (entry.type === '1') {
      const data = byName.get(entry.linkName);
      if (data === undefined) throw new Error(`data directory archive: ${entry.name} links to missing ${entry.linkName}`);
      const header = new Uint8Array(entry.header);
      header[156] = '0'.charCodeAt(0);
      writeOctal(header, 124, 12, data.length);
      header.fill(0, 157, 257);
      parts.push(...entryBytes(withChecksum(header), data));
    } else {
      if (entry.type === '0') byName.set(entry.name, entry.data);
      parts.push(...entryBytes(entry.header, entry.data));
    }
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return concat(parts);
}
