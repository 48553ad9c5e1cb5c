/* test-reply.c: every reply shape of CONVAI-API.md, whole and streamed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-client-error.h"
#include "playtest-reply-private.h"

static GBytes *
make_voice (gsize  n_frames,
            guint  rate,
            gint16 value)
{
  g_autofree gint16 *samples = g_new (gint16, n_frames);

  for (gsize i = 0; i < n_frames; i++)
    samples[i] = value;

  return playtest_wav_new_pcm16 (samples, n_frames, rate, 1);
}

static char *
voice_base64 (gsize n_frames,
              guint rate)
{
  g_autoptr(GBytes) wav = make_voice (n_frames, rate, 1000);

  return g_base64_encode (g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));
}

static PlaytestReply *
parse_ok (const char *json)
{
  g_autoptr(GError) error = NULL;
  PlaytestReply *reply = playtest_reply_new_from_json (json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reply);

  return reply;
}

static void
assert_no_warnings (PlaytestReply *reply)
{
  const char * const *warnings = playtest_reply_get_warnings (reply);

  if (warnings[0] != NULL)
    g_error ("unexpected warning: %s", warnings[0]);
}

static gboolean
has_warning (PlaytestReply *reply,
             const char    *part)
{
  for (const char * const *w = playtest_reply_get_warnings (reply); *w != NULL; w++)
    if (strstr (*w, part) != NULL)
      return TRUE;

  return FALSE;
}

static void
test_contract_fields (void)
{
  g_autofree char *audio = voice_base64 (2205, 22050);
  g_autofree char *json = g_strdup_printf ("{\"text\": \"Welcome to the inn!\", \"audio\": \"%s\", "
                                           "\"sessionID\": \"4f2a9c\", \"action\": \"Wave\", "
                                           "\"emotion\": \"joy\", \"narrativeSectionId\": "
                                           "\"sec-arrival\"}", audio);
  g_autoptr(PlaytestReply) reply = parse_ok (json);
  const PlaytestWavInfo *info;
  const char * const *actions;

  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "Welcome to the inn!");
  g_assert_cmpstr (playtest_reply_get_session_id (reply), ==, "4f2a9c");
  g_assert_cmpstr (playtest_reply_get_action (reply), ==, "Wave");
  g_assert_cmpstr (playtest_reply_get_emotion (reply), ==, "joy");
  g_assert_cmpstr (playtest_reply_get_narrative_section_id (reply), ==, "sec-arrival");
  g_assert_cmpstr (playtest_reply_get_raw_json (reply), ==, json);
  g_assert_false (playtest_reply_was_streamed (reply));
  assert_no_warnings (reply);

  actions = playtest_reply_get_actions (reply);
  g_assert_cmpstrv (actions, ((const char *[]) { "Wave", NULL }));

  g_assert_nonnull (playtest_reply_get_audio (reply));
  g_assert_cmpuint (g_bytes_get_size (playtest_reply_get_audio (reply)), ==, 44 + 4410);
  info = playtest_reply_get_audio_info (reply);
  g_assert_nonnull (info);
  g_assert_cmpuint (info->sample_rate, ==, 22050);
  g_assert_cmpuint (info->channels, ==, 1);
  g_assert_cmpuint (playtest_wav_info_get_duration_ms (info), ==, 100);
  g_assert_cmpuint (playtest_reply_get_audio_chunks (reply)->len, ==, 1);
  g_assert_cmpint (playtest_reply_get_sample_rate_hint (reply), ==, -1);
}

static void
test_live_service_extras (void)
{
  g_autoptr(PlaytestReply) reply = parse_ok (
    "{\"charID\": \"c-123\", \"text\": \"Hm?\", \"audio\": null, \"sample_rate\": \"22050\", "
    "\"sessionID\": \"s-1\", \"userQuery\": \"where is the ring\", \"response\": \"ok\", "
    "\"tag\": \"question\", \"debug\": {\"latency\": 3}, \"lipsync\": [1, 2, 3]}");

  g_assert_cmpstr (playtest_reply_get_character_id (reply), ==, "c-123");
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "Hm?");
  g_assert_null (playtest_reply_get_audio (reply));
  g_assert_null (playtest_reply_get_audio_info (reply));
  g_assert_cmpuint (playtest_reply_get_audio_chunks (reply)->len, ==, 0);
  g_assert_cmpint (playtest_reply_get_sample_rate_hint (reply), ==, 22050);
  g_assert_cmpstr (playtest_reply_get_user_query (reply), ==, "where is the ring");
  g_assert_cmpstr (playtest_reply_get_response (reply), ==, "ok");
  g_assert_cmpstr (playtest_reply_get_tag (reply), ==, "question");
  g_assert_null (playtest_reply_get_emotion (reply));
  g_assert_null (playtest_reply_get_action (reply));
  g_assert_null (playtest_reply_get_actions (reply)[0]);
  /* Unknown fields stay in the raw JSON the inspector shows. */
  g_assert_nonnull (strstr (playtest_reply_get_raw_json (reply), "\"lipsync\": [1, 2, 3]"));
  assert_no_warnings (reply);
}

static void
test_user_query_spellings (void)
{
  g_autoptr(PlaytestReply) upper = parse_ok ("{\"text\": \"a\", \"UserQuery\": \"heard this\"}");
  g_autoptr(PlaytestReply) both = parse_ok ("{\"userQuery\": \"lower\", \"UserQuery\": \"upper\"}");

  g_assert_cmpstr (playtest_reply_get_user_query (upper), ==, "heard this");
  g_assert_cmpstr (playtest_reply_get_user_query (both), ==, "lower");
}

typedef struct
{
  const char *value;
  int         hint;
  gboolean    warns;
} RateCase;

static void
test_sample_rate (void)
{
  const RateCase cases[] = {
    { "\"22050\"", 22050, FALSE },
    { "\" 44100 \"", 44100, FALSE },
    { "44100", 44100, FALSE },
    { "16000.0", 16000, FALSE },
    { "null", -1, FALSE },
    { "\"\"", -1, FALSE },
    { "\"fast\"", -1, TRUE },
    { "\"-5\"", -1, TRUE },
    { "0", -1, TRUE },
    { "22050.5", -1, TRUE },
    { "{\"hz\": 22050}", -1, TRUE },
    { "true", -1, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"text\": \"x\", \"sample_rate\": %s}",
                                               cases[i].value);
      g_autoptr(PlaytestReply) reply = parse_ok (json);

      g_test_message ("sample_rate %s", cases[i].value);
      g_assert_cmpint (playtest_reply_get_sample_rate_hint (reply), ==, cases[i].hint);
      g_assert_cmpint (has_warning (reply, "sample_rate"), ==, cases[i].warns);
      g_assert_cmpstr (playtest_reply_get_text (reply), ==, "x");
    }
}

static void
test_action_sequence (void)
{
  g_autoptr(PlaytestReply) lines = parse_ok (
    "{\"response\": \"Sure\", \"action\": \"Wave\", "
    "\"actionSequence\": \"Wave\\n\\n   Offer Drink  \\r\\n\\n\\t Sit Down\\n  \\n\"}");
  g_autoptr(PlaytestReply) array = parse_ok (
    "{\"actionSequence\": [\" Jump \", \"\", null, \"Run\\nHide\", 7]}");
  g_autoptr(PlaytestReply) blank = parse_ok ("{\"action\": \"Nod\", "
                                             "\"actionSequence\": \"\\n \\n\"}");
  g_autoptr(PlaytestReply) wrong = parse_ok ("{\"actionSequence\": {\"a\": 1}}");

  /* The sequence wins over the single action when there is one. */
  g_assert_cmpstrv (playtest_reply_get_actions (lines),
                    ((const char *[]) { "Wave", "Offer Drink", "Sit Down", NULL }));
  g_assert_cmpstr (playtest_reply_get_action (lines), ==, "Wave");
  assert_no_warnings (lines);

  g_assert_cmpstrv (playtest_reply_get_actions (array),
                    ((const char *[]) { "Jump", "Run", "Hide", "7", NULL }));
  g_assert_true (has_warning (array, "actionSequence"));

  g_assert_cmpstrv (playtest_reply_get_actions (blank), ((const char *[]) { "Nod", NULL }));

  g_assert_null (playtest_reply_get_actions (wrong)[0]);
  g_assert_true (has_warning (wrong, "actionSequence had an unexpected type (object)"));
}

static void
test_wrong_types (void)
{
  g_autoptr(PlaytestReply) reply = parse_ok (
    "{\"text\": \"Still here\", \"emotion\": {\"name\": \"joy\", \"intensity\": 2}, "
    "\"sessionID\": 12345, \"action\": true, \"narrativeSectionId\": [\"a\"], \"audio\": 5}");
  g_autoptr(PlaytestReply) number = parse_ok ("{\"emotion\": 2.5}");
  g_autoptr(PlaytestReply) graded = parse_ok ("{\"emotion\": \"happy 2\"}");

  /* Shown as it arrived, and the turn says why it looks odd. */
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "Still here");
  g_assert_cmpstr (playtest_reply_get_emotion (reply), ==, "{\"name\":\"joy\",\"intensity\":2}");
  g_assert_true (has_warning (reply, "emotion had an unexpected type (object); shown as JSON"));
  g_assert_cmpstr (playtest_reply_get_session_id (reply), ==, "12345");
  g_assert_true (has_warning (reply, "sessionID had an unexpected type (number)"));
  g_assert_cmpstr (playtest_reply_get_action (reply), ==, "true");
  g_assert_true (has_warning (reply, "action had an unexpected type (boolean)"));
  g_assert_cmpstr (playtest_reply_get_narrative_section_id (reply), ==, "[\"a\"]");
  g_assert_true (has_warning (reply, "audio had an unexpected type (number)"));
  g_assert_null (playtest_reply_get_audio (reply));
  g_assert_cmpuint (g_strv_length ((char **) playtest_reply_get_warnings (reply)), ==, 5);

  g_assert_cmpstr (playtest_reply_get_emotion (number), ==, "2.5");
  g_assert_true (has_warning (number, "(number)"));
  g_assert_cmpstr (playtest_reply_get_emotion (graded), ==, "happy 2");
  assert_no_warnings (graded);
}

static void
test_empty_strings_are_absent (void)
{
  g_autoptr(PlaytestReply) reply = parse_ok ("{\"text\": \"\", \"emotion\": \"\", \"action\": "
                                             "\"\", \"audio\": \"\", \"sessionID\": null}");

  g_assert_null (playtest_reply_get_text (reply));
  g_assert_null (playtest_reply_get_emotion (reply));
  g_assert_null (playtest_reply_get_action (reply));
  g_assert_null (playtest_reply_get_session_id (reply));
  g_assert_null (playtest_reply_get_audio (reply));
  g_assert_null (playtest_reply_get_actions (reply)[0]);
  assert_no_warnings (reply);
}

static void
test_junk_audio (void)
{
  g_autoptr(PlaytestReply) not_base64 = parse_ok ("{\"text\": \"Hi\", "
                                                  "\"audio\": \"@@not base64!!\"}");
  g_autoptr(PlaytestReply) not_wav = parse_ok ("{\"text\": \"Hi\", \"audio\": "
                                               "\"aGVsbG8gd29ybGQsIG5vdCBhIHdhdg==\"}");
  g_autoptr(PlaytestReply) bad_length = parse_ok ("{\"text\": \"Hi\", \"audio\": \"UklGR\"}");

  g_assert_cmpstr (playtest_reply_get_text (not_base64), ==, "Hi");
  g_assert_null (playtest_reply_get_audio (not_base64));
  g_assert_true (has_warning (not_base64, "base64"));

  g_assert_cmpstr (playtest_reply_get_text (not_wav), ==, "Hi");
  g_assert_null (playtest_reply_get_audio (not_wav));
  g_assert_null (playtest_reply_get_audio_info (not_wav));
  g_assert_true (has_warning (not_wav, "not a WAV file"));

  g_assert_null (playtest_reply_get_audio (bad_length));
  g_assert_true (has_warning (bad_length, "base64"));
}

static void
test_audio_encodings (void)
{
  g_autoptr(GBytes) wav = make_voice (100, 44100, -7);
  g_autofree char *plain = g_base64_encode (g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));
  g_autoptr(GString) wrapped = g_string_new (NULL);
  g_autofree char *unpadded = g_strdup (plain);
  g_autofree char *data_uri = NULL;
  g_autofree char *url_safe = NULL;
  const char *variants[5];

  /* MIME-style line wrapping, missing padding, a data: URI, the URL-safe alphabet. */
  for (gsize i = 0; plain[i] != '\0'; i++)
    {
      g_string_append_c (wrapped, plain[i]);
      if (i % 76 == 75)
        g_string_append (wrapped, "\\r\\n");
    }
  while (unpadded[strlen (unpadded) - 1] == '=')
    unpadded[strlen (unpadded) - 1] = '\0';
  data_uri = g_strdup_printf ("data:audio/wav;base64,%s", unpadded);
  url_safe = g_strdup (plain);
  g_strdelimit (url_safe, "+", '-');
  g_strdelimit (url_safe, "/", '_');

  variants[0] = plain;
  variants[1] = wrapped->str;
  variants[2] = unpadded;
  variants[3] = data_uri;
  variants[4] = url_safe;
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"audio\": \"%s\"}", variants[i]);
      g_autoptr(PlaytestReply) reply = parse_ok (json);

      g_test_message ("variant %u", i);
      assert_no_warnings (reply);
      g_assert_nonnull (playtest_reply_get_audio (reply));
      g_assert_true (g_bytes_equal (playtest_reply_get_audio (reply), wav));
    }
}

static void
test_truncated_audio (void)
{
  g_autoptr(GBytes) wav = make_voice (1000, 22050, 5);
  g_autofree char *cut = g_base64_encode (g_bytes_get_data (wav, NULL), 44 + 600);
  g_autofree char *json = g_strdup_printf ("{\"text\": \"t\", \"audio\": \"%s\"}", cut);
  g_autoptr(PlaytestReply) reply = parse_ok (json);

  /* What arrived still plays; the turn says it is cut short. */
  g_assert_nonnull (playtest_reply_get_audio (reply));
  g_assert_cmpuint (playtest_reply_get_audio_info (reply)->data_size, ==, 600);
  g_assert_true (has_warning (reply, "cut short"));
}

static void
assert_bad_reply (const char *json,
                  gssize      length,
                  const char *part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestReply) reply = playtest_reply_new_from_json (json, length, &error);

  g_assert_null (reply);
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REPLY);
  if (part != NULL && strstr (error->message, part) == NULL)
    g_error ("“%s” not in “%s”", part, error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  /* Server text must not drive the terminal it is printed on. */
  for (const char *p = error->message; *p != '\0'; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
}

static void
test_bad_bodies (void)
{
  g_autoptr(GString) long_junk = g_string_new ("<html><body>");

  assert_bad_reply ("", -1, "empty");
  assert_bad_reply (" \r\n\t ", -1, "empty");
  assert_bad_reply (NULL, 0, "empty");
  assert_bad_reply ("<html><body>502 Bad Gateway</body></html>", -1,
                    "not JSON: “<html><body>502 Bad Gateway</body></html>”");
  assert_bad_reply ("Internal Server Error", -1, "Internal Server Error");
  assert_bad_reply ("{\"text\": \"cut off", -1, "not JSON");
  assert_bad_reply ("{\"text\": \"caf\xe9\"}", -1, "not JSON");
  assert_bad_reply ("[{\"text\": \"in a list\"}]", -1, "not a JSON object");
  assert_bad_reply ("null", -1, "not a JSON object");
  assert_bad_reply ("42", -1, "not a JSON object");
  assert_bad_reply ("\"just a string\"", -1, "not a JSON object");
  /* @length is honoured: the object is cut after its first brace. */
  assert_bad_reply ("{\"text\": \"x\"}", 1, "not JSON");

  for (guint i = 0; i < 100; i++)
    g_string_append (long_junk, "junk\n\x1b");
  assert_bad_reply (long_junk->str, -1, "…");
  assert_bad_reply (long_junk->str, -1, "junk junk");
}

static void
test_process_failure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestReply) reply = playtest_reply_new_from_json (
    "{\"charID\": \"c1\", \"text\": \"process_failure, error: generation failed\"}", -1, &error);

  g_assert_null (reply);
  g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "process_failure, error: generation failed"));
}

static PlaytestReply *
merge_chunks (const char * const *chunks,
              GPtrArray          *pieces,
              GPtrArray          *audio)
{
  PlaytestReply *reply = playtest_reply_new ();

  for (guint i = 0; chunks[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (chunks[i], NULL);
      g_autoptr(GBytes) wav = NULL;
      char *piece;

      g_assert_nonnull (node);
      piece = playtest_reply_merge_object (reply, json_node_get_object (node), TRUE, &wav);
      g_ptr_array_add (pieces, piece != NULL ? piece : g_strdup ("(none)"));
      if (wav != NULL)
        g_ptr_array_add (audio, g_bytes_ref (wav));
    }

  return reply;
}

static void
test_stream_merge (void)
{
  const char * const chunks[] = {
    "{\"text\": \"The ring?\", \"sessionID\": \"s-9\"}",
    "{\"text\": \" Ah...\", \"emotion\": \"surprise\"}",
    "{\"text\": \" Ah...\"}",
    "{\"text\": \" I know it.\", \"emotion\": \"\", \"sessionID\": null, \"action\": \"Point\"}",
    "{\"emotion\": \"fear\", \"narrativeSectionId\": \"sec-ring\", \"tag\": \"quest\"}",
    "{\"text\": \"The ring? Ah... I know it.\"}",
    "{\"actionSequence\": \"Point\\nWhisper\"}",
    NULL,
  };
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) audio = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(PlaytestReply) reply = merge_chunks (chunks, pieces, audio);

  g_ptr_array_add (pieces, NULL);
  g_assert_cmpstrv ((char **) pieces->pdata,
                    ((const char *[]) { "The ring?", " Ah...", "(none)", " I know it.", "(none)",
                                        "(none)", "(none)", NULL }));
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "The ring? Ah... I know it.");
  g_assert_cmpstr (playtest_reply_get_session_id (reply), ==, "s-9");
  g_assert_cmpstr (playtest_reply_get_emotion (reply), ==, "fear");
  g_assert_cmpstr (playtest_reply_get_action (reply), ==, "Point");
  g_assert_cmpstr (playtest_reply_get_narrative_section_id (reply), ==, "sec-ring");
  g_assert_cmpstr (playtest_reply_get_tag (reply), ==, "quest");
  g_assert_cmpstrv (playtest_reply_get_actions (reply),
                    ((const char *[]) { "Point", "Whisper", NULL }));
  g_assert_null (playtest_reply_get_audio (reply));
  g_assert_cmpuint (audio->len, ==, 0);
  assert_no_warnings (reply);
}

static void
test_stream_audio_chunks (void)
{
  g_autofree char *a = voice_base64 (100, 22050);
  g_autofree char *b = voice_base64 (50, 22050);
  g_autofree char *other_rate = voice_base64 (70, 16000);
  g_autofree char *c = voice_base64 (30, 22050);
  g_autofree char *chunk_a = g_strdup_printf ("{\"text\": \"One\", \"audio\": \"%s\"}", a);
  g_autofree char *chunk_b = g_strdup_printf ("{\"text\": \" two\", \"audio\": \"%s\"}", b);
  g_autofree char *chunk_o = g_strdup_printf ("{\"audio\": \"%s\", \"emotion\": 3}", other_rate);
  g_autofree char *chunk_c = g_strdup_printf ("{\"audio\": \"%s\", \"emotion\": 4}", c);
  const char * const chunks[] = {
    chunk_a, chunk_b, "{\"audio\": \"###\"}", "{\"audio\": null}", chunk_o, chunk_c, NULL
  };
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) audio = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(PlaytestReply) reply = merge_chunks (chunks, pieces, audio);
  const PlaytestWavInfo *info;

  playtest_reply_set_streamed (reply, TRUE);
  g_assert_true (playtest_reply_was_streamed (reply));
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "One two");

  /* Each chunk's WAV is handed out as it arrives and kept in order. */
  g_assert_cmpuint (audio->len, ==, 4);
  g_assert_cmpuint (playtest_reply_get_audio_chunks (reply)->len, ==, 4);
  g_assert_true (g_bytes_equal (g_ptr_array_index (audio, 2),
                                g_ptr_array_index (playtest_reply_get_audio_chunks (reply), 2)));

  /* The whole voice: the chunks of the first chunk's format, joined. */
  info = playtest_reply_get_audio_info (reply);
  g_assert_nonnull (info);
  g_assert_cmpuint (info->sample_rate, ==, 22050);
  g_assert_cmpuint (info->data_size, ==, (100 + 50 + 30) * 2);
  g_assert_true (has_warning (reply, "different formats"));
  g_assert_true (has_warning (reply, "base64"));

  /* The same problem in every chunk is one warning. */
  g_assert_cmpstr (playtest_reply_get_emotion (reply), ==, "4");
  g_assert_cmpuint (g_strv_length ((char **) playtest_reply_get_warnings (reply)), ==, 3);
}

static void
test_whole_reply_replaces_text (void)
{
  g_autoptr(PlaytestReply) reply = playtest_reply_new ();
  g_autoptr(JsonNode) first = json_from_string ("{\"text\": \"draft\"}", NULL);
  g_autoptr(JsonNode) second = json_from_string ("{\"text\": \"final\"}", NULL);
  g_autofree char *piece1 = playtest_reply_merge_object (reply, json_node_get_object (first),
                                                         FALSE, NULL);
  g_autofree char *piece2 = playtest_reply_merge_object (reply, json_node_get_object (second),
                                                         FALSE, NULL);
  PlaytestTimings *timings = playtest_reply_get_timings_mut (reply);

  g_assert_cmpstr (piece1, ==, "draft");
  g_assert_cmpstr (piece2, ==, "final");
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "final");

  g_assert_null (playtest_reply_get_raw_json (reply));
  playtest_reply_set_raw_json (reply, "{\"text\": \"final\"}");
  g_assert_cmpstr (playtest_reply_get_raw_json (reply), ==, "{\"text\": \"final\"}");

  timings->request_start = 10;
  timings->complete = 25;
  g_assert_cmpint (playtest_reply_get_timings (reply)->complete
                   - playtest_reply_get_timings (reply)->request_start, ==, 15);

  playtest_reply_add_warning (reply, "note %d", 1);
  playtest_reply_add_warning (reply, "note %d", 1);
  g_assert_cmpuint (g_strv_length ((char **) playtest_reply_get_warnings (reply)), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&reply));
}

/* The base64 of a voice reply takes a fast path around json-glib; every shape that path
 * does not expect must still arrive the same through the ordinary parse. */
static void
test_audio_shapes_around_fast_path (void)
{
  g_autofree char *audio = voice_base64 (2205, 22050);
  g_autoptr(GString) escaped = g_string_new (NULL);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  gsize expected_size = 0;

  /* An escape inside the base64 ("\u0055" is the "U" of "UklGR", i.e. "RIFF"). */
  g_assert_true (g_str_has_prefix (audio, "UklGR"));
  g_string_append_printf (escaped, "\\u0055%s", audio + 1);

  g_ptr_array_add (bodies, g_strdup_printf ("{\"audio\": \"%s\", \"text\": \"Hi\"}", audio));
  g_ptr_array_add (bodies, g_strdup_printf ("{\"text\": \"Hi\", \"audio\":\"%s\"}", escaped->str));
  g_ptr_array_add (bodies, g_strdup_printf ("{\"tag\": \"audio\", \"nested\": {\"audio\": 1}, "
                                            "\"text\": \"Hi\", \"audio\" : \"%s\"}", audio));
  g_ptr_array_add (bodies, g_strdup_printf ("{\"text\": \"Hi \\\"audio\\\": x\", "
                                            "\"audio\": \"%s\"}", audio));

  for (guint i = 0; i < bodies->len; i++)
    {
      g_autoptr(PlaytestReply) reply = parse_ok (g_ptr_array_index (bodies, i));
      GBytes *wav = playtest_reply_get_audio (reply);

      g_assert_nonnull (wav);
      assert_no_warnings (reply);
      g_assert_true (g_str_has_prefix (playtest_reply_get_text (reply), "Hi"));
      if (expected_size == 0)
        expected_size = g_bytes_get_size (wav);
      g_assert_cmpuint (g_bytes_get_size (wav), ==, expected_size);
      g_assert_cmpstr (playtest_reply_get_raw_json (reply), ==, g_ptr_array_index (bodies, i));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reply/contract-fields", test_contract_fields);
  g_test_add_func ("/reply/live-service-extras", test_live_service_extras);
  g_test_add_func ("/reply/user-query-spellings", test_user_query_spellings);
  g_test_add_func ("/reply/sample-rate", test_sample_rate);
  g_test_add_func ("/reply/action-sequence", test_action_sequence);
  g_test_add_func ("/reply/wrong-types", test_wrong_types);
  g_test_add_func ("/reply/empty-strings-are-absent", test_empty_strings_are_absent);
  g_test_add_func ("/reply/junk-audio", test_junk_audio);
  g_test_add_func ("/reply/audio-encodings", test_audio_encodings);
  g_test_add_func ("/reply/audio-shapes-around-fast-path", test_audio_shapes_around_fast_path);
  g_test_add_func ("/reply/truncated-audio", test_truncated_audio);
  g_test_add_func ("/reply/bad-bodies", test_bad_bodies);
  g_test_add_func ("/reply/process-failure", test_process_failure);
  g_test_add_func ("/reply/stream-merge", test_stream_merge);
  g_test_add_func ("/reply/stream-audio-chunks", test_stream_audio_chunks);
  g_test_add_func ("/reply/whole-reply-replaces-text", test_whole_reply_replaces_text);

  return g_test_run ();
}
