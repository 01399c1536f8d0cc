// The PostgreSQL event store: streams, events in commit order, and the batch append function.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE es_streams (
      stream_id text PRIMARY KEY,
      -- -1 while the stream has no events
      revision bigint NOT NULL
    )`.execute(db);

  // Positions are handed out under the es_head row lock, which is held until commit, so a
  // higher position is never visible before a lower one: readers need no gap detection.
  await sql`
    CREATE TABLE es_head (
      id smallint PRIMARY KEY CHECK (id = 1),
      position bigint NOT NULL
    )`.execute(db);
  await sql`INSERT INTO es_head (id, position) VALUES (1, 0)`.execute(db);

  await sql`
    CREATE TABLE es_events (
      position bigint PRIMARY KEY,
      stream_id text NOT NULL,
      revision bigint NOT NULL,
      event_id uuid NOT NULL UNIQUE,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      UNIQUE (stream_id, revision)
    )`.execute(db);

  // One call appends a whole batch of independent appends (group commit). Each append is
  // checked on its own; a failed check skips that append only. Outcomes, one row per append:
  // ok | duplicate (all its event ids already stored, in that stream) | wrong_revision | id_conflict.
  // Expected revision codes: -1 any, -2 no_stream, -3 stream_exists, >= 0 exact.
  await sql`
    CREATE FUNCTION es_append(
      p_streams text[], p_expected bigint[], p_counts int[],
      p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[]
    ) RETURNS TABLE (outcome text, next_revision bigint, last_position bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
      n int := coalesce(cardinality(p_streams), 0);
      outcomes text[] := array_fill(NULL::text, ARRAY[n]);
      next_revs bigint[] := array_fill(NULL::bigint, ARRAY[n]);
      last_offsets int[] := array_fill(NULL::int, ARRAY[n]);
      dup_positions bigint[] := array_fill(NULL::bigint, ARRAY[n]);
      keys text[];
      revs bigint[];
      existing uuid[];
      ins_event int[] := '{}';
      ins_stream text[] := '{}';
      ins_rev bigint[] := '{}';
      i int;
      j int;
      k int;
      off int := 0;
      cnt int;
      cur bigint;
      exp bigint;
      total int;
      base bigint;
      dup record;
    BEGIN
      -- Create missing stream rows, then lock every stream of the batch in one stable order so
      -- that concurrent batches cannot deadlock; the head row is locked last, by everyone.
      INSERT INTO es_streams (stream_id, revision)
        SELECT DISTINCT s, -1 FROM unnest(p_streams) AS s ORDER BY 1
        ON CONFLICT DO NOTHING;
      SELECT array_agg(l.stream_id ORDER BY l.stream_id), array_agg(l.revision ORDER BY l.stream_id)
        INTO keys, revs
        FROM (SELECT s.stream_id, s.revision FROM es_streams s
              WHERE s.stream_id = ANY (p_streams) ORDER BY s.stream_id FOR UPDATE) l;

      SELECT array_agg(e.event_id) INTO existing FROM es_events e WHERE e.event_id = ANY (p_ids);

      FOR i IN 1..n LOOP
        cnt := p_counts[i];
        k := array_position(keys, p_streams[i]);
        cur := revs[k];
        exp := p_expected[i];
        IF existing IS NOT NULL AND cnt > 0 AND p_ids[off + 1:off + cnt] && existing THEN
          SELECT count(*) AS found, max(e.revision) AS rev, max(e.position) AS pos,
                 bool_and(e.stream_id = p_streams[i]) AS same_stream
            INTO dup FROM es_events e WHERE e.event_id = ANY (p_ids[off + 1:off + cnt]);
          IF dup.found = cnt AND dup.same_stream THEN
            outcomes[i] := 'duplicate';
            next_revs[i] := dup.rev;
            dup_positions[i] := dup.pos;
          ELSE
            outcomes[i] := 'id_conflict';
            next_revs[i] := cur;
          END IF;
        ELSIF (exp = -2 AND cur <> -1) OR (exp = -3 AND cur = -1) OR (exp >= 0 AND cur <> exp) THEN
          outcomes[i] := 'wrong_revision';
          next_revs[i] := cur;
        ELSE
          FOR j IN 1..cnt LOOP
            ins_event := ins_event || (off + j);
            ins_stream := ins_stream || p_streams[i];
            ins_rev := ins_rev || (cur + j);
          END LOOP;
          revs[k] := cur + cnt;
          outcomes[i] := 'ok';
          next_revs[i] := cur + cnt;
          last_offsets[i] := CASE WHEN cnt > 0 THEN cardinality(ins_event) END;
        END IF;
        off := off + cnt;
      END LOOP;

      total := cardinality(ins_event);
      IF total > 0 THEN
        UPDATE es_head SET position = position + total WHERE id = 1 RETURNING position - total INTO base;
        INSERT INTO es_events (position, stream_id, revision, event_id, type, data, metadata)
          SELECT base + o, ins_stream[o], ins_rev[o], p_ids[ins_event[o]], p_types[ins_event[o]],
                 p_data[ins_event[o]], p_metadata[ins_event[o]]
          FROM generate_series(1, total) AS o;
        UPDATE es_streams s SET revision = u.rev
          FROM unnest(keys, revs) AS u(key, rev)
          WHERE s.stream_id = u.key AND s.revision <> u.rev;
        PERFORM pg_notify('es_appended', (base + total)::text);
      ELSE
        SELECT h.position INTO base FROM es_head h WHERE h.id = 1;
      END IF;

      FOR i IN 1..n LOOP
        outcome := outcomes[i];
        next_revision := next_revs[i];
        last_position := CASE
          WHEN outcomes[i] = 'duplicate' THEN dup_positions[i]
          WHEN last_offsets[i] IS NOT NULL THEN base + last_offsets[i]
          WHEN outcomes[i] = 'ok' THEN base + total
          ELSE NULL END;
        RETURN NEXT;
      END LOOP;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION es_append`.execute(db);
  await sql`DROP TABLE es_events`.execute(db);
  await sql`DROP TABLE es_head`.execute(db);
  await sql`DROP TABLE es_streams`.execute(db);
}
