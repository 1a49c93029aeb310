// The SQL pane shows what `alembic upgrade --sql` / `downgrade --sql` print
// for the revision(s) in the Revision pane; the Revision pane warns about
// what no revision can do on its own (foreign keys in a cycle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, replaceText, textOf } from './harness.mjs';

test('the SQL pane follows the revision, both ways', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    // The example: a NOT NULL column on a table with rows, three revisions.
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-sql"]')?.textContent.includes('ADD COLUMN bio'),
    );
    let sql = await textOf(page, 'editor-sql');
    assert.match(sql, /^BEGIN;/);
    assert.match(sql, /ALTER TABLE users ADD COLUMN bio VARCHAR\(500\);/);
    assert.match(sql, /UPDATE users SET bio = '' WHERE bio IS NULL;/);
    assert.match(sql, /ALTER TABLE users ALTER COLUMN bio SET NOT NULL;/);
    assert.equal(sql.match(/-- Running upgrade/g)?.length, 3);

    await page.getByTestId('sql-downgrade').check();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-sql"]')?.textContent.includes('-- Running downgrade'),
    );
    sql = await textOf(page, 'editor-sql');
    assert.match(sql, /ALTER TABLE users DROP COLUMN bio;/);
    assert.match(sql, /DELETE FROM alembic_version/);

    // Two new tables that reference each other: a warning, the SQL still there.
    await replaceText(page, 'editor-after', [
      'from sqlalchemy import ForeignKey',
      'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
      '',
      '',
      'class Base(DeclarativeBase):',
      '    pass',
      '',
      '',
      'class A(Base):',
      '    __tablename__ = "a"',
      '    id: Mapped[int] = mapped_column(primary_key=True)',
      '    b_id: Mapped[int] = mapped_column(ForeignKey("b.id"))',
      '',
      '',
      'class B(Base):',
      '    __tablename__ = "b"',
      '    id: Mapped[int] = mapped_column(primary_key=True)',
      '    a_id: Mapped[int] = mapped_column(ForeignKey("a.id"))',
      '',
    ].join('\n'));
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="revision-warnings"]')?.textContent.includes('reference each other'),
    );
    await page.getByTestId('sql-upgrade').check();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-sql"]')?.textContent.includes('CREATE TABLE b ('),
    );

    // The table renamed in the model: offered as a rename, applied when ticked.
    await replaceText(page, 'editor-after', [
      'from sqlalchemy import String',
      'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
      '',
      '',
      'class Base(DeclarativeBase):',
      '    pass',
      '',
      '',
      'class Account(Base):',
      '    __tablename__ = "accounts"',
      '',
      '    id: Mapped[int] = mapped_column(primary_key=True)',
      '    email: Mapped[str] = mapped_column(String(255), unique=True)',
      '',
    ].join('\n'));
    const choice = page.getByTestId('table-rename-choice');
    await choice.waitFor();
    assert.match(await choice.innerText(), /table users → accounts is a rename/);
    assert.match(await textOf(page, 'editor-sql'), /DROP TABLE users;/);
    await choice.locator('input').check();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-sql"]')?.textContent.includes('ALTER TABLE users RENAME TO accounts;'),
    );
    assert.doesNotMatch(await textOf(page, 'editor-sql'), /DROP TABLE users;/);
    assert.match(await textOf(page, 'editor-revision'), /op\.rename_table\('users', 'accounts'\)/);

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});
