/* test-history.c: the history store — round trips, durability, search, damaged files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "playtest-client-error.h"
#include "playtest-history.h"
#include "playtest-reply-private.h"
#include "playtest-turn-private.h"
#include "unit-test-util.h"

#define MIRA "char-mira"
#define OREN "char-oren"
#define WAIT_TIMEOUT_S 60

static GThread *test_thread;   /* the tests' own: the owner of every store and turn */

typedef struct
{
  char            *directory;
  PlaytestHistory *history;
} Fixture;

/* Removes a folder and all below it. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

static PlaytestHistory *
open_history (const char *directory)
{
  g_autoptr(GError) error = NULL;
  PlaytestHistory *history = playtest_history_new (directory, &error);

  g_assert_no_error (error);
  g_assert_nonnull (history);

  return history;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->directory = g_dir_make_tmp ("test-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->history = open_history (fixture->directory);
}

static void
fixture_reopen (Fixture *fixture)
{
  g_assert_finalize_object (g_steal_pointer (&fixture->history));
  fixture->history = open_history (fixture->directory);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->history != NULL)
    g_assert_finalize_object (g_steal_pointer (&fixture->history));
  remove_tree (fixture->directory);
  g_free (fixture->directory);
}

/* Turns */

/* A voice reply with every field the service can send, and timings. */
static PlaytestReply *
make_full_reply (const char *text)
{
  g_autoptr(GBytes) voice = unit_test_make_wav (2205, 16000, -300);
  g_autofree char *audio = g_base64_encode (g_bytes_get_data (voice, NULL),
                                            g_bytes_get_size (voice));
  g_autofree char *json = g_strdup_printf (
    "{\"text\": \"%s\", \"audio\": \"%s\", \"sessionID\": \"sess-4f2a\", \"action\": \"Wave\","
    " \"actionSequence\": \"Wave\\nOffer Drink\", \"emotion\": \"joy\","
    " \"narrativeSectionId\": \"sec-quest\", \"userQuery\": \"where is the silver ring\","
    " \"surprise\": 1}", text, audio);
  g_autoptr(GError) error = NULL;
  PlaytestReply *reply = playtest_reply_new_from_json (json, -1, &error);
  PlaytestTimings *timings;

  g_assert_no_error (error);
  timings = playtest_reply_get_timings_mut (reply);
  timings->request_start = 5000000;
  timings->first_byte = 5120000;
  timings->first_audio = 5340000;
  timings->complete = 5900000;
  playtest_reply_add_warning (reply, "a test warning");

  return reply;
}

static PlaytestTurn *
make_voice_turn (GBytes **voice_out)
{
  g_autoptr(GBytes) voice = unit_test_make_wav (8000, 16000, 1200);
  g_autoptr(PlaytestReply) reply = make_full_reply ("The ring? Ah, it is in the well.");
  PlaytestTurn *turn = playtest_turn_new_for_audio (MIRA, voice);
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_build_request (turn, TRUE, FALSE);

  g_assert_nonnull (request);
  playtest_turn_complete (turn, reply);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_nonnull (playtest_turn_get_reply_audio (turn));

  *voice_out = g_steal_pointer (&voice);
  return turn;
}

static PlaytestTurn *
make_text_turn (const char *character_id,
                const char *user_text,
                const char *reply_text)
{
  g_autofree char *json = g_strdup_printf ("{\"text\": \"%s\", \"sessionID\": \"s-%s\"}",
                                           reply_text, character_id);
  g_autoptr(PlaytestReply) reply = playtest_reply_new_from_json (json, -1, NULL);
  PlaytestTurn *turn = playtest_turn_new (character_id, user_text);

  g_assert_nonnull (reply);
  playtest_turn_complete (turn, reply);
  return turn;
}

static char *
new_conversation (Fixture    *fixture,
                  const char *character_id)
{
  g_autoptr(GError) error = NULL;
  char *id = playtest_history_new_conversation (fixture->history, character_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);

  return id;
}

static void
save (Fixture      *fixture,
      const char   *conversation_id,
      PlaytestTurn *turn)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (playtest_history_save_turn (fixture->history, conversation_id, turn, &error));
  g_assert_no_error (error);
  g_assert_cmpint (playtest_turn_get_id (turn), >, 0);
}

static GPtrArray *
load (Fixture    *fixture,
      const char *conversation_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *turns = playtest_history_load_turns (fixture->history, conversation_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (turns);

  return turns;
}

static void
assert_bytes_equal_file (GBytes     *bytes,
                         const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
assert_in_audio_dir (Fixture    *fixture,
                     const char *path)
{
  g_autofree char *audio_dir = g_build_filename (fixture->directory, "audio", NULL);
  g_autofree char *parent = NULL;

  g_assert_nonnull (path);
  g_assert_true (g_path_is_absolute (path));
  parent = g_path_get_dirname (path);
  g_assert_cmpstr (parent, ==, audio_dir);
  g_assert_true (g_str_has_suffix (path, ".wav"));
}

/* Tests */

static void
test_voice_round_trip (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(GBytes) voice = NULL;
  g_autoptr(PlaytestTurn) turn = make_voice_turn (&voice);
  g_autoptr(GBytes) reply_audio = g_bytes_ref (playtest_turn_get_reply_audio (turn));
  g_autoptr(GPtrArray) turns = NULL;
  PlaytestTurnRecord saved, loaded;

  save (fixture, conversation, turn);

  /* The audio went to disk and out of memory. */
  g_assert_null (playtest_turn_get_user_audio (turn));
  g_assert_null (playtest_turn_get_reply_audio (turn));
  assert_in_audio_dir (fixture, playtest_turn_get_user_audio_path (turn));
  assert_in_audio_dir (fixture, playtest_turn_get_reply_audio_path (turn));
  g_assert_cmpstr (playtest_turn_get_user_audio_path (turn), !=,
                   playtest_turn_get_reply_audio_path (turn));
  assert_bytes_equal_file (voice, playtest_turn_get_user_audio_path (turn));
  assert_bytes_equal_file (reply_audio, playtest_turn_get_reply_audio_path (turn));

  fixture_reopen (fixture);
  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, 1);

  playtest_turn_get_record (turn, &saved);
  playtest_turn_get_record (g_ptr_array_index (turns, 0), &loaded);
  g_assert_cmpstr (loaded.conversation_id, ==, conversation);
  unit_test_assert_same_record (&saved, &loaded);

  /* Every field really was there to compare. */
  g_assert_cmpstr (loaded.session_id, ==, "sess-4f2a");
  g_assert_cmpstr (loaded.user_query, ==, "where is the silver ring");
  g_assert_cmpstrv (loaded.actions, ((const char *[]) { "Wave", "Offer Drink", NULL }));
  g_assert_cmpstr (loaded.narrative_section_id, ==, "sec-quest");
  g_assert_cmpuint (loaded.user_audio_duration_ms, ==, 500);
  g_assert_cmpuint (loaded.reply_audio_duration_ms, ==, 137);
  g_assert_nonnull (loaded.reply_json);
  g_assert_nonnull (loaded.request_description);
  g_assert_nonnull (loaded.warnings[0]);
  g_assert_cmpint (loaded.first_byte_ms, ==, 120);
  g_assert_cmpint (loaded.first_audio_ms, ==, 340);
  g_assert_cmpint (loaded.total_ms, ==, 900);
  g_assert_cmpint (loaded.error_code, ==, -1);
  g_assert_true (playtest_turn_is_voice (g_ptr_array_index (turns, 0)));
}

static void
test_failed_turn (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new (MIRA, "Where is the ring?");
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"ERROR\": \"API rate limit exceeded\"}", 36);
  g_autoptr(GError) failure = playtest_client_error_new_for_status (429, "application/json",
                                                                    body, "30");
  g_autoptr(GPtrArray) turns = NULL;
  PlaytestTurn *restored;
  const GError *error;

  playtest_turn_fail (turn, failure);
  save (fixture, conversation, turn);
  fixture_reopen (fixture);

  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, 1);
  restored = g_ptr_array_index (turns, 0);
  g_assert_cmpint (playtest_turn_get_id (restored), ==, playtest_turn_get_id (turn));
  g_assert_cmpint (playtest_turn_get_state (restored), ==, PLAYTEST_TURN_FAILED);
  g_assert_cmpstr (playtest_turn_get_user_text (restored), ==, "Where is the ring?");
  g_assert_null (playtest_turn_get_reply_text (restored));
  error = playtest_turn_get_error (restored);
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpstr (error->message, ==, failure->message);
  g_assert_cmpuint (playtest_client_error_get_status (error), ==, 429);
  g_assert_cmpint (playtest_client_error_get_retry_after (error), ==, 30);
}

/* A turn saved while pending (or half streamed) and saved again complete is one row, with
 * the search index following its text. */
static void
test_update_in_place (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new (MIRA, "Tell me of the harbour");
  g_autoptr(PlaytestReply) reply = make_full_reply ("The harbour froze last winter.");
  g_autoptr(PlaytestConversationInfo) info = NULL;
  g_autoptr(GPtrArray) turns = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  gint64 id;

  playtest_turn_append_text (turn, "Zebras");
  save (fixture, conversation, turn);
  id = playtest_turn_get_id (turn);

  hits = playtest_history_search (fixture->history, "zebras", 0, NULL);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  playtest_turn_complete (turn, reply);
  save (fixture, conversation, turn);
  g_assert_cmpint (playtest_turn_get_id (turn), ==, id);

  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, 1);
  g_assert_cmpint (playtest_turn_get_id (g_ptr_array_index (turns, 0)), ==, id);
  g_assert_cmpint (playtest_turn_get_state (g_ptr_array_index (turns, 0)), ==,
                   PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_reply_text (g_ptr_array_index (turns, 0)), ==,
                   "The harbour froze last winter.");
  assert_in_audio_dir (fixture, playtest_turn_get_reply_audio_path (g_ptr_array_index (turns, 0)));

  info = playtest_history_get_conversation (fixture->history, conversation, NULL);
  g_assert_cmpuint (info->n_turns, ==, 1);

  hits = playtest_history_search (fixture->history, "zebras", 0, NULL);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = playtest_history_search (fixture->history, "froze", 0, NULL);
  g_assert_cmpuint (hits->len, ==, 1);
}

/* A turn that was still under way when it was stored (the app ended) comes back failed, so
 * it can be sent again. */
static void
test_unfinished_turn_restored_as_failed (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new (MIRA, "Are you there?");
  g_autoptr(GPtrArray) turns = NULL;

  save (fixture, conversation, turn);
  turns = load (fixture, conversation);
  g_assert_cmpint (playtest_turn_get_state (g_ptr_array_index (turns, 0)), ==,
                   PLAYTEST_TURN_FAILED);
  g_assert_cmpstr (playtest_turn_get_user_text (g_ptr_array_index (turns, 0)), ==,
                   "Are you there?");
  g_assert_nonnull (playtest_turn_get_error (g_ptr_array_index (turns, 0)));
}

static void
assert_conversation_ids (GPtrArray  *infos,
                         const char *first,
                         ...)
{
  va_list args;
  const char *id = first;
  guint i = 0;

  va_start (args, first);
  for (; id != NULL; id = va_arg (args, const char *), i++)
    {
      g_assert_cmpuint (i, <, infos->len);
      g_assert_cmpstr (((PlaytestConversationInfo *) infos->pdata[i])->conversation_id, ==, id);
    }
  va_end (args);
  g_assert_cmpuint (i, ==, infos->len);
}

static void
test_conversations (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(PlaytestConversationInfo) last = NULL;
  g_autoptr(PlaytestConversationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autoptr(PlaytestTurn) turn = make_text_turn (MIRA, "Hello there", "Welcome!");
  g_autoptr(GPtrArray) list = NULL;

  /* An empty store has no last conversation, and that is no error. */
  g_assert_null (playtest_history_get_last_conversation (fixture->history, &error));
  g_assert_no_error (error);

  a = new_conversation (fixture, MIRA);
  b = new_conversation (fixture, OREN);
  c = new_conversation (fixture, MIRA);
  g_assert_cmpstr (a, !=, c);

  last = playtest_history_get_last_conversation (fixture->history, NULL);
  g_assert_cmpstr (last->conversation_id, ==, c);
  g_clear_pointer (&last, playtest_conversation_info_free);

  save (fixture, a, turn);

  list = playtest_history_list_conversations (fixture->history, NULL, 0, NULL);
  assert_conversation_ids (list, a, c, b, NULL);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = playtest_history_list_conversations (fixture->history, MIRA, 0, NULL);
  assert_conversation_ids (list, a, c, NULL);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = playtest_history_list_conversations (fixture->history, NULL, 2, NULL);
  assert_conversation_ids (list, a, c, NULL);

  last = playtest_history_get_last_conversation (fixture->history, NULL);
  g_assert_cmpstr (last->conversation_id, ==, a);
  g_assert_cmpstr (last->character_id, ==, MIRA);
  g_assert_cmpstr (last->session_id, ==, "s-" MIRA);
  g_assert_cmpuint (last->n_turns, ==, 1);
  g_assert_cmpstr (last->first_line, ==, "Hello there");
  g_assert_true (g_date_time_equal (last->started_at, playtest_turn_get_sent_at (turn)));
  g_assert_cmpint (g_date_time_compare (last->updated_at, last->started_at), >=, 0);

  info = playtest_history_get_conversation (fixture->history, b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->character_id, ==, OREN);
  g_assert_null (info->session_id);
  g_assert_null (info->first_line);
  g_assert_cmpuint (info->n_turns, ==, 0);
  g_assert_nonnull (info->started_at);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(PlaytestTurn) turn = make_text_turn (MIRA, "Hello", "Hi");
  g_autoptr(GError) error = NULL;

  g_assert_null (playtest_history_get_conversation (fixture->history, "nope", &error));
  g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (playtest_history_load_turns (fixture->history, "nope", &error));
  g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (playtest_history_save_turn (fixture->history, "nope", turn, &error));
  g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_NOT_FOUND);
  g_assert_cmpint (playtest_turn_get_id (turn), ==, 0);
}

static GPtrArray *
search (Fixture    *fixture,
        const char *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *hits = playtest_history_search (fixture->history, query, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);

  return hits;
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *old = new_conversation (fixture, MIRA);
  g_autofree char *recent = new_conversation (fixture, OREN);
  g_autoptr(PlaytestTurn) ring = make_text_turn (MIRA, "Where did you hide the silver ring?",
                                                 "Under the floorboards, dear.");
  g_autoptr(PlaytestTurn) other = make_text_turn (MIRA, "Nice weather", "Rain, as always.");
  g_autoptr(PlaytestTurn) dragons = make_text_turn (OREN, "Tell me about dragons",
                                                    "Dragons guard the ring of fire.");
  g_autoptr(GBytes) voice = NULL;
  g_autoptr(PlaytestTurn) spoken = make_voice_turn (&voice);
  g_autoptr(GPtrArray) hits = NULL;
  PlaytestSearchHit *hit;

  save (fixture, old, ring);
  save (fixture, old, other);
  save (fixture, recent, dragons);
  fixture_reopen (fixture);

  /* A prefix of a word the user typed, in an older conversation. */
  hits = search (fixture, "silv");
  g_assert_cmpuint (hits->len, ==, 1);
  hit = hits->pdata[0];
  g_assert_cmpstr (hit->conversation_id, ==, old);
  g_assert_cmpint (hit->turn_id, ==, playtest_turn_get_id (ring));
  g_assert_cmpstr (hit->character_id, ==, MIRA);
  g_assert_true (g_date_time_equal (hit->sent_at, playtest_turn_get_sent_at (ring)));
  g_assert_nonnull (strstr (hit->snippet, "«silver»"));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Across conversations, newest first; case does not matter. */
  hits = search (fixture, "RING");
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpint (((PlaytestSearchHit *) hits->pdata[0])->turn_id, ==,
                   playtest_turn_get_id (dragons));
  g_assert_cmpstr (((PlaytestSearchHit *) hits->pdata[0])->conversation_id, ==, recent);
  g_assert_cmpint (((PlaytestSearchHit *) hits->pdata[1])->turn_id, ==,
                   playtest_turn_get_id (ring));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* The character's words, every word required, and the limit. */
  hits = search (fixture, "floorboard");
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search (fixture, "dragons silver");
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = playtest_history_search (fixture->history, "ring", 1, NULL);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* The transcript of a spoken turn. */
  save (fixture, recent, spoken);
  hits = search (fixture, "silver ring");
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpint (((PlaytestSearchHit *) hits->pdata[0])->turn_id, ==,
                   playtest_turn_get_id (spoken));
}

static void
test_hostile_queries (Fixture       *fixture,
                      gconstpointer  data)
{
  static const char * const finding[] = {
    "\"ring", "ring\"", "\"ring\"", "(ring", "ring)", "-ring", "ring*", "ring -", "^ring",
    "'ring'", "ring;", "\xff ring", "the ring", "ring:",
  };
  static const char * const others[] = {
    "", " ", "\t\n", "\"", "\"\"", "*", "-", "(", ")", "((", "NEAR(", "NEAR(a b", "AND", "OR",
    "NOT", "^", ":", "user_text:ring", "{user_text}: ring", "'", "\\", "«»", "🙂", "…",
    "ring NEAR/2 silver", "x\" OR 1=1 --", "\xff\xfe", "NEAR(ring", "ring AND", "OR ring",
    "NOT ring", "ri\"ng", "ring)) OR ((",
  };
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(PlaytestTurn) turn = make_text_turn (MIRA, "Where is the ring?", "Gone.");
  g_autoptr(GPtrArray) empty = NULL;

  save (fixture, conversation, turn);

  for (guint i = 0; i < G_N_ELEMENTS (finding); i++)
    {
      g_autoptr(GPtrArray) hits = search (fixture, finding[i]);

      if (hits->len != 1)
        g_error ("“%s” found %u turns instead of 1", finding[i], hits->len);
    }

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    g_ptr_array_unref (search (fixture, others[i]));

  empty = search (fixture, "");
  g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_durable_after_reopen (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) turns = NULL;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);
      PlaytestTurn *turn = make_text_turn (MIRA, text, "ok");

      save (fixture, conversation, turn);
      g_ptr_array_add (saved, turn);
    }

  fixture_reopen (fixture);
  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, saved->len);
  for (guint i = 0; i < turns->len; i++)
    {
      g_assert_cmpint (playtest_turn_get_id (turns->pdata[i]), ==,
                       playtest_turn_get_id (saved->pdata[i]));
      g_assert_cmpstr (playtest_turn_get_user_text (turns->pdata[i]), ==,
                       playtest_turn_get_user_text (saved->pdata[i]));
    }
}

/* The child saves turns and dies without closing anything; whatever it was told is saved is
 * there for the next start. */
static void
test_durable_after_crash (void)
{
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(PlaytestConversationInfo) last = NULL;
  g_autoptr(GPtrArray) turns = NULL;
  g_autofree char *home = NULL;
  g_autofree char *saved_home = NULL;
  g_autofree char *directory = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *conversation = NULL;

      history = playtest_history_new_default (NULL);
      g_assert_nonnull (history);
      conversation = playtest_history_new_conversation (history, MIRA, NULL);
      for (guint i = 0; i < 5; i++)
        {
          g_autoptr(PlaytestTurn) turn = make_text_turn (MIRA, "Remember me", "Always.");

          g_assert_true (playtest_history_save_turn (history, conversation, turn, NULL));
        }
      _exit (0);
    }

  home = g_dir_make_tmp ("test-history-home-XXXXXX", NULL);
  g_assert_nonnull (home);
  saved_home = g_strdup (g_getenv ("XDG_DATA_HOME"));
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  if (saved_home != NULL)
    g_setenv ("XDG_DATA_HOME", saved_home, TRUE);
  else
    g_unsetenv ("XDG_DATA_HOME");
  g_test_trap_assert_passed ();

  directory = g_build_filename (home, "convai-playtest", NULL);
  history = open_history (directory);
  last = playtest_history_get_last_conversation (history, NULL);
  g_assert_nonnull (last);
  g_assert_cmpuint (last->n_turns, ==, 5);
  turns = playtest_history_load_turns (history, last->conversation_id, NULL);
  g_assert_cmpuint (turns->len, ==, 5);
  g_assert_cmpstr (playtest_turn_get_reply_text (turns->pdata[4]), ==, "Always.");

  g_clear_object (&history);
  remove_tree (home);
}

/* Saving in the background */

/* The results of async saves, in the order their callbacks ran. */
typedef struct
{
  GArray  *order;        /* guint: the index each save was asked with */
  GThread *owner;
  guint    n_failed;
} Saves;

typedef struct
{
  Saves *saves;
  guint  index;
} SaveCall;

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree SaveCall *call = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_thread_self () == call->saves->owner);
  if (!playtest_history_save_turn_finish (PLAYTEST_HISTORY (source), result, &error))
    {
      g_test_message ("save %u failed: %s", call->index, error->message);
      call->saves->n_failed++;
    }
  g_array_append_val (call->saves->order, call->index);
}

static void
save_async (PlaytestHistory *history,
            const char      *conversation_id,
            PlaytestTurn    *turn,
            Saves           *saves,
            guint            index)
{
  SaveCall *call = g_new0 (SaveCall, 1);

  call->saves = saves;
  call->index = index;
  playtest_history_save_turn_async (history, conversation_id, turn, saved_cb, call);
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @n saves came back; fails instead of hanging. */
static void
wait_saves (Saves *saves,
            guint  n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_TIMEOUT_S, timed_out_cb, &timed_out);

  while (saves->order->len < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
saves_init (Saves *saves)
{
  saves->order = g_array_new (FALSE, FALSE, sizeof (guint));
  saves->owner = g_thread_self ();
  saves->n_failed = 0;
}

static void
saves_clear (Saves *saves)
{
  g_clear_pointer (&saves->order, g_array_unref);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  /* Views watch turns: a turn only ever changes on its owner's thread. */
  g_assert_true (g_thread_self () == test_thread);
  (*count)++;
}

static void
test_async_round_trip (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(GBytes) voice = NULL;
  g_autoptr(PlaytestTurn) turn = make_voice_turn (&voice);
  g_autoptr(GBytes) reply_audio = g_bytes_ref (playtest_turn_get_reply_audio (turn));
  g_autoptr(GPtrArray) turns = NULL;
  PlaytestTurnRecord saved, loaded;
  Saves saves;
  guint notifies = 0;
  gint64 start;

  saves_init (&saves);
  g_signal_connect (turn, "notify", G_CALLBACK (count_notify_cb), &notifies);

  start = g_get_monotonic_time ();
  save_async (fixture->history, conversation, turn, &saves, 0);
  g_test_message ("an async save of a spoken turn took %.3f ms on the calling thread",
                  (g_get_monotonic_time () - start) / 1000.0);

  /* The turn is left alone until the result is back on this thread. */
  g_assert_cmpint (playtest_turn_get_id (turn), ==, 0);
  g_assert_nonnull (playtest_turn_get_user_audio (turn));
  g_assert_cmpuint (notifies, ==, 0);

  wait_saves (&saves, 1);
  g_assert_cmpuint (saves.n_failed, ==, 0);
  g_assert_cmpuint (notifies, >, 0);
  g_assert_cmpint (playtest_turn_get_id (turn), >, 0);
  g_assert_null (playtest_turn_get_user_audio (turn));
  g_assert_null (playtest_turn_get_reply_audio (turn));
  assert_bytes_equal_file (voice, playtest_turn_get_user_audio_path (turn));
  assert_bytes_equal_file (reply_audio, playtest_turn_get_reply_audio_path (turn));

  fixture_reopen (fixture);
  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, 1);
  playtest_turn_get_record (turn, &saved);
  playtest_turn_get_record (g_ptr_array_index (turns, 0), &loaded);
  unit_test_assert_same_record (&saved, &loaded);
  g_assert_cmpstr (loaded.session_id, ==, "sess-4f2a");
  saves_clear (&saves);
}

/* Many saves asked at once are committed, and come back, in the order they were asked for;
 * reads in between see a consistent history, never a half-written turn. */
static void
test_async_order (Fixture       *fixture,
                  gconstpointer  data)
{
  const guint n = 40;
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(GPtrArray) asked = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) turns = NULL;
  g_autoptr(PlaytestConversationInfo) info = NULL;
  guint seen = 0;
  Saves saves;

  saves_init (&saves);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);
      g_autofree char *reply = g_strdup_printf ("answer %u", i);
      PlaytestTurn *turn = make_text_turn (MIRA, text, reply);

      save_async (fixture->history, conversation, turn, &saves, i);
      g_ptr_array_add (asked, turn);
    }

  /* Read while the writer writes. */
  while (saves.order->len < n)
    {
      g_autoptr(GPtrArray) so_far = load (fixture, conversation);

      g_assert_cmpuint (so_far->len, >=, seen);
      g_assert_cmpuint (so_far->len, <=, n);
      for (guint i = 0; i < so_far->len; i++)
        {
          g_autofree char *reply = g_strdup_printf ("answer %u", i);

          g_assert_cmpstr (playtest_turn_get_reply_text (so_far->pdata[i]), ==, reply);
        }
      seen = so_far->len;
      g_main_context_iteration (NULL, seen == n);
    }

  g_assert_cmpuint (saves.n_failed, ==, 0);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (g_array_index (saves.order, guint, i), ==, i);
      if (i > 0)
        g_assert_cmpint (playtest_turn_get_id (asked->pdata[i]), >,
                         playtest_turn_get_id (asked->pdata[i - 1]));
    }

  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (playtest_turn_get_id (turns->pdata[i]), ==,
                       playtest_turn_get_id (asked->pdata[i]));
      g_assert_cmpstr (playtest_turn_get_user_text (turns->pdata[i]), ==,
                       playtest_turn_get_user_text (asked->pdata[i]));
    }
  info = playtest_history_get_conversation (fixture->history, conversation, NULL);
  g_assert_cmpuint (info->n_turns, ==, n);
  saves_clear (&saves);
}

/* A turn saved again before its first save came back (a streamed reply's end, a retry) is
 * one row: the later saves update the row the first one inserted, and its audio files are
 * written once. A waiting save of the same turn goes after them. */
static void
test_update_racing_insert (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(GBytes) voice = unit_test_make_wav (8000, 16000, 1200);
  g_autoptr(PlaytestTurn) turn = playtest_turn_new_for_audio (MIRA, voice);
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_build_request (turn, TRUE, FALSE);
  g_autoptr(PlaytestReply) reply = make_full_reply ("The harbour froze last winter.");
  g_autoptr(PlaytestConversationInfo) info = NULL;
  g_autoptr(GPtrArray) turns = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestTurn *stored;
  Saves saves;

  saves_init (&saves);
  playtest_turn_append_text (turn, "Zebras");
  save_async (fixture->history, conversation, turn, &saves, 0);
  g_assert_cmpint (playtest_turn_get_id (turn), ==, 0);

  playtest_turn_complete (turn, reply);
  save_async (fixture->history, conversation, turn, &saves, 1);
  g_assert_cmpint (playtest_turn_get_id (turn), ==, 0);

  /* A save that waits goes after those on their way, and updates the same row. */
  g_assert_true (playtest_history_save_turn (fixture->history, conversation, turn, &error));
  g_assert_no_error (error);
  g_assert_cmpint (playtest_turn_get_id (turn), >, 0);

  wait_saves (&saves, 2);
  g_assert_cmpuint (saves.n_failed, ==, 0);
  g_assert_cmpuint (g_array_index (saves.order, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (saves.order, guint, 1), ==, 1);

  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, 1);
  stored = turns->pdata[0];
  g_assert_cmpint (playtest_turn_get_id (stored), ==, playtest_turn_get_id (turn));
  g_assert_cmpint (playtest_turn_get_state (stored), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_reply_text (stored), ==, "The harbour froze last winter.");
  g_assert_cmpstr (playtest_turn_get_user_audio_path (stored), ==,
                   playtest_turn_get_user_audio_path (turn));
  g_assert_cmpstr (playtest_turn_get_reply_audio_path (stored), ==,
                   playtest_turn_get_reply_audio_path (turn));
  assert_bytes_equal_file (voice, playtest_turn_get_user_audio_path (turn));
  g_assert_null (playtest_turn_get_user_audio (turn));
  g_assert_null (playtest_turn_get_reply_audio (turn));

  info = playtest_history_get_conversation (fixture->history, conversation, NULL);
  g_assert_cmpuint (info->n_turns, ==, 1);
  hits = search (fixture, "zebras");
  g_assert_cmpuint (hits->len, ==, 0);
  saves_clear (&saves);
}

/* Everything let go the moment a save is asked for: the save is committed all the same, and
 * a store opened next on the same folder finds it. */
static void
test_durable_after_immediate_unref (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autoptr(GBytes) voice = NULL;
  PlaytestTurn *turn = make_voice_turn (&voice);
  PlaytestHistory *old = g_steal_pointer (&fixture->history);
  g_autoptr(GPtrArray) turns = NULL;
  gboolean timed_out = FALSE;
  guint timeout;

  playtest_history_save_turn_async (old, conversation, turn, NULL, NULL);
  g_object_unref (turn);
  g_object_add_weak_pointer (G_OBJECT (old), (gpointer *) &old);
  g_object_unref (old);

  fixture->history = open_history (fixture->directory);
  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, 1);
  g_assert_cmpstr (playtest_turn_get_reply_text (turns->pdata[0]), ==,
                   "The ring? Ah, it is in the well.");
  assert_bytes_equal_file (voice, playtest_turn_get_user_audio_path (turns->pdata[0]));

  /* The old store goes once its result is back on this thread. */
  timeout = g_timeout_add_seconds (WAIT_TIMEOUT_S, timed_out_cb, &timed_out);
  while (old != NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout);
}

/* The app quits (exit) right after a turn: the save on its way is committed before the
 * process ends. */
static void
test_durable_after_exit (void)
{
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(PlaytestConversationInfo) last = NULL;
  g_autoptr(GPtrArray) turns = NULL;
  g_autofree char *directory = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *conversation = NULL;
      g_autoptr(GBytes) voice = NULL;
      g_autoptr(PlaytestTurn) spoken = make_voice_turn (&voice);

      history = open_history (g_getenv ("TEST_HISTORY_DIRECTORY"));
      conversation = playtest_history_new_conversation (history, MIRA, NULL);
      for (guint i = 0; i < 5; i++)
        {
          g_autoptr(PlaytestTurn) turn = make_text_turn (MIRA, "Remember me", "Always.");

          playtest_history_save_turn_async (history, conversation, turn, NULL, NULL);
        }
      playtest_history_save_turn_async (history, conversation, spoken, NULL, NULL);
      exit (0);
    }

  directory = g_dir_make_tmp ("test-history-XXXXXX", NULL);
  g_assert_nonnull (directory);
  g_setenv ("TEST_HISTORY_DIRECTORY", directory, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("TEST_HISTORY_DIRECTORY");
  g_test_trap_assert_passed ();

  history = open_history (directory);
  last = playtest_history_get_last_conversation (history, NULL);
  g_assert_nonnull (last);
  g_assert_cmpuint (last->n_turns, ==, 6);
  turns = playtest_history_load_turns (history, last->conversation_id, NULL);
  g_assert_cmpuint (turns->len, ==, 6);
  g_assert_cmpstr (playtest_turn_get_reply_text (turns->pdata[4]), ==, "Always.");
  g_assert_nonnull (playtest_turn_get_reply_audio_path (turns->pdata[5]));
  g_assert_true (g_file_test (playtest_turn_get_reply_audio_path (turns->pdata[5]),
                              G_FILE_TEST_EXISTS));

  g_clear_object (&history);
  remove_tree (directory);
}

static void
test_corrupt_file (void)
{
  g_autofree char *directory = g_dir_make_tmp ("test-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (directory, "history.db", NULL);
  g_autoptr(GString) junk = g_string_new (NULL);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  for (guint i = 0; i < 200; i++)
    g_string_append (junk, "This is not a database, but the user's file all the same.\n");
  g_assert_true (g_file_set_contents (path, junk->str, junk->len, NULL));

  g_assert_null (playtest_history_new (directory, &error));
  g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));

  g_assert_true (g_file_get_contents (path, &after, &length, NULL));
  g_assert_cmpmem (after, length, junk->str, junk->len);

  remove_tree (directory);
}

static void
test_cannot_open (void)
{
  g_autofree char *directory = g_dir_make_tmp ("test-history-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (directory, "a-file", NULL);
  g_autofree char *below_file = g_build_filename (file, "history", NULL);
  g_autofree char *read_only = g_build_filename (directory, "read-only", NULL);
  g_autofree char *probe = g_build_filename (read_only, "probe", NULL);
  g_autoptr(GError) error = NULL;

  /* A file stands where the folder should be. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_null (playtest_history_new (below_file, &error));
  g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, below_file));
  g_clear_error (&error);

  /* A folder the user may not write to (root may write anywhere: then there is nothing to
   * test). */
  g_assert_cmpint (g_mkdir (read_only, 0500), ==, 0);
  if (g_file_set_contents (probe, "x", 1, NULL))
    g_test_message ("the read-only folder is writable (running as root?): part skipped");
  else
    {
      g_assert_null (playtest_history_new (read_only, &error));
      g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_OPEN);
    }

  g_chmod (read_only, 0700);
  remove_tree (directory);
}

/* When the audio cannot be written, the words are saved all the same and the audio stays in
 * memory for the next try. */
static void
test_audio_write_failure (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *conversation = new_conversation (fixture, MIRA);
  g_autofree char *audio_dir = g_build_filename (fixture->directory, "audio", NULL);
  g_autoptr(GBytes) voice = NULL;
  g_autoptr(PlaytestTurn) turn = make_voice_turn (&voice);
  g_autoptr(GPtrArray) turns = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_rmdir (audio_dir), ==, 0);
  g_assert_true (g_file_set_contents (audio_dir, "in the way", -1, NULL));

  g_assert_false (playtest_history_save_turn (fixture->history, conversation, turn, &error));
  g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_WRITE);
  g_assert_cmpint (playtest_turn_get_id (turn), >, 0);
  g_assert_nonnull (playtest_turn_get_user_audio (turn));
  g_assert_nonnull (playtest_turn_get_reply_audio (turn));
  g_assert_null (playtest_turn_get_user_audio_path (turn));

  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, 1);
  g_assert_cmpstr (playtest_turn_get_reply_text (turns->pdata[0]), ==,
                   "The ring? Ah, it is in the well.");
  g_clear_pointer (&turns, g_ptr_array_unref);

  g_assert_cmpint (g_unlink (audio_dir), ==, 0);
  g_assert_cmpint (g_mkdir (audio_dir, 0700), ==, 0);
  save (fixture, conversation, turn);
  assert_bytes_equal_file (voice, playtest_turn_get_user_audio_path (turn));
  g_assert_null (playtest_turn_get_user_audio (turn));

  turns = load (fixture, conversation);
  g_assert_cmpuint (turns->len, ==, 1);
  g_assert_cmpstr (playtest_turn_get_user_audio_path (turns->pdata[0]), ==,
                   playtest_turn_get_user_audio_path (turn));
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return text;
}

static void
test_schema (Fixture       *fixture,
             gconstpointer  data)
{
  const char *path = playtest_history_get_database_path (fixture->history);
  g_autofree char *expected_path = g_build_filename (fixture->directory, "history.db", NULL);
  g_autofree char *mode = NULL;
  g_autofree char *version = NULL;
  g_autofree char *fts = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpstr (path, ==, expected_path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  mode = query_text (db, "PRAGMA journal_mode");
  version = query_text (db, "PRAGMA user_version");
  fts = query_text (db, "SELECT sql FROM sqlite_schema WHERE name = 'turns_fts'");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpstr (version, ==, "2");
  g_assert_nonnull (strstr (fts, "fts5"));

  /* A store from a newer version is left alone. */
  g_assert_finalize_object (g_steal_pointer (&fixture->history));
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  g_assert_null (playtest_history_new (fixture->directory, &error));
  g_assert_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "newer"));
}

static PlaytestScriptRun *
make_script_run (const char *name,
                 const char *first_conversation,
                 const char *second_conversation,
                 gint64      started_unix)
{
  PlaytestScriptRun *run = g_new0 (PlaytestScriptRun, 1);

  run->script_name = g_strdup (name);
  run->script_path = g_strdup ("/scripts/smoke.json");
  run->conversation_ids = g_new0 (char *, 3);
  run->conversation_ids[0] = g_strdup (first_conversation);
  run->conversation_ids[1] = g_strdup (second_conversation);
  run->started_at = g_date_time_new_from_unix_utc (started_unix);
  run->finished_at = g_date_time_add_seconds (run->started_at, 4);
  run->n_steps = 4;
  run->n_passed = 2;
  run->n_failed = 1;
  run->n_errors = 0;
  run->n_skipped = 1;
  run->results_json = g_strdup ("{\"steps\":[{\"status\":\"failed\"}]}");

  return run;
}

/* A run is found from either of its sessions, newest first, with everything it was given. */
static void
test_script_runs (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *first = playtest_history_new_conversation (fixture->history, MIRA, NULL);
  g_autofree char *second = playtest_history_new_conversation (fixture->history, MIRA, NULL);
  g_autofree char *other = playtest_history_new_conversation (fixture->history, OREN, NULL);
  g_autoptr(PlaytestScriptRun) older = make_script_run ("Smoke", first, second, 1700000000);
  g_autoptr(PlaytestScriptRun) newer = make_script_run ("Regression", second, NULL, 1700000100);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestScriptRun *run;
  gint64 older_id, newer_id;

  older_id = playtest_history_save_script_run (fixture->history, older, &error);
  g_assert_no_error (error);
  newer_id = playtest_history_save_script_run (fixture->history, newer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (older_id, >, 0);
  g_assert_cmpint (newer_id, !=, older_id);

  fixture_reopen (fixture);

  runs = playtest_history_list_script_runs (fixture->history, first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  run = g_ptr_array_index (runs, 0);
  g_assert_cmpint (run->id, ==, older_id);
  g_assert_cmpstr (run->script_name, ==, "Smoke");
  g_assert_cmpstr (run->script_path, ==, "/scripts/smoke.json");
  g_assert_cmpuint (g_strv_length (run->conversation_ids), ==, 2);
  g_assert_cmpstr (run->conversation_ids[0], ==, first);
  g_assert_cmpstr (run->conversation_ids[1], ==, second);
  g_assert_cmpint (g_date_time_to_unix (run->started_at), ==, 1700000000);
  g_assert_cmpint (g_date_time_to_unix (run->finished_at), ==, 1700000004);
  g_assert_cmpuint (run->n_steps, ==, 4);
  g_assert_cmpuint (run->n_passed, ==, 2);
  g_assert_cmpuint (run->n_failed, ==, 1);
  g_assert_cmpuint (run->n_errors, ==, 0);
  g_assert_cmpuint (run->n_skipped, ==, 1);
  g_assert_cmpstr (run->results_json, ==, older->results_json);
  g_clear_pointer (&runs, g_ptr_array_unref);

  runs = playtest_history_list_script_runs (fixture->history, second, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  g_assert_cmpstr (((PlaytestScriptRun *) g_ptr_array_index (runs, 0))->script_name, ==,
                   "Regression");
  g_assert_cmpstr (((PlaytestScriptRun *) g_ptr_array_index (runs, 1))->script_name, ==, "Smoke");
  g_clear_pointer (&runs, g_ptr_array_unref);

  runs = playtest_history_list_script_runs (fixture->history, other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 0);
  g_clear_pointer (&runs, g_ptr_array_unref);

  runs = playtest_history_list_script_runs (fixture->history, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
}

/* A store written before script runs existed gains them on open, its turns kept. */
static void
test_script_runs_migration (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = g_strdup (playtest_history_get_database_path (fixture->history));
  g_autofree char *id = playtest_history_new_conversation (fixture->history, MIRA, NULL);
  g_autoptr(PlaytestScriptRun) run = make_script_run ("Smoke", id, NULL, 1700000000);
  g_autoptr(PlaytestConversationInfo) info = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  sqlite3 *db = NULL;

  g_assert_finalize_object (g_steal_pointer (&fixture->history));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE script_run_conversations; DROP TABLE script_runs;"
                                 "PRAGMA user_version = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  fixture->history = open_history (fixture->directory);
  info = playtest_history_get_conversation (fixture->history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->character_id, ==, MIRA);
  g_assert_cmpint (playtest_history_save_script_run (fixture->history, run, &error), >, 0);
  g_assert_no_error (error);
  runs = playtest_history_list_script_runs (fixture->history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  version = query_text (db, "PRAGMA user_version");
  sqlite3_close (db);
  g_assert_cmpstr (version, ==, "2");
}

static void
test_default_directory (void)
{
  g_autoptr(PlaytestHistory) history = playtest_history_new_default (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "convai-playtest", NULL);

  g_assert_nonnull (history);
  g_assert_cmpstr (playtest_history_get_directory (history), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_thread = g_thread_self ();

#define ADD(path, func) \
  g_test_add ("/history/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("voice-round-trip", test_voice_round_trip);
  ADD ("failed-turn", test_failed_turn);
  ADD ("update-in-place", test_update_in_place);
  ADD ("unfinished-turn", test_unfinished_turn_restored_as_failed);
  ADD ("conversations", test_conversations);
  ADD ("not-found", test_not_found);
  ADD ("search", test_search);
  ADD ("hostile-queries", test_hostile_queries);
  ADD ("durable-after-reopen", test_durable_after_reopen);
  ADD ("audio-write-failure", test_audio_write_failure);
  ADD ("schema", test_schema);
  ADD ("async-round-trip", test_async_round_trip);
  ADD ("async-order", test_async_order);
  ADD ("update-racing-insert", test_update_racing_insert);
  ADD ("durable-after-immediate-unref", test_durable_after_immediate_unref);
  ADD ("script-runs", test_script_runs);
  ADD ("script-runs-migration", test_script_runs_migration);
  g_test_add_func ("/history/durable-after-crash", test_durable_after_crash);
  g_test_add_func ("/history/durable-after-exit", test_durable_after_exit);
  g_test_add_func ("/history/corrupt-file", test_corrupt_file);
  g_test_add_func ("/history/cannot-open", test_cannot_open);
  g_test_add_func ("/history/default-directory", test_default_directory);

#undef ADD

  return g_test_run ();
}
