/* test-multipart.c — the getResponse form, built as the contract requires
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-turn-request.h"
#include "playtest-wav.h"

typedef struct
{
  char   *name;
  char   *filename;
  char   *content_type;
  GBytes *body;
} Part;

static void
part_free (Part *part)
{
  g_free (part->name);
  g_free (part->filename);
  g_free (part->content_type);
  g_bytes_unref (part->body);
  g_free (part);
}

/* Serializes the form as it goes on the wire and parses it back, as a server would. */
static GPtrArray *
round_trip (SoupMultipart *multipart)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autoptr(SoupMultipart) parsed = NULL;
  g_autoptr(GBytes) body = NULL;
  GPtrArray *parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);

  soup_multipart_to_message (multipart, headers, &body);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==,
                   "multipart/form-data");

  parsed = soup_multipart_new_from_message (headers, body);
  g_assert_nonnull (parsed);

  for (int i = 0; i < soup_multipart_get_length (parsed); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;
      Part *part = g_new0 (Part, 1);

      g_assert_true (soup_multipart_get_part (parsed, i, &part_headers, &part_body));
      g_assert_true (soup_message_headers_get_content_disposition (part_headers, &disposition,
                                                                   &params));
      g_assert_cmpstr (disposition, ==, "form-data");
      part->name = g_strdup (g_hash_table_lookup (params, "name"));
      part->filename = g_strdup (g_hash_table_lookup (params, "filename"));
      part->content_type = g_strdup (soup_message_headers_get_content_type (part_headers, NULL));
      part->body = g_bytes_ref (part_body);
      g_ptr_array_add (parts, part);
    }

  return parts;
}

/* Checks the leading plain fields, in order: name, value, name, value, ..., NULL. */
static void
assert_fields (GPtrArray  *parts,
               const char *first_name,
               ...)
{
  const char *name = first_name;
  guint index = 0;
  va_list args;

  va_start (args, first_name);
  for (; name != NULL; name = va_arg (args, const char *), index++)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *text = NULL;
      Part *part;

      g_assert_cmpuint (index, <, parts->len);
      part = g_ptr_array_index (parts, index);
      text = g_strndup (g_bytes_get_data (part->body, NULL), g_bytes_get_size (part->body));
      g_assert_cmpstr (part->name, ==, name);
      g_assert_cmpstr (text, ==, value);
      g_assert_null (part->filename);
    }
  va_end (args);
}

static GBytes *
make_wav (guint sample_rate)
{
  gint16 samples[1600];

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    samples[i] = (gint16) ((i % 40) * 800 - 16000);

  return playtest_wav_new_pcm16 (samples, G_N_ELEMENTS (samples), sample_rate, 1);
}

static void
test_text_turn (void)
{
  g_autoptr(PlaytestTurnRequest) request = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GPtrArray) parts = NULL;

  request = playtest_turn_request_new ("char-42", NULL, "Where is the ring?");
  g_assert_cmpstr (playtest_turn_request_get_session_id (request), ==, PLAYTEST_NEW_SESSION_ID);
  g_assert_true (playtest_turn_request_get_voice_response (request));
  g_assert_false (playtest_turn_request_get_stream (request));

  multipart = playtest_turn_request_build_multipart (request, TRUE);
  parts = round_trip (multipart);

  g_assert_cmpuint (parts->len, ==, 4);
  /* voiceResponse lowercase: the contract's validator rejects "True" as a boolean. */
  assert_fields (parts, "userText", "Where is the ring?", "charID", "char-42",
                 "sessionID", "-1", "voiceResponse", "true", NULL);
}

static void
test_text_turn_streamed_no_voice (void)
{
  g_autoptr(PlaytestTurnRequest) request = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GPtrArray) parts = NULL;

  request = playtest_turn_request_new ("char-42", "sess-7", "Ünïcödé \"quotes\"\r\nand lines");
  playtest_turn_request_set_voice_response (request, FALSE);
  playtest_turn_request_set_stream (request, TRUE);

  /* with_user_text only concerns recordings: typed text always goes. */
  multipart = playtest_turn_request_build_multipart (request, FALSE);
  parts = round_trip (multipart);

  g_assert_cmpuint (parts->len, ==, 5);
  assert_fields (parts, "userText", "Ünïcödé \"quotes\"\r\nand lines", "charID", "char-42",
                 "sessionID", "sess-7", "voiceResponse", "false", "stream", "True", NULL);
}

static void
assert_file_part (GPtrArray *parts,
                  guint      index,
                  GBytes    *wav)
{
  Part *part;

  g_assert_cmpuint (index, ==, parts->len - 1);
  part = g_ptr_array_index (parts, index);
  g_assert_cmpstr (part->name, ==, "file");
  g_assert_cmpstr (part->filename, ==, "audio.wav");
  g_assert_cmpstr (part->content_type, ==, "audio/wav");
  g_assert_true (g_bytes_equal (part->body, wav));
}

static void
test_voice_turn (void)
{
  g_autoptr(PlaytestTurnRequest) request = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GBytes) wav = make_wav (16000);

  request = playtest_turn_request_new_for_audio ("char-42", "sess-7", wav);
  g_assert_null (playtest_turn_request_get_user_text (request));

  multipart = playtest_turn_request_build_multipart (request, TRUE);
  parts = round_trip (multipart);

  g_assert_cmpuint (parts->len, ==, 6);
  assert_fields (parts, "userText", PLAYTEST_USER_PERFORMED_ACTIONS, "charID", "char-42",
                 "sessionID", "sess-7", "voiceResponse", "true", "sample_rate", "16000", NULL);
  assert_file_part (parts, 5, wav);
}

static void
test_voice_turn_fallback_streamed (void)
{
  g_autoptr(PlaytestTurnRequest) request = NULL;
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GBytes) wav = make_wav (44100);

  request = playtest_turn_request_new_for_audio ("char-42", NULL, wav);
  playtest_turn_request_set_stream (request, TRUE);

  multipart = playtest_turn_request_build_multipart (request, FALSE);
  parts = round_trip (multipart);

  g_assert_cmpuint (parts->len, ==, 6);
  assert_fields (parts, "charID", "char-42", "sessionID", "-1", "voiceResponse", "true",
                 "stream", "True", "sample_rate", "44100", NULL);
  assert_file_part (parts, 5, wav);

  /* The recording stays with the request, ready to be sent again. */
  g_assert_true (g_bytes_equal (playtest_turn_request_get_audio (request), wav));
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_properties_notify (void)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("c", "-1", "hi");
  guint count = 0;

  g_signal_connect (request, "notify", G_CALLBACK (on_notify), &count);

  playtest_turn_request_set_session_id (request, "-1");
  playtest_turn_request_set_voice_response (request, TRUE);
  playtest_turn_request_set_stream (request, FALSE);
  g_assert_cmpuint (count, ==, 0);

  playtest_turn_request_set_session_id (request, "abc");
  playtest_turn_request_set_voice_response (request, FALSE);
  playtest_turn_request_set_stream (request, TRUE);
  g_assert_cmpuint (count, ==, 3);

  playtest_turn_request_set_session_id (request, NULL);
  g_assert_cmpstr (playtest_turn_request_get_session_id (request), ==, "-1");
  g_assert_cmpuint (count, ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/multipart/text", test_text_turn);
  g_test_add_func ("/multipart/text-streamed-no-voice", test_text_turn_streamed_no_voice);
  g_test_add_func ("/multipart/voice", test_voice_turn);
  g_test_add_func ("/multipart/voice-fallback-streamed", test_voice_turn_fallback_streamed);
  g_test_add_func ("/multipart/properties-notify", test_properties_notify);

  return g_test_run ();
}
