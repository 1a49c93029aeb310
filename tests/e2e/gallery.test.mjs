// The examples gallery opens each example in one click, with the revision
// it is about; the production checklist names the backup for a dropped
// column and the concurrent build for a plain index, and copies as
// Markdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, textOf, replaceText, rehearse } from './harness.mjs';

/** What each example's revision (safe mode) must hold. */
const EXPECT = {
  'add-users-table': /op\.create_table\('users'/,
  'not-null-backfill': /op\.add_column\('users', sa\.Column\('bio'[\s\S]*UPDATE users SET bio/,
  'index-concurrently': /postgresql_concurrently=True/,
  'rename-table': /op\.rename_table\('user_accounts', 'users'\)/,
  rollback: /op\.drop_column\('users', 'legacy_flag'\)/,
  'type-rewrite': /type_=sa\.BigInteger\(\)/,
  'foreign-key': /op\.create_foreign_key\(None, 'orders', 'users'/,
  'enum-value': /ADD VALUE/,
  'unique-big-table': /op\.create_unique_constraint\(None, 'users', \['email'\]\)/,
};

/** What the review must say of the examples whose danger it names. */
const REVIEW = {
  'type-rewrite': /alter-column-type-rewrite/,
  'foreign-key': /add-foreign-key-validating/,
  'unique-big-table': /add-unique-constraint/,
};

test('every gallery example opens in one click with its revision', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    await page.getByTestId('gallery-item').first().waitFor();
    const ids = await page.$$eval('[data-testid="gallery-item"]', (items) => items.map((i) => i.dataset.example));
    assert.deepEqual(ids.sort(), Object.keys(EXPECT).sort());
    for (const [id, expected] of Object.entries(EXPECT)) {
      await page.locator(`[data-testid="gallery-item"][data-example="${id}"]`).click();
      await page.waitForFunction(
        (source) => new RegExp(source).test(document.querySelector('[data-testid="editor-revision"]')?.textContent ?? ''),
        expected.source,
        { timeout: 60_000 },
      ).catch(async (error) => {
        throw new Error(`${id}: ${error.message}\n${await textOf(page, 'editor-revision')}`);
      });
      if (REVIEW[id]) {
        await page.waitForFunction(
          (source) => new RegExp(source).test(document.querySelector('[data-testid="pane-review"]')?.textContent ?? ''),
          REVIEW[id].source,
          { timeout: 60_000 },
        );
      }
    }
    // The work an example replaced (here the one before it) is one Undo away.
    await page.getByTestId('undo-new').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="editor-after"]')?.textContent.includes('suspended'));
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.panics(), []);
  } finally {
    await session.close();
  }
});

const DROP = `"""drop legacy

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
"""
from alembic import op
import sqlalchemy as sa

revision = 'b2c3d4e5f6a7'
down_revision = 'a1b2c3d4e5f6'


def upgrade():
    op.drop_column('users', 'legacy')


def downgrade():
    op.add_column('users', sa.Column('legacy', sa.Text(), nullable=True))
`;

const INDEX = DROP.replace("op.drop_column('users', 'legacy')", "op.create_index('ix_users_email', 'users', ['email'])")
  .replace("op.add_column('users', sa.Column('legacy', sa.Text(), nullable=True))", "op.drop_index('ix_users_email', table_name='users')")
  .replace('drop legacy', 'index email');

async function checklistFor(page, revision) {
  await replaceText(page, 'editor-revision', revision);
  await page.waitForFunction(
    (id) => document.querySelector('[data-testid="checklist"]')?.textContent.includes(id),
    'b2c3d4e5f6a7',
    { timeout: 60_000 },
  );
  return page.$$eval('[data-testid="checklist-item"]', (items) => items.map((i) => i.textContent));
}

test('the checklist names the backup for a drop and the concurrent build for an index', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('[data-testid="editor-revision"]')?.textContent.includes('def upgrade'));
    const drop = await checklistFor(page, DROP);
    assert.ok(drop.some((i) => /Back up or snapshot the database first.*b2c3d4e5f6a7.*drops column users\.legacy/.test(i)), drop.join('\n'));
    assert.ok(!drop.some((i) => /CONCURRENTLY/.test(i)), drop.join('\n'));
    assert.ok(drop.some((i) => /alembic downgrade a1b2c3d4e5f6/.test(i)), drop.join('\n'));

    const index = await checklistFor(page, INDEX);
    assert.ok(index.some((i) => /builds index ix_users_email on users without CONCURRENTLY/.test(i)), index.join('\n'));
    assert.ok(!index.some((i) => /Back up or snapshot the database first/.test(i)), index.join('\n'));

    await page.getByTestId('checklist-copy').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="checklist-markdown"]')?.value.startsWith('### Deploying'));
    const markdown = await page.getByTestId('checklist-markdown').inputValue();
    assert.match(markdown, /^- \[ \] `alembic upgrade head`$/m);
    assert.match(markdown, /^- \[ \] `alembic current`: expect `b2c3d4e5f6a7 \(head\)`\.$/m);

    // After a rehearsal of the example, the checklist gives the time the
    // exclusive lock was held.
    // The built-in example again: nothing saved, no link.
    await page.evaluate(() => localStorage.clear());
    await page.goto(url);
    await page.getByTestId('sim-reset').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="editor-revision"]')?.textContent.includes('def upgrade'));
    await rehearse(page, 'sim-upgrade');
    await page.waitForFunction(
      () => /held [0-9.]+ ms in the rehearsal/.test(document.querySelector('[data-testid="checklist"]')?.textContent ?? ''),
      null,
      { timeout: 60_000 },
    );
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.panics(), []);
  } finally {
    await session.close();
  }
});
