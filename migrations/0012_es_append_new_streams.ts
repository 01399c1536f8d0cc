// es_append, second version: a batch's new streams are created once, with their final revision,
// instead of inserted at -1, locked and updated (three row versions and a lock record in the WAL
// per new stream). Existing streams are still locked first in one stable order, new ones created
// in that order, the head row last, so concurrent batches cannot deadlock. Two batches creating the
// same stream at once: the later one fails with 40001 and the client retries its appends one by
// one. Same arguments, same outcomes as 0001.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION es_append(
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
      found_count int;
      existing_count int;
      existing uuid[];
      ins_event int[] := '{}';
      ins_stream text[] := '{}';
      ins_rev bigint[] := '{}';
      i int; j int; k int;
      off int := 0;
      cnt int; cur bigint; exp bigint; total int; base bigint;
      dup record;
      created int;
    BEGIN
      -- Lock the batch's existing streams in one stable order; streams not there yet start at -1
      -- and are created at the end, in the same order, before the head row (locked last, by all).
      SELECT array_agg(l.stream_id ORDER BY l.stream_id), array_agg(l.revision ORDER BY l.stream_id)
        INTO keys, revs
        FROM (SELECT s.stream_id, s.revision FROM es_streams s
              WHERE s.stream_id = ANY (p_streams) ORDER BY s.stream_id FOR UPDATE) l;
      existing_count := coalesce(cardinality(keys), 0);
      SELECT coalesce(keys, '{}') || coalesce(array_agg(s ORDER BY s), '{}'),
             coalesce(revs, '{}') || coalesce(array_agg(-1::bigint), '{}')
        INTO keys, revs
        FROM (SELECT DISTINCT s FROM unnest(p_streams) AS s WHERE keys IS NULL OR NOT (s = ANY (keys))) missing;

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
            outcomes[i] := 'duplicate'; next_revs[i] := dup.rev; dup_positions[i] := dup.pos;
          ELSE
            outcomes[i] := 'id_conflict'; next_revs[i] := cur;
          END IF;
        ELSIF (exp = -2 AND cur <> -1) OR (exp = -3 AND cur = -1) OR (exp >= 0 AND cur <> exp) THEN
          outcomes[i] := 'wrong_revision'; next_revs[i] := cur;
        ELSE
          FOR j IN 1..cnt LOOP
            ins_event := ins_event || (off + j);
            ins_stream := ins_stream || p_streams[i];
            ins_rev := ins_rev || (cur + j);
          END LOOP;
          revs[k] := cur + cnt;
          outcomes[i] := 'ok'; next_revs[i] := cur + cnt;
          last_offsets[i] := CASE WHEN cnt > 0 THEN cardinality(ins_event) END;
        END IF;
        off := off + cnt;
      END LOOP;

      total := cardinality(ins_event);
      IF total > 0 THEN
        IF cardinality(keys) > existing_count THEN
          INSERT INTO es_streams (stream_id, revision)
            SELECT key, rev FROM unnest(keys[existing_count + 1:], revs[existing_count + 1:]) AS u(key, rev)
            WHERE rev >= 0 ORDER BY key
            ON CONFLICT DO NOTHING;
          GET DIAGNOSTICS created = ROW_COUNT;
          IF created < (SELECT count(*) FROM unnest(revs[existing_count + 1:]) AS r WHERE r >= 0) THEN
            RAISE EXCEPTION 'a stream of this batch was created concurrently' USING ERRCODE = '40001';
          END IF;
        END IF;
        UPDATE es_head SET position = position + total WHERE id = 1 RETURNING position - total INTO base;
        INSERT INTO es_events (position, stream_id, revision, event_id, type, data, metadata)
          SELECT base + o, ins_stream[o], ins_rev[o], p_ids[ins_event[o]], p_types[ins_event[o]],
                 p_data[ins_event[o]], p_metadata[ins_event[o]]
          FROM generate_series(1, total) AS o;
        IF existing_count > 0 THEN
          UPDATE es_streams s SET revision = u.rev
            FROM unnest(keys[1:existing_count], revs[1:existing_count]) AS u(key, rev)
            WHERE s.stream_id = u.key AND s.revision <> u.rev;
        END IF;
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

/** Nothing to undo: 0001's es_append gives the same outcomes for the same arguments. */
export async function down(): Promise<void> {}
