/* test-client-demo.c: the protocol client against the demo backend, over real HTTP on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-client.h"
#include "demo-test-util.h"
#include "playtest-demo-server.h"

#define MIRA_GREETING DEMO_TEST_MIRA_GREETING
#define KEY           "demo-key-5ecret"

typedef struct
{
  PlaytestDemoServer *server;
  PlaytestClient     *client;
} Fixture;

typedef struct
{
  GPtrArray *pieces;
  GPtrArray *chunks;
} Collected;

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
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->client);
  g_assert_finalize_object (f->server);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static PlaytestReply *
get_response (Fixture              *f,
              PlaytestTurnRequest  *request,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  playtest_client_get_response_async (f->client, request, cancellable, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return playtest_client_get_response_finish (f->client, result, error);
}

static PlaytestReply *
say (Fixture    *f,
     const char *character_id,
     const char *session_id,
     const char *text)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new (character_id, session_id,
                                                                      text);
  g_autoptr(GError) error = NULL;
  PlaytestReply *reply;

  playtest_turn_request_set_voice_response (request, FALSE);
  reply = get_response (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  return reply;
}

static GError *
say_expecting_error (Fixture    *f,
                     const char *text)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("demo-mira", "-1", text);
  g_autoptr(PlaytestReply) reply = NULL;
  GError *error = NULL;

  playtest_turn_request_set_voice_response (request, FALSE);
  reply = get_response (f, request, NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  return error;
}

/* Sessions --------------------------------------------------------------------------------- */

static void
test_new_session (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(PlaytestReply) reply = say (f, "demo-mira", PLAYTEST_NEW_SESSION_ID, "Hello there!");
  const char * const *actions = playtest_reply_get_actions (reply);

  g_assert_cmpstr (playtest_reply_get_text (reply), ==, MIRA_GREETING);
  g_assert_true (demo_test_is_session_id (playtest_reply_get_session_id (reply)));
  g_assert_cmpstr (playtest_reply_get_character_id (reply), ==, "demo-mira");
  g_assert_cmpstr (playtest_reply_get_emotion (reply), ==, "joy");
  g_assert_cmpstr (playtest_reply_get_narrative_section_id (reply), ==, "mira-arrival");
  g_assert_cmpstr (playtest_reply_get_action (reply), ==, "Wave");
  g_assert_nonnull (actions);
  g_assert_cmpstr (actions[0], ==, "Wave");
  g_assert_cmpstr (actions[1], ==, "Smile");
  g_assert_null (actions[2]);
  g_assert_null (playtest_reply_get_audio (reply));
  g_assert_false (playtest_reply_was_streamed (reply));
}

static void
test_continued_session (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PlaytestReply) first = say (f, "demo-borin", "-1", "Good day to you");
  const char *session_id = playtest_reply_get_session_id (first);
  g_autoptr(PlaytestReply) second = say (f, "demo-borin", session_id, "Forge me a sword");
  g_autoptr(PlaytestReply) third = say (f, "demo-borin", session_id, "Deal. I'll go.");
  g_autoptr(PlaytestReply) fourth = say (f, "demo-borin", session_id, "Here it is: star iron!");

  g_assert_cmpstr (playtest_reply_get_narrative_section_id (first), ==, "borin-forge");
  g_assert_cmpstr (playtest_reply_get_session_id (second), ==, session_id);
  g_assert_cmpstr (playtest_reply_get_narrative_section_id (second), ==, "borin-commission");
  g_assert_cmpstr (playtest_reply_get_session_id (third), ==, session_id);
  g_assert_cmpstr (playtest_reply_get_narrative_section_id (third), ==, "borin-deepdelve");
  g_assert_cmpstr (playtest_reply_get_session_id (fourth), ==, session_id);
  g_assert_cmpstr (playtest_reply_get_narrative_section_id (fourth), ==, "borin-masterwork");
  g_assert_cmpstr (playtest_reply_get_emotion (fourth), ==, "surprise");
  g_assert_cmpuint (g_strv_length ((char **)playtest_reply_get_actions (fourth)), ==, 4);
}

static void
test_voice (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("demo-kestrel", "-1",
                                                                      "Who are you?");
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  const PlaytestWavInfo *info;

  playtest_turn_request_set_voice_response (request, TRUE);
  reply = get_response (f, request, NULL, &error);
  g_assert_no_error (error);

  g_assert_nonnull (playtest_reply_get_audio (reply));
  demo_test_assert_speech (playtest_reply_get_audio (reply), 2000);
  info = playtest_reply_get_audio_info (reply);
  g_assert_nonnull (info);
  g_assert_cmpuint (info->sample_rate, ==, 22050);
  g_assert_cmpint (playtest_reply_get_sample_rate_hint (reply), ==, 22050);
}

/* Streaming -------------------------------------------------------------------------------- */

static void
text_piece_cb (PlaytestTurnRequest *request,
               const char          *piece,
               Collected           *collected)
{
  g_ptr_array_add (collected->pieces, g_strdup (piece));
}

static void
audio_chunk_cb (PlaytestTurnRequest *request,
                GBytes              *wav,
                Collected           *collected)
{
  g_ptr_array_add (collected->chunks, g_bytes_ref (wav));
}

static PlaytestReply *
stream (Fixture    *f,
        const char *character_id,
        const char *session_id,
        const char *text,
        gboolean    voice,
        Collected  *collected)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new (character_id, session_id,
                                                                      text);
  g_autoptr(GError) error = NULL;
  PlaytestReply *reply;

  playtest_turn_request_set_stream (request, TRUE);
  playtest_turn_request_set_voice_response (request, voice);
  g_signal_connect (request, "text-piece", G_CALLBACK (text_piece_cb), collected);
  g_signal_connect (request, "audio-chunk", G_CALLBACK (audio_chunk_cb), collected);
  reply = get_response (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (playtest_reply_was_streamed (reply));
  return reply;
}

static char *
join_pieces (Collected *collected)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < collected->pieces->len; i++)
    g_string_append (joined, g_ptr_array_index (collected->pieces, i));

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static void
test_stream_equals_plain (Fixture       *f,
                          gconstpointer  data)
{
  static const struct { const char *character; const char *lines[3]; } cases[] = {
    { "demo-mira", { "Hello there!", "What's wrong?", "I will help you find it." } },
    { "demo-kestrel", { "Hello?", "Give me a status report", "Seal the bulkhead" } },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *plain_session = g_strdup ("-1");
      g_autofree char *stream_session = g_strdup ("-1");

      /* Two sessions in the same state get the same input: the streamed pieces must add up
       * to the plain reply, turn after turn. */
      for (guint i = 0; i < G_N_ELEMENTS (cases[c].lines); i++)
        {
          Collected collected = { g_ptr_array_new_with_free_func (g_free),
                                  g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref) };
          g_autoptr(PlaytestReply) plain = say (f, cases[c].character, plain_session,
                                                cases[c].lines[i]);
          g_autoptr(PlaytestReply) streamed = stream (f, cases[c].character, stream_session,
                                                      cases[c].lines[i], FALSE, &collected);
          g_autofree char *joined = join_pieces (&collected);

          g_assert_cmpuint (collected.pieces->len, >=, 1);
          g_assert_cmpstr (joined, ==, playtest_reply_get_text (plain));
          g_assert_cmpstr (playtest_reply_get_text (streamed), ==, playtest_reply_get_text (plain));
          g_assert_cmpstr (playtest_reply_get_emotion (streamed), ==,
                           playtest_reply_get_emotion (plain));
          g_assert_cmpstr (playtest_reply_get_narrative_section_id (streamed), ==,
                           playtest_reply_get_narrative_section_id (plain));
          g_assert_cmpstr (playtest_reply_get_action (streamed), ==,
                           playtest_reply_get_action (plain));
          g_assert_true (demo_test_is_session_id (playtest_reply_get_session_id (streamed)));
          g_assert_cmpuint (collected.chunks->len, ==, 0);

          g_free (plain_session);
          plain_session = g_strdup (playtest_reply_get_session_id (plain));
          g_free (stream_session);
          stream_session = g_strdup (playtest_reply_get_session_id (streamed));
          g_ptr_array_unref (collected.pieces);
          g_ptr_array_unref (collected.chunks);
        }
    }
}

static void
test_stream_voice (Fixture       *f,
                   gconstpointer  data)
{
  Collected collected = { g_ptr_array_new_with_free_func (g_free),
                          g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref) };
  g_autoptr(PlaytestReply) reply = stream (f, "demo-mira", "-1", "Hello there!", TRUE, &collected);
  g_autofree char *joined = join_pieces (&collected);

  g_assert_cmpstr (joined, ==, MIRA_GREETING);
  g_assert_cmpuint (collected.pieces->len, ==, 3);
  g_assert_cmpuint (collected.chunks->len, ==, 3);
  for (guint i = 0; i < collected.chunks->len; i++)
    demo_test_assert_speech (g_ptr_array_index (collected.chunks, i), 300);
  g_assert_nonnull (playtest_reply_get_audio_chunks (reply));
  g_assert_cmpuint (playtest_reply_get_audio_chunks (reply)->len, ==, 3);

  g_ptr_array_unref (collected.pieces);
  g_ptr_array_unref (collected.chunks);
}

/* Keys and errors -------------------------------------------------------------------------- */

static void
test_bad_key (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) no_key = NULL;
  g_autoptr(GError) wrong_key = NULL;
  g_autoptr(PlaytestReply) reply = NULL;

  playtest_demo_server_set_api_key (f->server, KEY);
  no_key = say_expecting_error (f, "Hello");
  g_assert_error (no_key, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_KEY);

  playtest_client_set_api_key (f->client, "wrong-key-123");
  wrong_key = say_expecting_error (f, "Hello");
  g_assert_error (wrong_key, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_KEY);
  g_assert_cmpuint (playtest_client_error_get_status (wrong_key), ==, 401);
  g_assert_cmpstr (playtest_client_error_get_server_message (wrong_key), ==,
                   "Invalid API key provided.");
  g_assert_nonnull (strstr (wrong_key->message, "Invalid API key provided."));
  g_assert_null (strstr (wrong_key->message, "wrong-key-123"));

  playtest_client_set_api_key (f->client, KEY);
  reply = say (f, "demo-mira", "-1", "Hello");
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, MIRA_GREETING);
}

static void
test_injected_errors (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) limited = say_expecting_error (f, "[demo:fail=429,retry-after=3] Hi");
  g_autoptr(GError) proxy = say_expecting_error (f, "[demo:status=502-html] Hi");
  g_autoptr(GError) failed = say_expecting_error (f, "[demo:fail=404-process-failure] Hi");
  g_autoptr(GError) dropped = say_expecting_error (f, "[demo:drop] Hi");

  g_assert_error (limited, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_RATE_LIMITED);
  g_assert_cmpint (playtest_client_error_get_retry_after (limited), ==, 3);
  g_assert_nonnull (strstr (limited->message, "rate limit"));
  g_assert_error (proxy, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_SERVER);
  g_assert_cmpuint (playtest_client_error_get_status (proxy), ==, 502);
  g_assert_error (failed, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (failed->message, "process_failure"));
  g_assert_true (dropped->domain == PLAYTEST_CLIENT_ERROR);
  g_assert_true (dropped->code == PLAYTEST_CLIENT_ERROR_NETWORK ||
                 dropped->code == PLAYTEST_CLIENT_ERROR_BAD_REPLY);
}

static void
test_unknown_character (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("nobody", "-1", "Hi");
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestReply) reply = get_response (f, request, NULL, &error);

  g_assert_null (reply);
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "character not found"));
}

/* Audio input ------------------------------------------------------------------------------ */

static void
test_audio_input (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) wav = demo_test_make_wav (16000, 1, 1.4);
  g_autoptr(GBytes) header_only = demo_test_make_wav (16000, 1, 0);
  g_autoptr(PlaytestReply) first = say (f, "demo-mira", "-1", "Hello");
  g_autoptr(PlaytestTurnRequest) spoken =
    playtest_turn_request_new_for_audio ("demo-mira", playtest_reply_get_session_id (first), wav);
  g_autoptr(PlaytestTurnRequest) empty = playtest_turn_request_new_for_audio ("demo-mira", "-1",
                                                                              header_only);
  g_autoptr(PlaytestReply) reply = NULL, nothing = NULL;
  g_autoptr(GError) error = NULL, empty_error = NULL;

  playtest_turn_request_set_voice_response (spoken, TRUE);
  reply = get_response (f, spoken, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (playtest_reply_get_user_query (reply), ==, "(voice message, 1.4 s)");
  g_assert_cmpstr (playtest_reply_get_session_id (reply), ==,
                   playtest_reply_get_session_id (first));
  g_assert_cmpstr (playtest_reply_get_emotion (reply), ==, "surprise");
  g_assert_nonnull (playtest_reply_get_audio (reply));
  g_assert_false (playtest_client_get_audio_without_text (f->client));

  /* A bare header never leaves the client. */
  nothing = get_response (f, empty, NULL, &empty_error);
  g_assert_null (nothing);
  g_assert_error (empty_error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_INVALID_INPUT);
}

/* With the live service's "exactly one of userText or file", the client falls back to sending
 * the recording alone, and keeps doing so. */
static void
test_expecting_only_one (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GBytes) wav = demo_test_make_wav (16000, 1, 1.0);
  g_autoptr(PlaytestTurnRequest) first = playtest_turn_request_new_for_audio ("demo-kestrel", "-1",
                                                                              wav);
  g_autoptr(PlaytestTurnRequest) second = NULL;
  g_autoptr(PlaytestReply) reply = NULL, again = NULL;
  g_autoptr(GError) error = NULL;

  playtest_demo_server_set_reject_text_with_audio (f->server, TRUE);
  reply = get_response (f, first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (playtest_reply_get_user_query (reply), ==, "(voice message, 1.0 s)");
  g_assert_true (playtest_client_get_audio_without_text (f->client));

  second = playtest_turn_request_new_for_audio ("demo-kestrel",
                                                playtest_reply_get_session_id (reply), wav);
  again = get_response (f, second, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (playtest_reply_get_session_id (again), ==,
                   playtest_reply_get_session_id (reply));
  g_assert_cmpstr (playtest_reply_get_user_query (again), ==, "(voice message, 1.0 s)");
}

/* Cancellation and timeout ----------------------------------------------------------------- */

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("demo-mira", "-1",
                                                                      "Hi [demo:delay=30000]");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(PlaytestReply) reply = NULL, after = NULL;
  g_autoptr(GError) error = NULL;

  g_timeout_add_full (G_PRIORITY_DEFAULT, 200, cancel_cb, g_object_ref (cancellable),
                      g_object_unref);
  reply = get_response (f, request, cancellable, &error);
  g_assert_null (reply);
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_CANCELLED);

  /* The client and the backend carry on. */
  after = say (f, "demo-mira", "-1", "Hello there!");
  g_assert_cmpstr (playtest_reply_get_text (after), ==, MIRA_GREETING);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) plain = NULL, streamed = NULL;
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("demo-mira", "-1",
                                                                      "Hi [demo:delay=5000]");
  g_autoptr(PlaytestReply) reply = NULL;

  playtest_client_set_timeout (f->client, 1);
  plain = say_expecting_error (f, "Hi [demo:delay=5000]");
  g_assert_error (plain, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_TIMEOUT);

  /* A stream whose first event is late times out as well. */
  playtest_turn_request_set_stream (request, TRUE);
  reply = get_response (f, request, NULL, &streamed);
  g_assert_null (reply);
  g_assert_error (streamed, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_TIMEOUT);
}

/* JSON endpoints --------------------------------------------------------------------------- */

static void
test_lists (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GAsyncResult) characters_result = NULL, sections_result = NULL;
  g_autoptr(GPtrArray) characters = NULL, sections = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen_mira = FALSE;
  PlaytestNarrativeSection *first;

  playtest_client_list_characters_async (f->client, NULL, store_result_cb, &characters_result);
  playtest_client_list_sections_async (f->client, "demo-mira", NULL, store_result_cb,
                                       &sections_result);
  while (characters_result == NULL || sections_result == NULL)
    g_main_context_iteration (NULL, TRUE);

  characters = playtest_client_list_characters_finish (f->client, characters_result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (characters->len, >=, 3);
  for (guint i = 0; i < characters->len; i++)
    {
      PlaytestCharacterInfo *info = g_ptr_array_index (characters, i);

      g_assert_true (info->is_narrative_driven);
      if (g_str_equal (info->character_id, "demo-mira"))
        {
          seen_mira = TRUE;
          g_assert_cmpstr (info->character_name, ==, "Mira the Innkeeper");
          g_assert_cmpstr (info->start_narrative_section_id, ==, "mira-arrival");
        }
    }
  g_assert_true (seen_mira);

  sections = playtest_client_list_sections_finish (f->client, sections_result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sections->len, >=, 3);
  first = g_ptr_array_index (sections, 0);
  g_assert_cmpstr (first->section_id, ==, "mira-arrival");
  g_assert_cmpstr (first->next_section_ids[0], ==, "mira-lost-ring");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/client-demo/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("new-session", test_new_session);
  ADD ("continued-session", test_continued_session);
  ADD ("voice", test_voice);
  ADD ("stream-equals-plain", test_stream_equals_plain);
  ADD ("stream-voice", test_stream_voice);
  ADD ("bad-key", test_bad_key);
  ADD ("injected-errors", test_injected_errors);
  ADD ("unknown-character", test_unknown_character);
  ADD ("audio-input", test_audio_input);
  ADD ("expecting-only-one", test_expecting_only_one);
  ADD ("cancel", test_cancel);
  ADD ("timeout", test_timeout);
  ADD ("lists", test_lists);

#undef ADD

  return g_test_run ();
}
