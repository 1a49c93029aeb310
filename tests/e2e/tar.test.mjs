// The data-directory archive: duplicates become hard links at build time and
// are expanded back, byte for byte, before PGlite reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTar, linkDuplicates, expandLinks } from '../../www/js/tar.js';

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

test('duplicate files become hard links and expand back to the same bytes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retort-tar-'));
  try {
    const page = crypto.randomBytes(8192);
    fs.mkdirSync(path.join(dir, 'base/1'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'base/4'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'base/1/1259'), page);
    fs.writeFileSync(path.join(dir, 'base/4/1259'), page);
    fs.writeFileSync(path.join(dir, 'base/4/2619'), crypto.randomBytes(700));
    fs.writeFileSync(path.join(dir, 'PG_VERSION'), '18\n');
    const tar = new Uint8Array(execFileSync('tar', ['--format=ustar', '--sort=name', '-cf', '-', '-C', dir, '.']));

    const linked = linkDuplicates(tar, sha256);
    const links = readTar(linked).filter((e) => e.type === '1');
    assert.deepEqual(links.map((e) => [e.name, e.linkName]), [['./base/4/1259', './base/1/1259']]);
    assert.ok(linked.length < tar.length);
    // GNU tar reads what we wrote.
    assert.match(execFileSync('tar', ['-tvf', '-'], { input: linked }).toString(), /base\/4\/1259 link to \.\/base\/1\/1259/);

    const expanded = readTar(expandLinks(linked));
    const original = readTar(tar);
    assert.deepEqual(
      expanded.map((e) => [e.name, e.type, sha256(e.data)]),
      original.map((e) => [e.name, e.type, sha256(e.data)]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a link to a file that is not in the archive is an error, not a silent gap', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retort-tar-'));
  try {
    fs.writeFileSync(path.join(dir, 'a'), 'same');
    fs.writeFileSync(path.join(dir, 'b'), 'same');
    const linked = linkDuplicates(new Uint8Array(execFileSync('tar', ['--format=ustar', '--sort=name', '-cf', '-', '-C', dir, 'a', 'b'])), sha256);
    // Drop the first entry (header + one data block): `b` now links to nothing.
    assert.throws(() => expandLinks(linked.subarray(1024)), /b links to missing a/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
