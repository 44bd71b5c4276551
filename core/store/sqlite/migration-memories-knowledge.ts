/**
 * Memories people can list and delete, and the private knowledge base; both searched through FTS5 with trigrams
 * (Chinese too). Its own file: the SQL is long.
 */
export const memoriesAndKnowledgeMigration = `
  CREATE TABLE memories (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    text TEXT NOT NULL,
    author_ref TEXT NOT NULL,
    conversation_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX memories_by_owner ON memories (owner, seq);
  CREATE INDEX memories_by_author ON memories (author_ref);
  CREATE VIRTUAL TABLE memories_fts USING fts5 (text, content = 'memories', content_rowid = 'seq', tokenize = 'trigram');
  CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, text) VALUES (new.seq, new.text);
  END;
  CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, text) VALUES ('delete', old.seq, old.text);
  END;

  CREATE TABLE kb_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kb TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    added_at INTEGER NOT NULL,
    embedding_model TEXT,
    UNIQUE (kb, source)
  );
  CREATE TABLE kb_chunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    kb TEXT NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    embedding BLOB
  );
  CREATE INDEX kb_chunks_by_document ON kb_chunks (document_id);
  CREATE INDEX kb_chunks_by_kb ON kb_chunks (kb);
  CREATE VIRTUAL TABLE kb_chunks_fts USING fts5 (section, text, content = 'kb_chunks', content_rowid = 'seq', tokenize = 'trigram');
  CREATE TRIGGER kb_chunks_fts_insert AFTER INSERT ON kb_chunks BEGIN
    INSERT INTO kb_chunks_fts (rowid, section, text) VALUES (new.seq, new.section, new.text);
  END;
  CREATE TRIGGER kb_chunks_fts_delete AFTER DELETE ON kb_chunks BEGIN
    INSERT INTO kb_chunks_fts (kb_chunks_fts, rowid, section, text) VALUES ('delete', old.seq, old.section, old.text);
  END;
  `;
