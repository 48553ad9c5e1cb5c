/* test-demo-server.c: the demo backend over real HTTP on 127.0.0.1, with raw libsoup requests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "demo-test-util.h"
#include "playtest-demo-server.h"
#include "playtest-demo-speech.h"
#include "playtest-wav.h"

#define MIRA_GREETING DEMO_TEST_MIRA_GREETING

typedef struct
{
  PlaytestDemoServer *server;
  SoupSession        *session;
  char               *base_url;
} Fixture;

/* One request to the getResponse endpoint; NULL members are left out of the form. */
typedef struct
{
  const char *user_text;
  const char *char_id;
  const char *session_id;
  const char *voice;
  const char *stream;
  GBytes     *file;
  const char *inject;
  const char *api_key;
} Turn;

typedef struct
{
  guint               status;
  GBytes             *body;
  char               *text;
  JsonNode           *json;
  SoupMessageHeaders *headers;
  GError             *error;
} Result;

static void
result_free (Result *result)
{
  g_clear_pointer (&result->body, g_bytes_unref);
  g_free (result->text);
  g_clear_pointer (&result->json, json_node_unref);
  g_clear_pointer (&result->headers, soup_message_headers_unref);
  g_clear_error (&result->error);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Result, result_free)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = playtest_demo_server_new ();
  playtest_demo_server_listen (f->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (playtest_demo_server_get_port (f->server), >, 0);
  f->base_url = playtest_demo_server_dup_base_url (f->server);
  g_assert_true (g_str_has_prefix (f->base_url, "http://127.0.0.1:"));
  f->session = soup_session_new_with_options ("timeout", 60, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  g_assert_finalize_object (f->server);
  g_clear_pointer (&f->base_url, g_free);
}

static void
send_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  Result *result = user_data;

  result->body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &result->error);
  if (result->body == NULL)
    result->body = g_bytes_new (NULL, 0);
}

static Result *
send_message (Fixture     *f,
              SoupMessage *msg)
{
  Result *result = g_new0 (Result, 1);
  const char *type;

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, result);
  while (result->body == NULL)
    g_main_context_iteration (NULL, TRUE);

  result->status = soup_message_get_status (msg);
  result->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  result->text = g_strndup (g_bytes_get_size (result->body) > 0
                              ? g_bytes_get_data (result->body, NULL) : "",
                            g_bytes_get_size (result->body));

  type = soup_message_headers_get_content_type (result->headers, NULL);
  if (result->error == NULL && g_strcmp0 (type, "application/json") == 0)
    {
      g_autoptr(GError) error = NULL;

      result->json = json_from_string (result->text, &error);
      g_assert_no_error (error);
    }

  return result;
}

static SoupMessage *
turn_message (Fixture    *f,
              const Turn *turn)
{
  g_autofree char *url = g_strconcat (f->base_url, "/character/getResponse", NULL);
  g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  SoupMessage *msg;

  if (turn->user_text != NULL)
    soup_multipart_append_form_string (multipart, "userText", turn->user_text);
  if (turn->char_id != NULL)
    soup_multipart_append_form_string (multipart, "charID", turn->char_id);
  if (turn->session_id != NULL)
    soup_multipart_append_form_string (multipart, "sessionID", turn->session_id);
  soup_multipart_append_form_string (multipart, "voiceResponse",
                                     turn->voice != NULL ? turn->voice : "false");
  if (turn->stream != NULL)
    soup_multipart_append_form_string (multipart, "stream", turn->stream);
  if (turn->file != NULL)
    soup_multipart_append_form_file (multipart, "file", "audio.wav", "audio/wav", turn->file);

  msg = soup_message_new_from_multipart (url, multipart);
  if (turn->inject != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "X-Playtest-Inject", turn->inject);
  if (turn->api_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "CONVAI-API-KEY", turn->api_key);
  return msg;
}

static Result *
send_turn (Fixture    *f,
           const Turn *turn)
{
  g_autoptr(SoupMessage) msg = turn_message (f, turn);

  return send_message (f, msg);
}

static Result *
send_raw (Fixture    *f,
          const char *method,
          const char *path,
          const char *content_type,
          const char *body)
{
  g_autofree char *url = g_strconcat (f->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  return send_message (f, msg);
}

static JsonObject *
object_of (Result *result)
{
  g_assert_nonnull (result->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result->json));
  return json_node_get_object (result->json);
}

static const char *
member (Result     *result,
        const char *name)
{
  return json_object_get_string_member_with_default (object_of (result), name, NULL);
}

static void
assert_error_reply (Result     *result,
                    guint       status,
                    const char *words)
{
  g_assert_no_error (result->error);
  g_assert_cmpuint (result->status, ==, status);
  g_assert_nonnull (member (result, "ERROR"));
  if (words != NULL && strstr (member (result, "ERROR"), words) == NULL)
    g_error ("“%s” does not say “%s”", member (result, "ERROR"), words);
}

static GBytes *
decode_audio (Result *result)
{
  const char *base64 = member (result, "audio");
  guchar *data;
  gsize size;

  g_assert_nonnull (base64);
  data = g_base64_decode (base64, &size);
  return g_bytes_new_take (data, size);
}

/* Endpoints -------------------------------------------------------------------------------- */

static void
test_health (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Result) result = send_raw (f, "GET", "/health", NULL, NULL);
  g_autoptr(Result) missing = send_raw (f, "POST", "/no/such/path", NULL, NULL);

  g_assert_cmpuint (result->status, ==, 200);
  g_assert_cmpstr (member (result, "status"), ==, "ok");
  assert_error_reply (missing, 404, NULL);
}

static void
test_character_list (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Result) result = send_raw (f, "POST", "/character/list", NULL, NULL);
  JsonArray *characters;
  gboolean seen_mira = FALSE;

  g_assert_cmpuint (result->status, ==, 200);
  characters = json_object_get_array_member (object_of (result), "characters");
  g_assert_cmpuint (json_array_get_length (characters), >=, 3);

  for (guint i = 0; i < json_array_get_length (characters); i++)
    {
      JsonObject *character = json_array_get_object_element (characters, i);

      g_assert_nonnull (json_object_get_string_member (character, "character_id"));
      g_assert_nonnull (json_object_get_string_member (character, "character_name"));
      g_assert_nonnull (json_object_get_string_member (character, "voice_type"));
      g_assert_nonnull (json_object_get_string_member (character, "start_narrative_section_id"));
      g_assert_true (json_object_get_boolean_member (character, "is_narrative_driven"));
      if (g_str_equal (json_object_get_string_member (character, "character_id"), "demo-mira"))
        {
          seen_mira = TRUE;
          g_assert_cmpstr (json_object_get_string_member (character, "character_name"), ==,
                           "Mira the Innkeeper");
          g_assert_cmpstr (json_object_get_string_member (character, "start_narrative_section_id"),
                           ==, "mira-arrival");
        }
    }
  g_assert_true (seen_mira);
}

static void
test_sections (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Result) result = send_raw (f, "POST", "/character/narrative/list-sections",
                                       "application/json", "{\"character_id\": \"demo-mira\"}");
  g_autoptr(Result) unknown = send_raw (f, "POST", "/character/narrative/list-sections",
                                        "application/json", "{\"character_id\": \"nobody\"}");
  g_autoptr(Result) garbage = send_raw (f, "POST", "/character/narrative/list-sections",
                                        "application/json", "{\"character_id\": ");
  g_autoptr(Result) no_id = send_raw (f, "POST", "/character/narrative/list-sections",
                                      "application/json", "{}");
  g_autoptr(Result) not_object = send_raw (f, "POST", "/character/narrative/list-sections",
                                           "application/json", "[1, 2]");
  JsonArray *sections;
  JsonObject *first, *decision;

  g_assert_cmpuint (result->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (result->json));
  sections = json_node_get_array (result->json);
  g_assert_cmpuint (json_array_get_length (sections), >=, 3);

  first = json_array_get_object_element (sections, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "section_id"), ==, "mira-arrival");
  g_assert_cmpstr (json_object_get_string_member (first, "section_name"), ==, "Arrival");
  g_assert_nonnull (json_object_get_string_member (first, "objective"));
  decision = json_array_get_object_element (json_object_get_array_member (first, "decisions"), 0);
  g_assert_nonnull (json_object_get_string_member (decision, "criteria"));
  g_assert_cmpstr (json_object_get_string_member (decision, "next_section_id"), ==,
                   "mira-lost-ring");

  assert_error_reply (unknown, 400, "Invalid character ID");
  assert_error_reply (garbage, 400, "Invalid JSON");
  assert_error_reply (no_id, 400, "character_id");
  assert_error_reply (not_object, 400, "Invalid JSON");
}

static void
test_character_get (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Result) result = send_raw (f, "POST", "/character/get", "application/json",
                                       "{\"charID\": \"demo-borin\"}");
  g_autoptr(Result) wrong_method = send_raw (f, "GET", "/character/get", NULL, NULL);

  g_assert_cmpuint (result->status, ==, 200);
  g_assert_cmpstr (member (result, "character_id"), ==, "demo-borin");
  g_assert_true (strstr (member (result, "backstory"), "forge") != NULL);
  assert_error_reply (wrong_method, 405, NULL);
  g_assert_cmpstr (soup_message_headers_get_one (wrong_method->headers, "Allow"), ==, "POST");
}

/* Sessions --------------------------------------------------------------------------------- */

static void
test_new_session (Fixture       *f,
                  gconstpointer  data)
{
  Turn turn = { .user_text = "Hello there!", .char_id = "demo-mira", .session_id = "-1" };
  g_autoptr(Result) first = send_turn (f, &turn);
  g_autoptr(Result) second = send_turn (f, &turn);
  JsonObject *object = object_of (first);

  g_assert_no_error (first->error);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (member (first, "charID"), ==, "demo-mira");
  g_assert_cmpstr (member (first, "text"), ==, MIRA_GREETING);
  g_assert_true (demo_test_is_session_id (member (first, "sessionID")));
  g_assert_cmpstr (member (first, "emotion"), ==, "joy");
  g_assert_cmpstr (member (first, "narrativeSectionId"), ==, "mira-arrival");
  g_assert_cmpstr (member (first, "action"), ==, "Wave");
  g_assert_cmpstr (member (first, "actionSequence"), ==, "Wave\nSmile");
  g_assert_true (json_object_has_member (object, "audio"));
  g_assert_true (json_object_get_null_member (object, "audio"));
  g_assert_true (json_object_get_null_member (object, "sample_rate"));
  g_assert_false (json_object_has_member (object, "userQuery"));

  /* Each "-1" is a new session, starting from the beginning. */
  g_assert_true (demo_test_is_session_id (member (second, "sessionID")));
  g_assert_cmpstr (member (second, "sessionID"), !=, member (first, "sessionID"));
  g_assert_cmpstr (member (second, "text"), ==, MIRA_GREETING);
}

static void
test_continued_session (Fixture       *f,
                        gconstpointer  data)
{
  static const struct { const char *line; const char *section; const char *emotion; } script[] = {
    { "Hello!", "mira-arrival", "joy" },
    { "What's wrong? You look sad.", "mira-lost-ring", "sadness" },
    { "Hello", "mira-lost-ring", "joy" },
    { "I'll help you find it", "mira-cellar-search", "trust" },
    { "I found your ring!", "mira-grateful", "joy" },
  };
  g_autofree char *session_id = g_strdup ("-1");
  Turn other = { .user_text = "Hello!", .char_id = "demo-mira", .session_id = "-1" };
  g_autoptr(Result) fresh = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (script); i++)
    {
      Turn turn = { .user_text = script[i].line, .char_id = "demo-mira", .session_id = session_id };
      g_autoptr(Result) result = send_turn (f, &turn);

      g_assert_cmpuint (result->status, ==, 200);
      if (i > 0)
        g_assert_cmpstr (member (result, "sessionID"), ==, session_id);
      g_assert_cmpstr (member (result, "narrativeSectionId"), ==, script[i].section);
      g_assert_cmpstr (member (result, "emotion"), ==, script[i].emotion);
      g_free (session_id);
      session_id = g_strdup (member (result, "sessionID"));
    }

  /* Another session is not affected. */
  fresh = send_turn (f, &other);
  g_assert_cmpstr (member (fresh, "narrativeSectionId"), ==, "mira-arrival");
  g_assert_cmpstr (member (fresh, "text"), ==, MIRA_GREETING);
}

static void
test_unknown_session (Fixture       *f,
                      gconstpointer  data)
{
  Turn turn = { .user_text = "Hello", .char_id = "demo-kestrel", .session_id = "my-own-session" };
  Turn next = { .user_text = "Status report", .char_id = "demo-kestrel",
                .session_id = "my-own-session" };
  g_autoptr(Result) first = send_turn (f, &turn);
  g_autoptr(Result) second = send_turn (f, &next);

  /* Not validated by the live service: a fresh session under the id the client chose. */
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (member (first, "sessionID"), ==, "my-own-session");
  g_assert_cmpstr (member (first, "narrativeSectionId"), ==, "kestrel-cold-start");
  g_assert_cmpstr (member (second, "sessionID"), ==, "my-own-session");
  g_assert_cmpstr (member (second, "narrativeSectionId"), ==, "kestrel-hull-breach");
  g_assert_cmpstr (member (second, "emotion"), ==, "fear");
}

static void
test_urlencoded (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Result) result = send_raw (f, "POST", "/character/getResponse",
                                       SOUP_FORM_MIME_TYPE_URLENCODED,
                                       "userText=Hello+there%21&charID=demo-mira&sessionID=-1"
                                       "&voiceResponse=False");
  g_autoptr(Result) upper = send_raw (f, "POST", "/character/getResponse",
                                      SOUP_FORM_MIME_TYPE_URLENCODED,
                                      "userText=hi&charID=demo-borin&sessionID=-1"
                                      "&voiceResponse=FALSE&stream=false");

  g_assert_cmpuint (result->status, ==, 200);
  g_assert_cmpstr (member (result, "text"), ==, MIRA_GREETING);
  g_assert_cmpuint (upper->status, ==, 200);
  g_assert_cmpstr (member (upper, "charID"), ==, "demo-borin");
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  Turn no_char = { .user_text = "Hi", .session_id = "-1" };
  Turn no_session = { .user_text = "Hi", .char_id = "demo-mira" };
  Turn unknown = { .user_text = "Hi", .char_id = "nobody", .session_id = "-1" };
  Turn bad_flag = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                    .voice = "maybe" };
  Turn no_text = { .user_text = "", .char_id = "demo-mira", .session_id = "-1" };
  g_autoptr(Result) r1 = send_turn (f, &no_char);
  g_autoptr(Result) r2 = send_turn (f, &no_session);
  g_autoptr(Result) r3 = send_turn (f, &unknown);
  g_autoptr(Result) r4 = send_turn (f, &bad_flag);
  g_autoptr(Result) r5 = send_turn (f, &no_text);
  g_autoptr(Result) r6 = send_raw (f, "POST", "/character/getResponse",
                                   "multipart/form-data; boundary=xyz", "garbage, not parts");
  g_autoptr(Result) r7 = send_raw (f, "POST", "/character/getResponse",
                                   "multipart/form-data", "no boundary at all");
  g_autoptr(Result) r8 = send_raw (f, "POST", "/character/getResponse", "text/plain", "Hi");
  g_autoptr(Result) r9 = send_raw (f, "POST", "/character/getResponse", NULL, NULL);
  g_autoptr(Result) r10 = send_raw (f, "POST", "/character/getResponse",
                                    SOUP_FORM_MIME_TYPE_URLENCODED,
                                    "userText=%FF%FE&charID=demo-mira&sessionID=-1");
  g_autoptr(Result) r11 = send_raw (f, "GET", "/character/getResponse", NULL, NULL);

  assert_error_reply (r1, 400, "charID");
  assert_error_reply (r2, 400, "sessionID");
  assert_error_reply (r4, 400, "voiceResponse");
  assert_error_reply (r5, 400, "userText");
  assert_error_reply (r6, 400, "multipart");
  assert_error_reply (r7, 400, "multipart");
  assert_error_reply (r8, 400, NULL);
  assert_error_reply (r9, 400, NULL);
  assert_error_reply (r10, 400, "UTF-8");
  assert_error_reply (r11, 405, NULL);

  /* An unknown character fails like a generation failure of the live service. */
  g_assert_cmpuint (r3->status, ==, 404);
  g_assert_cmpstr (member (r3, "charID"), ==, "nobody");
  g_assert_cmpstr (member (r3, "text"), ==, "process_failure, error: character not found");
}

static void
test_api_key (Fixture       *f,
              gconstpointer  data)
{
  Turn none = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1" };
  Turn wrong = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                 .api_key = "not-the-key" };
  Turn right = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                 .api_key = "s3cret" };
  g_autoptr(Result) r_none = NULL, r_wrong = NULL, r_right = NULL, r_token = NULL;
  g_autoptr(Result) r_list = NULL, r_health = NULL;
  g_autoptr(SoupMessage) token = NULL;

  playtest_demo_server_set_api_key (f->server, "s3cret");
  r_none = send_turn (f, &none);
  r_wrong = send_turn (f, &wrong);
  r_right = send_turn (f, &right);
  token = turn_message (f, &none);
  soup_message_headers_replace (soup_message_get_request_headers (token), "API-AUTH-TOKEN",
                                "s3cret");
  r_token = send_message (f, token);
  r_list = send_raw (f, "POST", "/character/list", NULL, NULL);
  r_health = send_raw (f, "GET", "/health", NULL, NULL);

  assert_error_reply (r_none, 401, NULL);
  g_assert_cmpstr (member (r_none, "ERROR"), ==, "Invalid API key provided.");
  g_assert_cmpstr (member (r_wrong, "ERROR"), ==, "Invalid API key provided.");
  g_assert_cmpuint (r_wrong->status, ==, 401);
  g_assert_cmpuint (r_right->status, ==, 200);
  g_assert_cmpuint (r_token->status, ==, 200);
  assert_error_reply (r_list, 401, "Invalid API key");
  g_assert_cmpuint (r_health->status, ==, 200);

  /* Without a key, any key (or none) is fine. */
  playtest_demo_server_set_api_key (f->server, NULL);
  {
    g_autoptr(Result) again = send_turn (f, &wrong);

    g_assert_cmpuint (again->status, ==, 200);
  }
}

/* Voice ------------------------------------------------------------------------------------ */

static void
test_voice (Fixture       *f,
            gconstpointer  data)
{
  Turn turn = { .user_text = "Hello", .char_id = "demo-borin", .session_id = "-1",
                .voice = "True" };
  g_autoptr(Result) result = send_turn (f, &turn);
  g_autoptr(GBytes) wav = NULL;

  g_assert_cmpuint (result->status, ==, 200);
  g_assert_cmpstr (member (result, "sample_rate"), ==, "22050");
  g_assert_cmpstr (member (result, "text"), ==, "Hmph. Another visitor. What do you want?");
  wav = decode_audio (result);
  demo_test_assert_speech (wav, 1000);
}

/* The fallback when espeak-ng is missing: still a voice-like, audible signal whose length
 * follows the text. */
static void
test_synthetic_voice (void)
{
  g_autoptr(GBytes) short_wav = playtest_demo_speech_synthesize_synthetic ("Hmph.", 95);
  g_autoptr(GBytes) long_wav = playtest_demo_speech_synthesize_synthetic (
    "Ha! Brave or foolish, we'll see which. The Deepdelve mine is up the north path.", 95);
  g_autoptr(GBytes) empty_wav = playtest_demo_speech_synthesize_synthetic ("", 200);
  g_autoptr(GBytes) again = playtest_demo_speech_synthesize_synthetic ("Hmph.", 95);
  PlaytestWavInfo short_info, long_info;

  demo_test_assert_speech (short_wav, 200);
  demo_test_assert_speech (long_wav, 3000);
  demo_test_assert_speech (empty_wav, 200);
  g_assert_true (playtest_wav_parse_bytes (short_wav, &short_info, NULL));
  g_assert_true (playtest_wav_parse_bytes (long_wav, &long_info, NULL));
  g_assert_cmpuint (long_info.data_size, >, 4 * short_info.data_size);
  g_assert_true (g_bytes_equal (short_wav, again));
}

/* Every demo character names a voice espeak-ng knows, when espeak-ng is there to ask. */
static void
test_espeak_voices (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) characters = playtest_demo_characters_load_default (&error);

  g_assert_no_error (error);
  if (!playtest_demo_speech_has_espeak ())
    {
      g_test_skip ("espeak-ng is not available");
      return;
    }

  g_assert_false (playtest_demo_speech_has_voice ("xx-no-such-voice"));
  for (guint i = 0; i < characters->len; i++)
    {
      const PlaytestDemoVoice *voice =
        playtest_demo_character_get_voice (g_ptr_array_index (characters, i));

      if (!playtest_demo_speech_has_voice (voice->espeak_voice))
        g_error ("espeak-ng does not know the voice “%s”", voice->espeak_voice);
    }
}

/* Streaming -------------------------------------------------------------------------------- */

static GPtrArray *
parse_events (Result *result)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_auto(GStrv) blocks = NULL;

  g_assert_cmpstr (soup_message_headers_get_content_type (result->headers, NULL), ==,
                   "text/event-stream");
  g_assert_cmpint (soup_message_headers_get_encoding (result->headers), ==, SOUP_ENCODING_CHUNKED);
  g_assert_true (g_str_has_suffix (result->text, "\n\n"));

  blocks = g_strsplit (result->text, "\n\n", -1);
  for (guint i = 0; blocks[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node;

      if (*blocks[i] == '\0')
        continue;
      g_assert_true (g_str_has_prefix (blocks[i], "data: "));
      node = json_from_string (blocks[i] + strlen ("data: "), &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      g_ptr_array_add (events, node);
    }

  return g_steal_pointer (&events);
}

static const char *
event_member (GPtrArray  *events,
              guint       index,
              const char *name)
{
  JsonObject *object = json_node_get_object (g_ptr_array_index (events, index));

  return json_object_get_string_member_with_default (object, name, NULL);
}

static void
test_stream (Fixture       *f,
             gconstpointer  data)
{
  Turn plain = { .user_text = "Hello there!", .char_id = "demo-mira", .session_id = "-1" };
  Turn streamed = { .user_text = "Hello there!", .char_id = "demo-mira", .session_id = "-1",
                    .stream = "True" };
  g_autoptr(Result) reference = send_turn (f, &plain);
  g_autoptr(Result) result = send_turn (f, &streamed);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);
  guint last;

  g_assert_no_error (result->error);
  g_assert_cmpuint (result->status, ==, 200);
  events = parse_events (result);
  g_assert_cmpuint (events->len, ==, 3); /* three sentences */
  last = events->len - 1;

  for (guint i = 0; i < events->len; i++)
    {
      g_assert_nonnull (event_member (events, i, "text"));
      g_string_append (joined, event_member (events, i, "text"));
      g_assert_true (demo_test_is_session_id (event_member (events, i, "sessionID")));
      g_assert_cmpstr (event_member (events, i, "sessionID"), ==,
                       event_member (events, 0, "sessionID"));
    }

  g_assert_cmpstr (joined->str, ==, member (reference, "text"));
  g_assert_cmpstr (event_member (events, last, "emotion"), ==, "joy");
  g_assert_cmpstr (event_member (events, last, "narrativeSectionId"), ==, "mira-arrival");
  g_assert_cmpstr (event_member (events, last, "action"), ==, "Wave");
  g_assert_cmpstr (event_member (events, last, "actionSequence"), ==, "Wave\nSmile");
  g_assert_null (event_member (events, 0, "emotion"));
}

/* Later in a conversation, in a section change, the stream still matches the plain reply. */
static void
test_stream_continued (Fixture       *f,
                       gconstpointer  data)
{
  Turn first_plain = { .user_text = "Hello", .char_id = "demo-kestrel", .session_id = "-1" };
  Turn first_stream = { .user_text = "Hello", .char_id = "demo-kestrel", .session_id = "-1",
                        .stream = "true" };
  g_autoptr(Result) a = send_turn (f, &first_plain);
  g_autoptr(Result) b = send_turn (f, &first_stream);
  g_autoptr(GPtrArray) b_events = parse_events (b);
  Turn second_plain = { .user_text = "Status report?", .char_id = "demo-kestrel",
                        .session_id = member (a, "sessionID") };
  Turn second_stream = { .user_text = "Status report?", .char_id = "demo-kestrel",
                         .session_id = event_member (b_events, 0, "sessionID"), .stream = "True" };
  g_autoptr(Result) a2 = send_turn (f, &second_plain);
  g_autoptr(Result) b2 = send_turn (f, &second_stream);
  g_autoptr(GPtrArray) events = parse_events (b2);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    g_string_append (joined, event_member (events, i, "text"));

  g_assert_cmpuint (events->len, >, 1);
  g_assert_cmpstr (joined->str, ==, member (a2, "text"));
  g_assert_cmpstr (event_member (events, events->len - 1, "narrativeSectionId"), ==,
                   member (a2, "narrativeSectionId"));
  g_assert_cmpstr (member (a2, "narrativeSectionId"), ==, "kestrel-hull-breach");
}

static void
test_stream_voice (Fixture       *f,
                   gconstpointer  data)
{
  Turn turn = { .user_text = "Hello there!", .char_id = "demo-mira", .session_id = "-1",
                .stream = "True", .voice = "true" };
  g_autoptr(Result) result = send_turn (f, &turn);
  g_autoptr(GPtrArray) events = parse_events (result);

  g_assert_cmpuint (events->len, ==, 3);
  for (guint i = 0; i < events->len; i++)
    {
      const char *base64 = event_member (events, i, "audio");
      g_autoptr(GBytes) wav = NULL;
      guchar *decoded;
      gsize size;

      /* Each piece has its own little WAV, with its own header. */
      g_assert_nonnull (base64);
      decoded = g_base64_decode (base64, &size);
      wav = g_bytes_new_take (decoded, size);
      demo_test_assert_speech (wav, 300);
      g_assert_cmpstr (event_member (events, i, "sample_rate"), ==, "22050");
    }
}

/* Audio input ------------------------------------------------------------------------------ */

static void
test_audio_input (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) wav = demo_test_make_wav (16000, 1, 1.4);
  g_autoptr(GBytes) header_only = demo_test_make_wav (16000, 1, 0);
  g_autoptr(GBytes) stereo = demo_test_make_wav (16000, 2, 0.5);
  Turn turn = { .user_text = "(USER_PERFORMED_ACTIONS)", .char_id = "demo-mira",
                .session_id = "-1", .file = wav };
  Turn no_text = { .char_id = "demo-mira", .session_id = "-1", .file = wav };
  Turn empty = { .user_text = "(USER_PERFORMED_ACTIONS)", .char_id = "demo-mira",
                 .session_id = "-1", .file = header_only };
  Turn two_channels = { .char_id = "demo-mira", .session_id = "-1", .file = stereo };
  g_autoptr(Result) result = send_turn (f, &turn);
  g_autoptr(Result) without_text = send_turn (f, &no_text);
  g_autoptr(Result) rejected = send_turn (f, &empty);
  g_autoptr(Result) rejected_stereo = send_turn (f, &two_channels);

  g_assert_cmpuint (g_bytes_get_size (header_only), <=, 44);
  g_assert_cmpuint (result->status, ==, 200);
  g_assert_cmpstr (member (result, "userQuery"), ==, "(voice message, 1.4 s)");
  g_assert_cmpstr (member (result, "emotion"), ==, "surprise");
  g_assert_cmpstr (member (result, "action"), ==, "Lean In");
  g_assert_true (demo_test_is_session_id (member (result, "sessionID")));
  g_assert_cmpuint (without_text->status, ==, 200);
  g_assert_cmpstr (member (without_text, "userQuery"), ==, "(voice message, 1.4 s)");
  assert_error_reply (rejected, 400, NULL);
  assert_error_reply (rejected_stereo, 400, NULL);
}

/* Voice input in a continued session, with voice and streaming on: a case SDK users report
 * hanging. */
static void
test_audio_input_continued (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GBytes) wav = demo_test_make_wav (16000, 1, 0.8);
  Turn hello = { .user_text = "Hello", .char_id = "demo-borin", .session_id = "-1" };
  g_autoptr(Result) first = send_turn (f, &hello);
  Turn spoken = { .user_text = "(USER_PERFORMED_ACTIONS)", .char_id = "demo-borin",
                  .session_id = member (first, "sessionID"), .file = wav, .voice = "true",
                  .stream = "True" };
  g_autoptr(Result) second = send_turn (f, &spoken);
  g_autoptr(GPtrArray) events = parse_events (second);

  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpstr (event_member (events, 0, "sessionID"), ==, member (first, "sessionID"));
  g_assert_cmpstr (event_member (events, 0, "userQuery"), ==, "(voice message, 0.8 s)");
  g_assert_cmpstr (event_member (events, events->len - 1, "emotion"), ==, "surprise");
  g_assert_nonnull (event_member (events, 0, "audio"));
}

static void
test_reject_text_with_audio (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GBytes) wav = demo_test_make_wav (16000, 1, 1.0);
  Turn contract = { .user_text = "(USER_PERFORMED_ACTIONS)", .char_id = "demo-mira",
                    .session_id = "-1", .file = wav };
  Turn both = { .user_text = "Hello", .char_id = "demo-mira", .session_id = "-1", .file = wav };
  Turn audio_only = { .char_id = "demo-mira", .session_id = "-1", .file = wav };
  Turn text_only = { .user_text = "Hello", .char_id = "demo-mira", .session_id = "-1" };
  g_autoptr(Result) r_contract = NULL, r_both = NULL, r_audio = NULL, r_text = NULL;

  playtest_demo_server_set_reject_text_with_audio (f->server, TRUE);
  r_contract = send_turn (f, &contract);
  r_both = send_turn (f, &both);
  r_audio = send_turn (f, &audio_only);
  r_text = send_turn (f, &text_only);

  assert_error_reply (r_contract, 400, NULL);
  g_assert_cmpstr (member (r_contract, "ERROR"), ==,
                   "Expecting only one; either an audio file or user's query as a string");
  assert_error_reply (r_both, 400, "Expecting only one");
  g_assert_cmpuint (r_audio->status, ==, 200);
  g_assert_cmpstr (member (r_audio, "userQuery"), ==, "(voice message, 1.0 s)");
  g_assert_cmpuint (r_text->status, ==, 200);
}

/* Injection -------------------------------------------------------------------------------- */

static void
test_inject_header (Fixture       *f,
                    gconstpointer  data)
{
  Turn limited = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                   .inject = "status=429, retry-after=3" };
  Turn proxy = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                 .inject = "status=502-html" };
  Turn failed = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                  .inject = "status=404-process-failure" };
  Turn internal = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                    .inject = "delay=20;status=500" };
  g_autoptr(Result) r429 = send_turn (f, &limited);
  g_autoptr(Result) r502 = send_turn (f, &proxy);
  g_autoptr(Result) r404 = send_turn (f, &failed);
  g_autoptr(Result) r500 = send_turn (f, &internal);

  assert_error_reply (r429, 429, "rate limit");
  g_assert_cmpstr (soup_message_headers_get_one (r429->headers, "Retry-After"), ==, "3");
  g_assert_cmpuint (r502->status, ==, 502);
  g_assert_cmpstr (soup_message_headers_get_content_type (r502->headers, NULL), ==, "text/html");
  g_assert_true (strstr (r502->text, "502 Bad Gateway") != NULL);
  g_assert_cmpuint (r404->status, ==, 404);
  g_assert_true (g_str_has_prefix (member (r404, "text"), "process_failure"));
  g_assert_cmpuint (r500->status, ==, 500);
  g_assert_nonnull (member (r500, "INTERNAL_ERROR"));
}

static void
test_inject_text (Fixture       *f,
                  gconstpointer  data)
{
  Turn hello = { .user_text = "Hello [demo:delay=10]", .char_id = "demo-mira", .session_id = "-1" };
  g_autoptr(Result) first = send_turn (f, &hello);
  Turn failing = { .user_text = "[demo:fail=429,retry-after=2] Hello", .char_id = "demo-mira",
                   .session_id = member (first, "sessionID") };
  Turn unavailable = { .user_text = "Hello [demo:status=503]", .char_id = "demo-mira",
                       .session_id = member (first, "sessionID") };
  Turn again = { .user_text = "Hello", .char_id = "demo-mira",
                 .session_id = member (first, "sessionID") };
  g_autoptr(Result) r429 = send_turn (f, &failing);
  g_autoptr(Result) r503 = send_turn (f, &unavailable);
  g_autoptr(Result) second = send_turn (f, &again);

  /* The directive is stripped before the rules see the text. */
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (member (first, "text"), ==, MIRA_GREETING);
  assert_error_reply (r429, 429, NULL);
  g_assert_cmpstr (soup_message_headers_get_one (r429->headers, "Retry-After"), ==, "2");
  g_assert_cmpuint (r503->status, ==, 503);
  g_assert_nonnull (member (r503, "detail"));

  /* Failed turns do not count: this is the second turn, so the second greeting. */
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpstr (member (second, "text"), ==,
                   "Hello again, love. Your seat by the fire is still free.");
}

static void
test_inject_delay_timeout (Fixture       *f,
                           gconstpointer  data)
{
  Turn slow = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                .inject = "delay=4000" };
  Turn quick = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                 .inject = "delay=50" };
  g_autoptr(Result) timed_out = NULL, answered = NULL;

  /* The client gives up long before the injected delay is over. */
  soup_session_set_timeout (f->session, 1);
  timed_out = send_turn (f, &slow);
  g_assert_error (timed_out->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  soup_session_set_timeout (f->session, 60);
  answered = send_turn (f, &quick);
  g_assert_cmpuint (answered->status, ==, 200);
}

static void
test_inject_drop (Fixture       *f,
                  gconstpointer  data)
{
  Turn dropped = { .user_text = "Hello", .char_id = "demo-mira", .session_id = "-1",
                   .inject = "drop" };
  Turn dropped_stream = { .user_text = "Hello there! [demo:drop]", .char_id = "demo-mira",
                          .session_id = "-1", .stream = "True" };
  Turn after = { .user_text = "Hello", .char_id = "demo-mira", .session_id = "-1" };
  g_autoptr(Result) r1 = send_turn (f, &dropped);
  g_autoptr(Result) r2 = send_turn (f, &dropped_stream);
  g_autoptr(Result) r3 = send_turn (f, &after);

  /* The reply starts and breaks off: the client sees a broken body, never a whole reply. */
  g_assert_nonnull (r1->error);
  g_assert_nonnull (r2->error);
  g_assert_cmpuint (r3->status, ==, 200);
}

static void
test_inject_json_endpoint (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->base_url, "/character/list", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(Result) result = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Playtest-Inject",
                                "delay=10 status=503");
  result = send_message (f, msg);
  g_assert_cmpuint (result->status, ==, 503);
  g_assert_nonnull (member (result, "detail"));
}

static void
test_latency (Fixture       *f,
              gconstpointer  data)
{
  Turn turn = { .user_text = "Hello there!", .char_id = "demo-mira", .session_id = "-1",
                .stream = "True" };
  g_autoptr(Result) timed_out = NULL, answered = NULL;

  playtest_demo_server_set_latency_ms (f->server, 4000);
  soup_session_set_timeout (f->session, 1);
  timed_out = send_turn (f, &turn);
  g_assert_error (timed_out->error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  playtest_demo_server_set_latency_ms (f->server, 30);
  soup_session_set_timeout (f->session, 60);
  answered = send_turn (f, &turn);
  g_assert_cmpuint (answered->status, ==, 200);
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  gsize size = 33 * 1024 * 1024;
  g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (size), size);
  Turn turn = { .user_text = "(USER_PERFORMED_ACTIONS)", .char_id = "demo-mira",
                .session_id = "-1", .file = big };
  g_autoptr(Result) result = send_turn (f, &turn);
  Turn after = { .user_text = "Hello", .char_id = "demo-mira", .session_id = "-1" };
  g_autoptr(Result) next = send_turn (f, &after);

  assert_error_reply (result, 413, "too large");
  g_assert_cmpuint (next->status, ==, 200);
}

/* Many voice replies at once: speech runs in worker threads, one espeak-ng call at a time. */
static void
test_concurrent_voice (Fixture       *f,
                       gconstpointer  data)
{
  Result *results[6] = { NULL };
  SoupMessage *messages[6];
  guint pending = G_N_ELEMENTS (results);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      Turn turn = { .user_text = i % 2 ? "Hello" : "Who are you?", .session_id = "-1",
                    .char_id = i % 3 == 0 ? "demo-kestrel" : "demo-borin", .voice = "true",
                    .stream = i % 2 ? "True" : NULL };

      messages[i] = turn_message (f, &turn);
      results[i] = g_new0 (Result, 1);
      soup_session_send_and_read_async (f->session, messages[i], G_PRIORITY_DEFAULT, NULL,
                                        send_cb, results[i]);
    }

  while (pending > 0)
    {
      g_main_context_iteration (NULL, TRUE);
      pending = 0;
      for (guint i = 0; i < G_N_ELEMENTS (results); i++)
        pending += results[i]->body == NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_no_error (results[i]->error);
      g_assert_cmpuint (soup_message_get_status (messages[i]), ==, 200);
      g_assert_cmpuint (g_bytes_get_size (results[i]->body), >, 10000);
      g_object_unref (messages[i]);
      result_free (results[i]);
    }
}

static gboolean
dispose_server_cb (gpointer data)
{
  Fixture *f = data;

  playtest_demo_server_disconnect (f->server);
  return G_SOURCE_REMOVE;
}

/* A server stopped while replies wait (delay, stream) drops them cleanly. */
static void
test_disconnect_while_pending (Fixture       *f,
                               gconstpointer  data)
{
  Turn waiting = { .user_text = "Hi", .char_id = "demo-mira", .session_id = "-1",
                   .inject = "delay=30000" };
  g_autoptr(Result) result = NULL;

  g_timeout_add (300, dispose_server_cb, f);
  result = send_turn (f, &waiting);
  g_assert_nonnull (result->error);
  g_assert_null (playtest_demo_server_dup_base_url (f->server));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/demo-server/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("health", test_health);
  ADD ("character-list", test_character_list);
  ADD ("sections", test_sections);
  ADD ("character-get", test_character_get);
  ADD ("new-session", test_new_session);
  ADD ("continued-session", test_continued_session);
  ADD ("unknown-session", test_unknown_session);
  ADD ("urlencoded", test_urlencoded);
  ADD ("bad-input", test_bad_input);
  ADD ("api-key", test_api_key);
  ADD ("voice", test_voice);
  g_test_add_func ("/demo-server/synthetic-voice", test_synthetic_voice);
  g_test_add_func ("/demo-server/espeak-voices", test_espeak_voices);
  ADD ("stream", test_stream);
  ADD ("stream-continued", test_stream_continued);
  ADD ("stream-voice", test_stream_voice);
  ADD ("audio-input", test_audio_input);
  ADD ("audio-input-continued", test_audio_input_continued);
  ADD ("reject-text-with-audio", test_reject_text_with_audio);
  ADD ("inject-header", test_inject_header);
  ADD ("inject-text", test_inject_text);
  ADD ("inject-delay-timeout", test_inject_delay_timeout);
  ADD ("inject-drop", test_inject_drop);
  ADD ("inject-json-endpoint", test_inject_json_endpoint);
  ADD ("latency", test_latency);
  ADD ("too-large", test_too_large);
  ADD ("concurrent-voice", test_concurrent_voice);
  ADD ("disconnect-while-pending", test_disconnect_while_pending);

#undef ADD

  return g_test_run ();
}
