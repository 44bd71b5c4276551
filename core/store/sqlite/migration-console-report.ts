/**
 * The console's usage report and audit log: usage summed per UTC day, user, chat and model in `usage_daily`, kept
 * up to date by a trigger as calls are recorded (and filled from the calls already there), so the console reads
 * days, not calls; runs and run events newest first, and per chat and per user.
 */
export const consoleReportMigration = `
  CREATE TABLE usage_daily (
    day INTEGER NOT NULL,
    user_ref TEXT NOT NULL,
    conversation_key TEXT NOT NULL,
    model TEXT NOT NULL,
    calls INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    PRIMARY KEY (day, user_ref, conversation_key, model)
  );
  INSERT INTO usage_daily (day, user_ref, conversation_key, model, calls, input_tokens, output_tokens, cost_usd)
    SELECT (at / 86400000) * 86400000, user_ref, conversation_key, model, count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)
    FROM usage GROUP BY 1, 2, 3, 4;
  CREATE TRIGGER usage_daily_add AFTER INSERT ON usage BEGIN
    INSERT INTO usage_daily (day, user_ref, conversation_key, model, calls, input_tokens, output_tokens, cost_usd)
    VALUES ((new.at / 86400000) * 86400000, new.user_ref, new.conversation_key, new.model, 1, new.input_tokens, new.output_tokens, new.cost_usd)
    ON CONFLICT (day, user_ref, conversation_key, model) DO UPDATE SET
      calls = calls + 1, input_tokens = input_tokens + excluded.input_tokens,
      output_tokens = output_tokens + excluded.output_tokens, cost_usd = cost_usd + excluded.cost_usd;
  END;
  CREATE INDEX runs_by_time ON runs (started_at, ref);
  CREATE INDEX runs_by_conversation ON runs (conversation_key, started_at);
  CREATE INDEX runs_by_sender ON runs (sender_id, started_at);
  CREATE INDEX run_events_by_time ON run_events (at, seq);
  `;
