/* test-conversation.c: the conversation model against the demo backend, over real HTTP on
 * loopback: sessions, order, streaming, failures, retry, cancel, and the history store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "demo-test-util.h"
#include "playtest-conversation.h"
#include "playtest-demo-server.h"
#include "playtest-wav.h"

#define MIRA_GREETING    DEMO_TEST_MIRA_GREETING
#define KEY              "demo-key-5ecret"
#define WAIT_TIMEOUT_S   60

typedef struct
{
  PlaytestDemoServer   *server;
  PlaytestClient       *client;
  PlaytestConversation *conversation;
  GString              *events;       /* what the conversation said, in order */
  GPtrArray            *history_errors;
  guint                 n_saved;       /* turn-saved emissions */
  guint                 session_notifies;
} Fixture;

/* Events ----------------------------------------------------------------------------------- */

static guint
turn_index (Fixture      *f,
            PlaytestTurn *turn)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->conversation));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PlaytestTurn) item = g_list_model_get_item (G_LIST_MODEL (f->conversation), i);

      if (item == turn)
        return i;
    }

  g_assert_not_reached ();
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  g_string_append_printf (f->events, "items-changed %u %u %u;", position, removed, added);
}

static void
turn_completed_cb (PlaytestConversation *conversation,
                   PlaytestTurn         *turn,
                   Fixture              *f)
{
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_string_append_printf (f->events, "completed %u;", turn_index (f, turn));
}

static void
turn_failed_cb (PlaytestConversation *conversation,
                PlaytestTurn         *turn,
                Fixture              *f)
{
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_FAILED);
  g_string_append_printf (f->events, "failed %u;", turn_index (f, turn));
}

static void
history_error_cb (PlaytestConversation *conversation,
                  const GError         *error,
                  Fixture              *f)
{
  g_ptr_array_add (f->history_errors, g_error_copy (error));
}

static void
turn_saved_cb (PlaytestConversation *conversation,
               PlaytestTurn         *turn,
               Fixture              *f)
{
  /* On disk: it has its id. */
  g_assert_cmpint (playtest_turn_get_id (turn), >, 0);
  f->n_saved++;
}

static void
session_id_cb (PlaytestConversation *conversation,
               GParamSpec           *pspec,
               Fixture              *f)
{
  f->session_notifies++;
}

static void
watch (Fixture              *f,
       PlaytestConversation *conversation)
{
  g_clear_object (&f->conversation);
  f->conversation = conversation;
  g_string_truncate (f->events, 0);
  f->session_notifies = 0;
  f->n_saved = 0;
  g_ptr_array_set_size (f->history_errors, 0);

  g_signal_connect (conversation, "items-changed", G_CALLBACK (items_changed_cb), f);
  g_signal_connect (conversation, "turn-completed", G_CALLBACK (turn_completed_cb), f);
  g_signal_connect (conversation, "turn-failed", G_CALLBACK (turn_failed_cb), f);
  g_signal_connect (conversation, "history-error", G_CALLBACK (history_error_cb), f);
  g_signal_connect (conversation, "turn-saved", G_CALLBACK (turn_saved_cb), f);
  g_signal_connect (conversation, "notify::session-id", G_CALLBACK (session_id_cb), f);
}

/* Fixture ---------------------------------------------------------------------------------- */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;

  f->server = playtest_demo_server_new ();
  playtest_demo_server_listen (f->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  base_url = playtest_demo_server_dup_base_url (f->server);
  f->client = playtest_client_new (base_url, NULL);
  f->events = g_string_new (NULL);
  f->history_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  watch (f, playtest_conversation_new (f->client, NULL, "demo-mira"));
  playtest_conversation_set_voice_response (f->conversation, FALSE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_false (playtest_conversation_get_busy (f->conversation));
  g_assert_finalize_object (f->conversation);
  g_assert_finalize_object (f->client);
  g_assert_finalize_object (f->server);
  g_string_free (f->events, TRUE);
  g_ptr_array_unref (f->history_errors);
}

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the conversation has sent everything; fails the test (instead
 * of hanging) if that takes far longer than it ever should. */
static void
wait_idle (Fixture *f)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_TIMEOUT_S, timed_out_cb, &timed_out);

  while (playtest_conversation_get_busy (f->conversation) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (timed_out);
  g_source_remove (id);
}

/* Runs the main loop until the store has answered for @n saves since watch(): committed
 * (::turn-saved) or not (::history-error). */
static void
wait_saved (Fixture *f,
            guint    n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_TIMEOUT_S, timed_out_cb, &timed_out);

  while (f->n_saved + f->history_errors->len < n && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (timed_out);
  g_source_remove (id);
}

static PlaytestTurn *
say (Fixture    *f,
     const char *text)
{
  PlaytestTurn *turn = playtest_conversation_send_text (f->conversation, text);

  wait_idle (f);
  return turn;
}

static void
assert_description_has (PlaytestTurn *turn,
                        const char   *format,
                        ...) G_GNUC_PRINTF (2, 3);

static void
assert_description_has (PlaytestTurn *turn,
                        const char   *format,
                        ...)
{
  const char *description = playtest_turn_get_request_description (turn);
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  if (description == NULL || strstr (description, line) == NULL)
    g_error ("request description lacks “%s”:\n%s", line, description);
}

/* Sending ---------------------------------------------------------------------------------- */

static void
test_send (Fixture       *f,
           gconstpointer  data)
{
  PlaytestTurn *turn;
  const char *session_id;

  g_assert_null (playtest_conversation_get_last_turn (f->conversation));
  g_assert_nonnull (playtest_conversation_get_id (f->conversation));
  g_assert_cmpstr (playtest_conversation_get_character_id (f->conversation), ==, "demo-mira");
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (f->conversation)) ==
                 PLAYTEST_TYPE_TURN);

  turn = playtest_conversation_send_text (f->conversation, "Hello there!");

  /* At once: a pending row, before anything came back. */
  g_assert_cmpstr (f->events->str, ==, "items-changed 0 0 1;");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->conversation)), ==, 1);
  g_assert_true (playtest_conversation_get_last_turn (f->conversation) == turn);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_PENDING);
  g_assert_true (playtest_conversation_get_busy (f->conversation));
  g_assert_null (playtest_conversation_get_session_id (f->conversation));

  wait_idle (f);
  session_id = playtest_conversation_get_session_id (f->conversation);
  g_assert_cmpstr (f->events->str, ==, "items-changed 0 0 1;completed 0;");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), ==, MIRA_GREETING);
  g_assert_cmpstr (playtest_turn_get_emotion (turn), ==, "joy");
  g_assert_cmpstr (playtest_turn_get_narrative_section_id (turn), ==, "mira-arrival");
  g_assert_true (demo_test_is_session_id (session_id));
  g_assert_cmpstr (playtest_turn_get_session_id (turn), ==, session_id);
  g_assert_cmpuint (f->session_notifies, ==, 1);
  g_assert_cmpint (playtest_turn_get_latency_ms (turn), >=, 0);
  g_assert_nonnull (strstr (playtest_turn_get_reply_json (turn), "\"sessionID\""));
  g_assert_null (playtest_turn_get_reply_audio (turn));
  assert_description_has (turn, "sessionID: -1\n");
  assert_description_has (turn, "voiceResponse: false\n");
}

static void
test_voice_reply (Fixture       *f,
                  gconstpointer  data)
{
  PlaytestTurn *turn;

  playtest_conversation_set_voice_response (f->conversation, TRUE);
  turn = say (f, "Hello there!");

  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  demo_test_assert_speech (playtest_turn_get_reply_audio (turn), 300);
  g_assert_cmpuint (playtest_turn_get_reply_audio_duration_ms (turn), >=, 300);
  g_assert_nonnull (strstr (playtest_turn_get_reply_json (turn), "KB of base64 audio"));
  assert_description_has (turn, "voiceResponse: true\n");
}

static void
test_voice_line (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) wav = demo_test_make_wav (16000, 1, 1.0);
  PlaytestTurn *turn = playtest_conversation_send_audio (f->conversation, wav);

  g_assert_cmpstr (f->events->str, ==, "items-changed 0 0 1;");
  g_assert_true (playtest_turn_is_voice (turn));
  g_assert_cmpuint (playtest_turn_get_user_audio_duration_ms (turn), ==, 1000);
  wait_idle (f);

  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, "");
  g_assert_cmpstr (playtest_turn_get_user_query (turn), ==, "(voice message, 1.0 s)");
  g_assert_true (demo_test_is_session_id (playtest_turn_get_session_id (turn)));
  assert_description_has (turn, "file: audio.wav, %" G_GSIZE_FORMAT " bytes\n",
                          g_bytes_get_size (wav));
  assert_description_has (turn, "sample_rate: 16000\n");
}

static void
test_second_turn (Fixture       *f,
                  gconstpointer  data)
{
  PlaytestTurn *first = say (f, "Hello there!");
  g_autofree char *session_id = g_strdup (playtest_turn_get_session_id (first));
  PlaytestTurn *second = say (f, "What's wrong?");

  g_assert_cmpint (playtest_turn_get_state (second), ==, PLAYTEST_TURN_COMPLETE);
  assert_description_has (second, "sessionID: %s\n", session_id);
  g_assert_cmpstr (playtest_turn_get_session_id (second), ==, session_id);
  g_assert_cmpstr (playtest_conversation_get_session_id (f->conversation), ==, session_id);
  g_assert_cmpuint (f->session_notifies, ==, 1);
  g_assert_cmpstr (f->events->str, ==,
                   "items-changed 0 0 1;completed 0;items-changed 1 0 1;completed 1;");
  g_assert_true (playtest_conversation_get_last_turn (f->conversation) == second);
}

static void
test_queue_keeps_order (Fixture       *f,
                        gconstpointer  data)
{
  PlaytestTurn *first = playtest_conversation_send_text (f->conversation, "Hello there!");
  PlaytestTurn *second = playtest_conversation_send_text (f->conversation, "What's wrong?");
  PlaytestTurn *third = playtest_conversation_send_text (f->conversation,
                                                         "I will help you find it.");

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->conversation)), ==, 3);
  g_assert_cmpint (playtest_turn_get_state (second), ==, PLAYTEST_TURN_PENDING);
  /* Only the first went out: the others wait for the session its reply brings. */
  g_assert_nonnull (playtest_turn_get_request_description (first));
  g_assert_null (playtest_turn_get_request_description (second));

  wait_idle (f);
  g_assert_cmpstr (f->events->str, ==,
                   "items-changed 0 0 1;items-changed 1 0 1;items-changed 2 0 1;"
                   "completed 0;completed 1;completed 2;");
  assert_description_has (first, "sessionID: -1\n");
  assert_description_has (second, "sessionID: %s\n", playtest_turn_get_session_id (first));
  assert_description_has (third, "sessionID: %s\n", playtest_turn_get_session_id (first));
  assert_description_has (third, "userText: I will help you find it.\n");
  g_assert_cmpstr (playtest_turn_get_session_id (third), ==,
                   playtest_turn_get_session_id (first));
}

typedef struct
{
  GPtrArray *texts;       /* reply text at each notification while streaming */
} Streamed;

static void
reply_text_cb (PlaytestTurn *turn,
               GParamSpec   *pspec,
               Streamed     *streamed)
{
  if (playtest_turn_get_state (turn) == PLAYTEST_TURN_STREAMING)
    g_ptr_array_add (streamed->texts, g_strdup (playtest_turn_get_reply_text (turn)));
}

static void
test_stream (Fixture       *f,
             gconstpointer  data)
{
  static const char * const lines[] = { "Hello there!", "What's wrong?", "I will help you." };
  g_autoptr(PlaytestConversation) plain = playtest_conversation_new (f->client, NULL,
                                                                     "demo-mira");
  g_autoptr(PlaytestTurn) greeting = NULL;

  playtest_conversation_set_voice_response (plain, FALSE);
  playtest_conversation_set_stream (f->conversation, TRUE);
  g_assert_true (playtest_conversation_get_stream (f->conversation));
  g_assert_false (playtest_conversation_get_stream (plain));

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      Streamed streamed = { g_ptr_array_new_with_free_func (g_free) };
      PlaytestTurn *turn = playtest_conversation_send_text (f->conversation, lines[i]);
      PlaytestTurn *plain_turn = playtest_conversation_send_text (plain, lines[i]);
      const char *final;

      g_signal_connect (turn, "notify::reply-text", G_CALLBACK (reply_text_cb), &streamed);
      wait_idle (f);
      while (playtest_conversation_get_busy (plain))
        g_main_context_iteration (NULL, TRUE);

      /* It grew piece by piece while streaming, each step a beginning of the whole. */
      final = playtest_turn_get_reply_text (turn);
      g_test_message ("%u pieces of “%s”", streamed.texts->len, final);
      g_assert_cmpuint (streamed.texts->len, >=, 2);
      for (guint j = 0; j < streamed.texts->len; j++)
        g_assert_true (g_str_has_prefix (final, g_ptr_array_index (streamed.texts, j)));
      g_assert_cmpstr (g_ptr_array_index (streamed.texts, streamed.texts->len - 1), ==, final);
      assert_description_has (turn, "stream: True\n");

      g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
      g_assert_cmpstr (final, ==, playtest_turn_get_reply_text (plain_turn));
      g_assert_cmpstr (playtest_turn_get_emotion (turn), ==,
                       playtest_turn_get_emotion (plain_turn));
      g_assert_cmpstr (playtest_turn_get_narrative_section_id (turn), ==,
                       playtest_turn_get_narrative_section_id (plain_turn));
      g_signal_handlers_disconnect_by_data (turn, &streamed);
      g_ptr_array_unref (streamed.texts);
    }

  greeting = g_list_model_get_item (G_LIST_MODEL (plain), 0);
  g_assert_cmpstr (playtest_turn_get_reply_text (greeting), ==, MIRA_GREETING);
}

typedef struct
{
  PlaytestTurn *turn;     /* the turn the chunks must belong to */
  guint         n_chunks; /* chunks before turn-completed */
  gboolean      completed;
} Chunks;

static void
audio_chunk_cb (PlaytestConversation *conversation,
                PlaytestTurn         *turn,
                GBytes               *wav,
                Chunks               *chunks)
{
  PlaytestWavInfo info;

  g_assert_true (turn == chunks->turn);
  g_assert_false (chunks->completed);
  g_assert_cmpint (playtest_turn_get_state (turn), !=, PLAYTEST_TURN_COMPLETE);
  g_assert_true (playtest_wav_parse_bytes (wav, &info, NULL));
  chunks->n_chunks++;
}

static void
chunks_completed_cb (PlaytestConversation *conversation,
                     PlaytestTurn         *turn,
                     Chunks               *chunks)
{
  chunks->completed = TRUE;
}

/* With streaming and voice on, the voice comes chunk by chunk before the turn completes, so
 * that the app can start playing it early. */
static void
test_stream_audio_chunks (Fixture       *f,
                          gconstpointer  data)
{
  Chunks chunks = { NULL };

  playtest_conversation_set_voice_response (f->conversation, TRUE);
  playtest_conversation_set_stream (f->conversation, TRUE);
  g_signal_connect (f->conversation, "audio-chunk", G_CALLBACK (audio_chunk_cb), &chunks);
  g_signal_connect (f->conversation, "turn-completed", G_CALLBACK (chunks_completed_cb),
                    &chunks);
  chunks.turn = playtest_conversation_send_text (f->conversation, "Hello there!");
  wait_idle (f);

  g_test_message ("%u audio chunks", chunks.n_chunks);
  g_assert_true (chunks.completed);
  g_assert_cmpuint (chunks.n_chunks, >=, 1);
  g_signal_handlers_disconnect_by_data (f->conversation, &chunks);
}

/* Failures, retry, cancel ------------------------------------------------------------------ */

static void
test_fail_and_retry (Fixture       *f,
                     gconstpointer  data)
{
  PlaytestTurn *turn;
  const GError *error;

  playtest_demo_server_set_api_key (f->server, KEY);
  playtest_client_set_api_key (f->client, "not-the-" KEY);

  turn = say (f, "Hello there!");
  error = playtest_turn_get_error (turn);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_FAILED);
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_KEY);
  g_assert_cmpuint (playtest_client_error_get_status (error), ==, 401);
  g_assert_nonnull (strstr (error->message, "Invalid API key provided."));
  g_assert_null (playtest_conversation_get_session_id (f->conversation));
  g_assert_cmpstr (f->events->str, ==, "items-changed 0 0 1;failed 0;");
  /* The key is never shown, not even masked partly. */
  g_assert_null (strstr (playtest_turn_get_request_description (turn), KEY));
  g_assert_null (strstr (error->message, KEY));
  assert_description_has (turn, "CONVAI-API-KEY: ••••••\n");

  /* Retry sends the same line again, in the same row. */
  playtest_client_set_api_key (f->client, KEY);
  playtest_conversation_retry (f->conversation, turn);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_PENDING);
  g_assert_null (playtest_turn_get_error (turn));
  g_assert_true (playtest_conversation_get_busy (f->conversation));
  wait_idle (f);

  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_reply_text (turn), ==, MIRA_GREETING);
  g_assert_cmpstr (playtest_turn_get_user_text (turn), ==, "Hello there!");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->conversation)), ==, 1);
  g_assert_cmpstr (f->events->str, ==, "items-changed 0 0 1;failed 0;completed 0;");
  g_assert_true (demo_test_is_session_id (playtest_conversation_get_session_id (f->conversation)));
}

static void
test_server_error_then_continue (Fixture       *f,
                                 gconstpointer  data)
{
  PlaytestTurn *first = say (f, "Hello there!");
  g_autofree char *session_id = g_strdup (playtest_turn_get_session_id (first));
  PlaytestTurn *failed = say (f, "What's wrong? [demo:fail=503]");
  PlaytestTurn *after = NULL;

  g_assert_error (playtest_turn_get_error (failed), PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_SERVER);
  g_assert_cmpuint (playtest_client_error_get_status (playtest_turn_get_error (failed)), ==, 503);
  assert_description_has (failed, "sessionID: %s\n", session_id);

  /* The session goes on past a failed turn. */
  after = say (f, "What's wrong?");
  g_assert_cmpint (playtest_turn_get_state (after), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_session_id (after), ==, session_id);
  g_assert_cmpstr (f->events->str, ==,
                   "items-changed 0 0 1;completed 0;items-changed 1 0 1;failed 1;"
                   "items-changed 2 0 1;completed 2;");
}

static gboolean
cancel_cb (gpointer data)
{
  playtest_conversation_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  PlaytestTurn *slow;
  PlaytestTurn *next;
  const GError *error;

  /* Nothing to cancel is fine. */
  playtest_conversation_cancel (f->conversation);

  playtest_demo_server_set_latency_ms (f->server, 30000);
  slow = playtest_conversation_send_text (f->conversation, "Hello there!");
  next = playtest_conversation_send_text (f->conversation, "What's wrong?");
  g_timeout_add_full (G_PRIORITY_DEFAULT, 200, cancel_cb, g_object_ref (f->conversation),
                      g_object_unref);

  /* Only the turn on its way is cancelled; the one behind it goes next. */
  while (playtest_turn_get_state (slow) == PLAYTEST_TURN_PENDING)
    g_main_context_iteration (NULL, TRUE);
  playtest_demo_server_set_latency_ms (f->server, 0);
  wait_idle (f);

  error = playtest_turn_get_error (slow);
  g_assert_cmpint (playtest_turn_get_state (slow), ==, PLAYTEST_TURN_FAILED);
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "Cancelled");
  g_assert_cmpint (playtest_turn_get_state (next), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->conversation)), ==, 2);

  playtest_conversation_retry (f->conversation, slow);
  wait_idle (f);
  g_assert_cmpint (playtest_turn_get_state (slow), ==, PLAYTEST_TURN_COMPLETE);
  assert_description_has (slow, "sessionID: %s\n", playtest_turn_get_session_id (next));
  g_assert_cmpstr (f->events->str, ==,
                   "items-changed 0 0 1;items-changed 1 0 1;failed 0;completed 1;completed 0;");
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static void
test_busy_notifies (Fixture       *f,
                    gconstpointer  data)
{
  guint notifies = 0;

  g_signal_connect (f->conversation, "notify::busy", G_CALLBACK (count_cb), &notifies);

  playtest_conversation_send_text (f->conversation, "Hello there!");
  playtest_conversation_send_text (f->conversation, "What's wrong?");
  g_assert_cmpuint (notifies, ==, 1);
  wait_idle (f);
  /* Busy once for the whole queue, not once per turn. */
  g_assert_cmpuint (notifies, ==, 2);
}

/* The history store ------------------------------------------------------------------------ */

static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("test-conversation-XXXXXX", NULL);
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation_id = NULL;
  g_autofree char *session_id = NULL;
  PlaytestTurn *first;
  PlaytestTurn *failed;
  PlaytestTurn *third;

  history = playtest_history_new (dir, &error);
  g_assert_no_error (error);
  watch (f, playtest_conversation_new (f->client, history, "demo-mira"));
  conversation_id = g_strdup (playtest_conversation_get_id (f->conversation));

  first = say (f, "Hello there!");
  failed = say (f, "What's wrong? [demo:fail=429,retry-after=3]");
  session_id = g_strdup (playtest_conversation_get_session_id (f->conversation));
  wait_saved (f, 2);
  g_assert_cmpuint (f->history_errors->len, ==, 0);
  g_assert_cmpuint (f->n_saved, ==, 2);

  /* Durable once reported saved: the store has both, with their ids and the reply's voice. */
  g_assert_cmpint (playtest_turn_get_id (first), >, 0);
  g_assert_cmpint (playtest_turn_get_id (failed), >, playtest_turn_get_id (first));
  g_assert_nonnull (playtest_turn_get_reply_audio_path (first));
  g_assert_true (g_file_test (playtest_turn_get_reply_audio_path (first), G_FILE_TEST_EXISTS));
  stored = playtest_history_load_turns (history, conversation_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);
  g_assert_cmpstr (playtest_turn_get_reply_text (g_ptr_array_index (stored, 0)), ==,
                   MIRA_GREETING);
  g_assert_cmpint (playtest_turn_get_state (g_ptr_array_index (stored, 1)), ==,
                   PLAYTEST_TURN_FAILED);

  /* Reopened, it has its turns and goes on in its session. */
  g_clear_object (&f->conversation);
  watch (f, playtest_conversation_new_from_history (f->client, history, conversation_id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (playtest_conversation_get_id (f->conversation), ==, conversation_id);
  g_assert_cmpstr (playtest_conversation_get_character_id (f->conversation), ==, "demo-mira");
  g_assert_cmpstr (playtest_conversation_get_session_id (f->conversation), ==, session_id);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->conversation)), ==, 2);
  failed = playtest_conversation_get_last_turn (f->conversation);
  g_assert_error (playtest_turn_get_error (failed), PLAYTEST_CLIENT_ERROR,
                  PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpint (playtest_client_error_get_retry_after (playtest_turn_get_error (failed)), ==, 3);

  third = say (f, "What's wrong?");
  wait_saved (f, 1);
  g_assert_cmpint (playtest_turn_get_state (third), ==, PLAYTEST_TURN_COMPLETE);
  assert_description_has (third, "sessionID: %s\n", session_id);
  g_assert_cmpstr (playtest_conversation_get_session_id (f->conversation), ==, session_id);
  g_assert_cmpuint (f->session_notifies, ==, 0);
  g_assert_cmpstr (f->events->str, ==, "items-changed 2 0 1;completed 2;");
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = playtest_history_load_turns (history, conversation_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 3);

  g_clear_pointer (&stored, g_ptr_array_unref);
  g_clear_object (&f->conversation);
  watch (f, playtest_conversation_new (f->client, NULL, "demo-mira"));
  g_assert_finalize_object (g_steal_pointer (&history));
  demo_test_remove_tree (dir);
}

/* A failed spoken turn is saved with its recording on disk and out of memory; Retry reads
 * the recording back. */
static void
test_history_voice_retry (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("test-conversation-XXXXXX", NULL);
  g_autoptr(GBytes) wav = demo_test_make_wav (16000, 1, 1.5);
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  gsize saved_size = 0;
  PlaytestTurn *turn;

  history = playtest_history_new (dir, &error);
  g_assert_no_error (error);
  watch (f, playtest_conversation_new (f->client, history, "demo-mira"));
  playtest_demo_server_set_api_key (f->server, KEY);

  turn = playtest_conversation_send_audio (f->conversation, wav);
  wait_idle (f);
  wait_saved (f, 1);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_FAILED);
  g_assert_null (playtest_turn_get_user_audio (turn));
  g_assert_true (g_file_get_contents (playtest_turn_get_user_audio_path (turn), &saved,
                                      &saved_size, NULL));
  g_assert_cmpmem (saved, saved_size, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));

  playtest_client_set_api_key (f->client, KEY);
  playtest_conversation_retry (f->conversation, turn);
  wait_idle (f);
  wait_saved (f, 2);
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_user_query (turn), ==, "(voice message, 1.5 s)");
  g_assert_cmpstr (f->events->str, ==, "items-changed 0 0 1;failed 0;completed 0;");
  g_assert_cmpuint (f->history_errors->len, ==, 0);

  g_clear_object (&f->conversation);
  watch (f, playtest_conversation_new (f->client, NULL, "demo-mira"));
  g_assert_finalize_object (g_steal_pointer (&history));
  demo_test_remove_tree (dir);
}

static void
test_history_error (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("test-conversation-XXXXXX", NULL);
  g_autofree char *audio_dir = g_build_filename (dir, "audio", NULL);
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestTurn *turn;

  history = playtest_history_new (dir, &error);
  g_assert_no_error (error);
  watch (f, playtest_conversation_new (f->client, history, "demo-mira"));
  playtest_conversation_set_voice_response (f->conversation, TRUE);

  /* A file where the audio folder should be: no voice can be written, even as root. */
  demo_test_remove_tree (audio_dir);
  g_file_set_contents (audio_dir, "", 0, &error);
  g_assert_no_error (error);

  turn = say (f, "Hello there!");
  wait_saved (f, 1);
  g_assert_cmpuint (f->n_saved, ==, 0);
  g_assert_cmpuint (f->history_errors->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (f->history_errors, 0), PLAYTEST_HISTORY_ERROR,
                  PLAYTEST_HISTORY_ERROR_WRITE);
  /* The turn is not lost: complete, in the list, its voice still in memory. */
  g_assert_cmpstr (f->events->str, ==, "items-changed 0 0 1;completed 0;");
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_nonnull (playtest_turn_get_reply_audio (turn));

  g_clear_object (&f->conversation);
  watch (f, playtest_conversation_new (f->client, NULL, "demo-mira"));
  g_assert_finalize_object (g_steal_pointer (&history));
  demo_test_remove_tree (dir);
}

static void
saved_event_cb (PlaytestConversation *conversation,
                PlaytestTurn         *turn,
                Fixture              *f)
{
  g_string_append_printf (f->events, "saved %u;", turn_index (f, turn));
}

/* A turn is durable once reported saved: another store on the same folder (the next run of
 * the app) finds it, its voice too. The window is told of the reply first, without waiting
 * for the disk. */
static void
test_history_durable_once_saved (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("test-conversation-XXXXXX", NULL);
  g_autoptr(PlaytestHistory) history = NULL;
  g_autoptr(PlaytestHistory) reopened = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conversation_id = NULL;
  PlaytestTurn *turn;
  PlaytestTurn *restored;

  history = playtest_history_new (dir, &error);
  g_assert_no_error (error);
  watch (f, playtest_conversation_new (f->client, history, "demo-mira"));
  g_signal_connect (f->conversation, "turn-saved", G_CALLBACK (saved_event_cb), f);
  playtest_conversation_set_voice_response (f->conversation, TRUE);
  conversation_id = g_strdup (playtest_conversation_get_id (f->conversation));

  turn = playtest_conversation_send_text (f->conversation, "Hello there!");
  wait_saved (f, 1);
  g_assert_cmpuint (f->history_errors->len, ==, 0);
  g_assert_cmpstr (f->events->str, ==, "items-changed 0 0 1;completed 0;saved 0;");
  g_assert_cmpint (playtest_turn_get_id (turn), >, 0);
  g_assert_null (playtest_turn_get_reply_audio (turn));
  g_assert_true (g_file_test (playtest_turn_get_reply_audio_path (turn), G_FILE_TEST_EXISTS));

  reopened = playtest_history_new (dir, &error);
  g_assert_no_error (error);
  stored = playtest_history_load_turns (reopened, conversation_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 1);
  restored = g_ptr_array_index (stored, 0);
  g_assert_cmpint (playtest_turn_get_id (restored), ==, playtest_turn_get_id (turn));
  g_assert_cmpint (playtest_turn_get_state (restored), ==, PLAYTEST_TURN_COMPLETE);
  g_assert_cmpstr (playtest_turn_get_reply_text (restored), ==, MIRA_GREETING);
  g_assert_cmpstr (playtest_turn_get_reply_audio_path (restored), ==,
                   playtest_turn_get_reply_audio_path (turn));

  g_clear_pointer (&stored, g_ptr_array_unref);
  g_clear_object (&f->conversation);
  watch (f, playtest_conversation_new (f->client, NULL, "demo-mira"));
  g_assert_finalize_object (g_steal_pointer (&reopened));
  g_assert_finalize_object (g_steal_pointer (&history));
  demo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/conversation/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("send", test_send);
  ADD ("voice-reply", test_voice_reply);
  ADD ("voice-line", test_voice_line);
  ADD ("second-turn", test_second_turn);
  ADD ("queue-keeps-order", test_queue_keeps_order);
  ADD ("stream", test_stream);
  ADD ("stream-audio-chunks", test_stream_audio_chunks);
  ADD ("fail-and-retry", test_fail_and_retry);
  ADD ("server-error-then-continue", test_server_error_then_continue);
  ADD ("cancel", test_cancel);
  ADD ("busy-notifies", test_busy_notifies);
  ADD ("history", test_history);
  ADD ("history-voice-retry", test_history_voice_retry);
  ADD ("history-error", test_history_error);
  ADD ("history-durable-once-saved", test_history_durable_once_saved);

#undef ADD

  return g_test_run ();
}
