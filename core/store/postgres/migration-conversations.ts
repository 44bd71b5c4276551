/**
 * The console's conversations (SQLite's version 11): a summary row per conversation kept current by a trigger on the
 * inbox; each message's text in a generated column, searched with ILIKE through a pg_trgm index when the extension can
 * be created (Debian's postgresql ships it), else by a bounded scan; run references on usage and approvals.
 */
export const conversationsMigration = `
  CREATE FUNCTION pincer_message_text(message text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
    SELECT string_agg(segment ->> 'text', '' ORDER BY n)
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(message::jsonb -> 'segments') = 'array' THEN message::jsonb -> 'segments' ELSE '[]'::jsonb END)
      WITH ORDINALITY AS s (segment, n)
  $fn$;
  ALTER TABLE inbox ADD COLUMN search_text text GENERATED ALWAYS AS (pincer_message_text(message)) STORED;

  CREATE TABLE conversations (
    key text PRIMARY KEY,
    channel_id text NOT NULL,
    platform text NOT NULL,
    chat_id text NOT NULL,
    kind text NOT NULL,
    last_sender text NOT NULL,
    last_text text NOT NULL,
    last_at bigint NOT NULL,
    message_count bigint NOT NULL
  );
  CREATE INDEX conversations_by_last ON conversations (last_at DESC, key DESC);
  INSERT INTO conversations (key, channel_id, platform, chat_id, kind, last_sender, last_text, last_at, message_count)
    SELECT i.conversation_key,
      coalesce(m #>> '{conversation,channelId}', m #>> '{conversation,platform}', ''), coalesce(m #>> '{conversation,platform}', ''),
      coalesce(m #>> '{conversation,chatId}', ''), coalesce(m #>> '{conversation,kind}', 'direct'),
      coalesce(m #>> '{sender,displayName}', ''), left(coalesce(i.search_text, ''), 200), i.received_at, c.n
    FROM (SELECT conversation_key, max(seq) AS last, count(*) AS n FROM inbox GROUP BY conversation_key) c
      JOIN inbox i ON i.seq = c.last, LATERAL (SELECT i.message::jsonb AS m) j;

  CREATE FUNCTION pincer_inbox_conversation() RETURNS trigger LANGUAGE plpgsql AS $fn$
  DECLARE
    m jsonb := NEW.message::jsonb;
  BEGIN
    INSERT INTO conversations (key, channel_id, platform, chat_id, kind, last_sender, last_text, last_at, message_count)
    VALUES (
      NEW.conversation_key,
      coalesce(m #>> '{conversation,channelId}', m #>> '{conversation,platform}', ''), coalesce(m #>> '{conversation,platform}', ''),
      coalesce(m #>> '{conversation,chatId}', ''), coalesce(m #>> '{conversation,kind}', 'direct'),
      coalesce(m #>> '{sender,displayName}', ''), left(coalesce(NEW.search_text, ''), 200), NEW.received_at, 1
    )
    ON CONFLICT (key) DO UPDATE SET
      last_sender = excluded.last_sender, last_text = excluded.last_text,
      last_at = greatest(conversations.last_at, excluded.last_at), message_count = conversations.message_count + 1;
    RETURN NULL;
  END
  $fn$;
  CREATE TRIGGER inbox_conversation AFTER INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION pincer_inbox_conversation();

  -- In public when allowed: an extension lives in one schema per database, and a schema of Pincer's may be dropped.
  DO $do$
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
  EXCEPTION WHEN others THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN others THEN
      RAISE NOTICE 'pg_trgm is not available: conversation search scans the latest messages instead';
    END;
  END
  $do$;
  DO $do$
  DECLARE
    home text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
  BEGIN
    IF home IS NOT NULL THEN
      EXECUTE format('CREATE INDEX inbox_search_text ON inbox USING gin (search_text %I.gin_trgm_ops)', home);
    END IF;
  END
  $do$;

  CREATE INDEX inbox_by_conversation ON inbox (conversation_key, seq);
  CREATE INDEX outbox_by_key_prefix ON outbox (key text_pattern_ops);
  ALTER TABLE usage ADD COLUMN run_ref text;
  CREATE INDEX usage_by_run ON usage (run_ref) WHERE run_ref IS NOT NULL;
  ALTER TABLE approvals ADD COLUMN run_ref text;
  CREATE INDEX approvals_by_run ON approvals (run_ref) WHERE run_ref IS NOT NULL;
`;
