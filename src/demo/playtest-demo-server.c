/* playtest-demo-server.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "playtest-demo-character.h"
#include "playtest-demo-server.h"
#include "playtest-demo-server-private.h"
#include "playtest-demo-speech.h"
#include "playtest-wav.h"

/* The demo backend speaks the Convai HTTP API for the built-in demo characters, on one main
 * loop: requests that must wait (latency, speech, a stream's next piece) are paused and
 * picked up again from timeouts and GTask callbacks, never by blocking.
 *
 * Choices where the live service is not documented:
 * - an unknown `charID` in getResponse answers 404 with the live service's generation-failure
 *   body `{"charID": …, "text": "process_failure, error: character not found"}`; the JSON
 *   endpoints answer 400 `{"ERROR": "Invalid character ID."}`;
 * - with a key set, a missing key header is answered like a wrong one: 401
 *   `{"ERROR": "Invalid API key provided."}`;
 * - an unknown `sessionID` starts a fresh session under that id, as the service does not check.
 *
 * Latency and failures on request, for tests and for QA of error handling: a header
 * `X-Playtest-Inject: delay=1500, status=429, retry-after=3` on any endpoint, or the same
 * directives in the user's text as `[demo:delay=1500]`, `[demo:fail=429,retry-after=3]`
 * (taken out before the rules see the text). Directives: `delay=MS`, `status=NNN` or
 * `fail=NNN` (`502-html` for a proxy's HTML page, `404-process-failure`), `retry-after=S`,
 * `drop` (the reply starts, then the connection closes). A failed turn leaves its session as
 * it was. */

#define MAX_BODY_BYTES       (32 * 1024 * 1024)
#define STREAM_GAP_MS        40
#define NEW_SESSION_ID       "-1"
#define INJECT_HEADER        "X-Playtest-Inject"
#define BAD_KEY_MESSAGE      "Invalid API key provided."
#define EXPECTING_ONLY_ONE   "Expecting only one; either an audio file or user's query as a string"

typedef struct
{
  char  *character_id;
  char  *section_id;
  guint  turn;
} DemoSession;

typedef struct _DemoExchange DemoExchange;

struct _PlaytestDemoServer
{
  GObject     parent_instance;

  SoupServer *soup;
  GPtrArray  *characters;
  GHashTable *sessions;     /* id → DemoSession */
  GHashTable *exchanges;    /* requests in flight: DemoExchange → itself (owns a ref) */
  char       *api_key;
  char       *host;
  guint       port;
  guint       latency_ms;
  gboolean    reject_text_with_audio;
};

G_DEFINE_FINAL_TYPE (PlaytestDemoServer, playtest_demo_server, G_TYPE_OBJECT)

/* One request that waits for something. It holds the message; the server only points at it,
 * so a server that goes away takes every waiting request with it ("retires" them). */
struct _DemoExchange
{
  grefcount               ref_count;
  PlaytestDemoServer     *server;
  SoupServerMessage      *msg;
  GCancellable           *cancellable;
  gulong                  finished_handler;
  guint                   timeout_id;
  gboolean                done;

  PlaytestDemoInjection   inject;

  /* A plain JSON answer, prepared before the wait … */
  guint                   status;
  char                   *body;

  /* … or a character's turn */
  gboolean                is_turn;
  PlaytestDemoCharacter  *character;
  char                   *char_id;
  char                   *session_id;
  char                   *user_query;
  PlaytestDemoResponse   *response;
  gboolean                voice;
  gboolean                stream;
  char                  **pieces;
  guint                   next_piece;
};

/* Injection directives ---------------------------------------------------------------------- */

/**
 * playtest_demo_injection_init:
 * @inject: a #PlaytestDemoInjection
 *
 * Resets @inject to "answer normally, at once".
 */
void
playtest_demo_injection_init (PlaytestDemoInjection *inject)
{
  memset (inject, 0, sizeof *inject);
  inject->retry_after = -1;
}

/**
 * playtest_demo_injection_is_active:
 * @inject: a #PlaytestDemoInjection
 *
 * Returns: whether @inject asks for any delay or failure
 */
gboolean
playtest_demo_injection_is_active (const PlaytestDemoInjection *inject)
{
  return inject->delay_ms > 0 || inject->status != 0 || inject->drop;
}

static gboolean
parse_number (const char *text,
              guint64     max,
              guint64    *value)
{
  return text != NULL &&
         g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL);
}

static void
parse_status (PlaytestDemoInjection *inject,
              const char            *value)
{
  g_autofree char *digits = g_strndup (value, strspn (value, "0123456789"));
  const char *suffix = value + strlen (digits);
  guint64 status;

  if (!parse_number (digits, 599, &status) || status < 100)
    return;

  if (g_ascii_strcasecmp (suffix, "-html") == 0)
    inject->html = TRUE;
  else if (*suffix != '\0' && g_ascii_strcasecmp (suffix, "-process-failure") != 0)
    return;

  inject->status = (guint) status;
}

static void
parse_directive (PlaytestDemoInjection *inject,
                 const char            *directive)
{
  g_auto(GStrv) parts = g_strsplit (directive, "=", 2);
  const char *key = parts[0];
  const char *value = parts[1];
  guint64 number;

  if (g_ascii_strcasecmp (key, "drop") == 0)
    inject->drop = TRUE;
  else if (g_ascii_strcasecmp (key, "delay") == 0 &&
           parse_number (value, PLAYTEST_DEMO_MAX_INJECTED_DELAY_MS, &number))
    inject->delay_ms = (guint) number;
  else if (g_ascii_strcasecmp (key, "retry-after") == 0 && parse_number (value, 86400, &number))
    inject->retry_after = (int) number;
  else if ((g_ascii_strcasecmp (key, "status") == 0 || g_ascii_strcasecmp (key, "fail") == 0) &&
           value != NULL)
    parse_status (inject, value);
  else
    g_debug ("Ignoring unknown injection directive “%s”", directive);
}

/**
 * playtest_demo_injection_parse:
 * @inject: a #PlaytestDemoInjection to add to
 * @directives: (nullable): directives such as `delay=1500, status=429; retry-after=3`
 *
 * Adds directives separated by commas, semicolons or spaces to @inject: `delay=MS`,
 * `status=NNN` (or `fail=NNN`; `NNN-html` for an HTML page, `404-process-failure`),
 * `retry-after=S` and `drop`. Unknown directives are ignored.
 */
void
playtest_demo_injection_parse (PlaytestDemoInjection *inject,
                               const char            *directives)
{
  g_auto(GStrv) tokens = NULL;

  if (directives == NULL)
    return;

  tokens = g_strsplit_set (directives, ",; \t", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0')
      parse_directive (inject, tokens[i]);
}

/**
 * playtest_demo_injection_strip_text:
 * @inject: a #PlaytestDemoInjection to add to
 * @text: a user's text, possibly with `[demo:…]` directives
 *
 * Takes `[demo:delay=1500]`-style directives out of @text, so that a tester can trigger
 * failures from any client, and adds them to @inject.
 *
 * Returns: (transfer full): @text without the directives, trimmed
 */
char *
playtest_demo_injection_strip_text (PlaytestDemoInjection *inject,
                                    const char            *text)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      const char *end;

      if (g_ascii_strncasecmp (p, "[demo:", 6) != 0 || (end = strchr (p, ']')) == NULL)
        {
          g_string_append_c (out, *p++);
          continue;
        }

      {
        g_autofree char *directives = g_strndup (p + 6, end - (p + 6));

        playtest_demo_injection_parse (inject, directives);
      }

      p = end + 1;
      /* "Hello [demo:drop] there" becomes "Hello there", not "Hello  there" */
      if (out->len > 0 && out->str[out->len - 1] == ' ' && *p == ' ')
        p++;
    }

  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/* Small helpers ----------------------------------------------------------------------------- */

static void
demo_session_free (DemoSession *session)
{
  g_free (session->character_id);
  g_free (session->section_id);
  g_free (session);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
error_body (const char *key,
            const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

static char *
process_failure_body (const char *char_id,
                      const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = g_strdup_printf ("process_failure, error: %s", reason);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "charID");
  json_builder_add_string_value (builder, char_id != NULL ? char_id : "");
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

static void
set_response (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
set_json (SoupServerMessage *msg,
          guint              status,
          const char        *body)
{
  set_response (msg, status, "application/json", body);
}

static void
set_error (SoupServerMessage *msg,
           guint              status,
           const char        *message)
{
  g_autofree char *body = error_body ("ERROR", message);

  set_json (msg, status, body);
}

static char *
html_error_page (guint status)
{
  const char *phrase = soup_status_get_phrase (status);

  return g_strdup_printf ("<html>\r\n<head><title>%u %s</title></head>\r\n<body>\r\n"
                          "<center><h1>%u %s</h1></center>\r\n<hr><center>nginx</center>\r\n"
                          "</body>\r\n</html>\r\n", status, phrase, status, phrase);
}

/* What the live service (or a proxy in front of it) says with each status. */
static void
set_injected_failure (SoupServerMessage           *msg,
                      const PlaytestDemoInjection *inject,
                      const char                  *char_id)
{
  g_autofree char *body = NULL;

  if (inject->retry_after >= 0)
    {
      g_autofree char *value = g_strdup_printf ("%d", inject->retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", value);
    }

  if (inject->html)
    {
      body = html_error_page (inject->status);
      set_response (msg, inject->status, "text/html", body);
      return;
    }

  switch (inject->status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      body = error_body ("ERROR", BAD_KEY_MESSAGE);
      break;
    case SOUP_STATUS_FORBIDDEN:
      body = error_body ("ERROR", "You do not have access to this feature on your current plan.");
      break;
    case SOUP_STATUS_NOT_FOUND:
      body = process_failure_body (char_id, "injected failure");
      break;
    case 429: /* Too Many Requests: not named in libsoup 3.2 */
      body = error_body ("ERROR", "API rate limit exceeded. Please try again later.");
      break;
    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
      body = error_body ("INTERNAL_ERROR", "Internal server error (injected by the demo backend)");
      break;
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      body = error_body ("detail",
                         "Service temporarily unavailable (injected by the demo backend)");
      break;
    default:
      {
        g_autofree char *message = g_strdup_printf ("Injected failure with status %u",
                                                    inject->status);

        body = error_body ("ERROR", message);
      }
      break;
    }

  set_json (msg, inject->status, body);
}

static PlaytestDemoCharacter *
find_character (PlaytestDemoServer *self,
                const char         *id)
{
  for (guint i = 0; id != NULL && i < self->characters->len; i++)
    {
      PlaytestDemoCharacter *character = g_ptr_array_index (self->characters, i);

      if (g_str_equal (playtest_demo_character_get_id (character), id))
        return character;
    }

  return NULL;
}

static char *
new_session_id (PlaytestDemoServer *self)
{
  for (;;)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autoptr(GString) id = g_string_new (NULL);

      for (const char *p = uuid; *p; p++)
        if (*p != '-')
          g_string_append_c (id, *p);

      if (!g_hash_table_contains (self->sessions, id->str))
        return g_string_free (g_steal_pointer (&id), FALSE);
    }
}

/* "-1" makes a new session; an id we do not know (or one used with another character) starts
 * afresh under that id, since the live service does not validate session ids. */
static DemoSession *
resolve_session (PlaytestDemoServer     *self,
                 PlaytestDemoCharacter  *character,
                 const char             *requested,
                 char                  **session_id)
{
  const char *character_id = playtest_demo_character_get_id (character);
  DemoSession *session;

  *session_id = g_str_equal (requested, NEW_SESSION_ID) ? new_session_id (self)
                                                         : g_strdup (requested);

  session = g_hash_table_lookup (self->sessions, *session_id);
  if (session == NULL || !g_str_equal (session->character_id, character_id))
    {
      session = g_new0 (DemoSession, 1);
      session->character_id = g_strdup (character_id);
      session->section_id = g_strdup (playtest_demo_character_get_start_section_id (character));
      g_hash_table_replace (self->sessions, g_strdup (*session_id), session);
    }

  return session;
}

static gboolean
check_api_key (PlaytestDemoServer *self,
               SoupServerMessage  *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key;

  if (self->api_key == NULL)
    return TRUE;

  /* The service takes either header; the key wins when both are sent. */
  key = soup_message_headers_get_one (headers, "CONVAI-API-KEY");
  if (key == NULL)
    key = soup_message_headers_get_one (headers, "API-AUTH-TOKEN");

  if (key != NULL && g_str_equal (key, self->api_key))
    return TRUE;

  set_error (msg, SOUP_STATUS_UNAUTHORIZED, BAD_KEY_MESSAGE);
  return FALSE;
}

/* Exchanges --------------------------------------------------------------------------------- */

static void exchange_proceed (DemoExchange *ex);

static DemoExchange *
exchange_ref (DemoExchange *ex)
{
  g_ref_count_inc (&ex->ref_count);
  return ex;
}

static void
exchange_unref (DemoExchange *ex)
{
  if (!g_ref_count_dec (&ex->ref_count))
    return;

  g_assert (ex->timeout_id == 0);
  g_clear_object (&ex->msg);
  g_clear_object (&ex->cancellable);
  g_free (ex->body);
  g_clear_object (&ex->character);
  g_free (ex->char_id);
  g_free (ex->session_id);
  g_free (ex->user_query);
  g_clear_pointer (&ex->response, playtest_demo_response_free);
  g_strfreev (ex->pieces);
  g_free (ex);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoExchange, exchange_unref)

/* The request is over (answered, aborted, stolen, or the server is going away): stop every
 * pending step and let go of it. */
static void
exchange_retire (DemoExchange *ex)
{
  PlaytestDemoServer *server = ex->server;

  if (ex->done)
    return;

  ex->done = TRUE;
  ex->server = NULL;
  g_cancellable_cancel (ex->cancellable);
  g_clear_handle_id (&ex->timeout_id, g_source_remove);
  g_clear_signal_handler (&ex->finished_handler, ex->msg);

  if (server != NULL)
    g_hash_table_remove (server->exchanges, ex);
}

static void
exchange_finished_cb (SoupServerMessage *msg,
                      DemoExchange      *ex)
{
  g_autoptr(DemoExchange) hold = exchange_ref (ex);

  exchange_retire (ex);
}

static DemoExchange *
exchange_new (PlaytestDemoServer *self,
              SoupServerMessage  *msg)
{
  DemoExchange *ex = g_new0 (DemoExchange, 1);

  g_ref_count_init (&ex->ref_count);
  ex->server = self;
  ex->msg = g_object_ref (msg);
  ex->cancellable = g_cancellable_new ();
  playtest_demo_injection_init (&ex->inject);
  ex->finished_handler = g_signal_connect (msg, "finished",
                                           G_CALLBACK (exchange_finished_cb), ex);
  g_hash_table_add (self->exchanges, ex);

  soup_server_message_pause (msg);
  return ex;
}

static gboolean
exchange_timeout_cb (gpointer data)
{
  DemoExchange *ex = data;

  ex->timeout_id = 0;
  if (!ex->done)
    exchange_proceed (ex);

  return G_SOURCE_REMOVE;
}

static void
exchange_wait (DemoExchange *ex,
               guint         delay_ms)
{
  g_assert (ex->timeout_id == 0);

  ex->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, exchange_timeout_cb,
                                       exchange_ref (ex), (GDestroyNotify) exchange_unref);
}

/* Answer and hand the message back to libsoup; its "finished" retires the exchange. */
static void
exchange_answer_json (DemoExchange *ex,
                      guint         status,
                      const char   *body)
{
  set_json (ex->msg, status, body);
  soup_server_message_unpause (ex->msg);
}

/* Turn replies ------------------------------------------------------------------------------ */

/* Which optional members a reply (or stream event) carries besides charID, text, sessionID. */
typedef enum
{
  FIELDS_NONE  = 0,
  FIELDS_STATE = 1 << 0,  /* emotion, narrativeSectionId, action, actionSequence */
  FIELDS_QUERY = 1 << 1,  /* userQuery, for audio input */
  FIELDS_AUDIO = 1 << 2,  /* audio and sample_rate, null without a WAV */
  FIELDS_ALL   = FIELDS_STATE | FIELDS_QUERY | FIELDS_AUDIO,
} ReplyFields;

static void
add_actions (JsonBuilder          *builder,
             PlaytestDemoResponse *response)
{
  guint n = g_strv_length (response->actions);

  if (n == 0)
    return;

  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, response->actions[0]);

  if (n > 1)
    {
      g_autofree char *sequence = g_strjoinv ("\n", response->actions);

      json_builder_set_member_name (builder, "actionSequence");
      json_builder_add_string_value (builder, sequence);
    }
}

static void
add_audio (JsonBuilder *builder,
           GBytes      *wav)
{
  json_builder_set_member_name (builder, "audio");
  if (wav != NULL)
    {
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (wav, NULL),
                                                 g_bytes_get_size (wav));

      json_builder_add_string_value (builder, base64);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "sample_rate");
  if (wav != NULL)
    json_builder_add_string_value (builder, G_STRINGIFY (PLAYTEST_DEMO_SPEECH_RATE));
  else
    json_builder_add_null_value (builder);
}

static char *
turn_json (DemoExchange *ex,
           const char   *text,
           GBytes       *wav,
           ReplyFields   fields)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "charID");
  json_builder_add_string_value (builder, ex->char_id);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "sessionID");
  json_builder_add_string_value (builder, ex->session_id);

  if (fields & FIELDS_STATE)
    {
      json_builder_set_member_name (builder, "emotion");
      json_builder_add_string_value (builder, ex->response->emotion);
      json_builder_set_member_name (builder, "narrativeSectionId");
      json_builder_add_string_value (builder, ex->response->section_id);
      add_actions (builder, ex->response);
    }

  if (fields & FIELDS_AUDIO)
    add_audio (builder, wav);

  if ((fields & FIELDS_QUERY) && ex->user_query != NULL)
    {
      json_builder_set_member_name (builder, "userQuery");
      json_builder_add_string_value (builder, ex->user_query);
    }

  json_builder_end_object (builder);
  return builder_to_string (builder);
}

static void
whole_speech_ready_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(DemoExchange) ex = user_data;
  g_autoptr(GBytes) wav = playtest_demo_speech_synthesize_finish (result, NULL);
  g_autofree char *body = NULL;

  if (ex->done || wav == NULL)
    return;

  body = turn_json (ex, ex->response->text, wav, FIELDS_ALL);
  exchange_answer_json (ex, SOUP_STATUS_OK, body);
}

static void
speak (DemoExchange        *ex,
       const char          *text,
       GAsyncReadyCallback  callback)
{
  playtest_demo_speech_synthesize_async (text, playtest_demo_character_get_voice (ex->character),
                                         PLAYTEST_DEMO_SPEECH_AUTO, ex->cancellable,
                                         callback, exchange_ref (ex));
}

/* The simulated generation time of piece @index of a stream: the server's latency shared out
 * by length, as a model that generates sentence by sentence would. The first piece then comes
 * early, which is the point of streaming; a plain reply waits for the whole latency. */
static guint
piece_generation_ms (DemoExchange *ex,
                     guint         index)
{
  gsize total = 0;

  for (guint i = 0; ex->pieces[i] != NULL; i++)
    total += strlen (ex->pieces[i]);
  if (total == 0)
    return 0;

  return (guint) ((guint64) ex->server->latency_ms * strlen (ex->pieces[index]) / total);
}

/* Streams: one `data: {json}` event per piece of text, each with the speech of that piece
 * when voice is on; the first carries userQuery, the last the emotion, section and actions. */
static void
stream_write_piece (DemoExchange *ex,
                    GBytes       *wav)
{
  SoupMessageBody *body = soup_server_message_get_response_body (ex->msg);
  guint index = ex->next_piece++;
  gboolean last = ex->pieces[ex->next_piece] == NULL;
  ReplyFields fields = FIELDS_NONE;
  g_autofree char *json = NULL;
  char *event;

  if (index == 0)
    fields |= FIELDS_QUERY;
  if (last)
    fields |= FIELDS_STATE;
  if (ex->voice)
    fields |= FIELDS_AUDIO;

  json = turn_json (ex, ex->pieces[index], wav, fields);
  event = g_strdup_printf ("data: %s\n\n", json);
  soup_message_body_append (body, SOUP_MEMORY_TAKE, event, strlen (event));
  if (last)
    soup_message_body_complete (body);
  soup_server_message_unpause (ex->msg);

  if (!last)
    exchange_wait (ex, MAX (STREAM_GAP_MS, piece_generation_ms (ex, ex->next_piece)));
}

static void
piece_speech_ready_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(DemoExchange) ex = user_data;
  g_autoptr(GBytes) wav = playtest_demo_speech_synthesize_finish (result, NULL);

  if (ex->done || wav == NULL)
    return;

  stream_write_piece (ex, wav);
}

static void
stream_next_piece (DemoExchange *ex)
{
  if (ex->next_piece == 0)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (ex->msg);

      soup_server_message_set_status (ex->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
      soup_message_headers_replace (headers, "Cache-Control", "no-cache");
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
    }

  if (ex->voice)
    speak (ex, ex->pieces[ex->next_piece], piece_speech_ready_cb);
  else
    stream_write_piece (ex, NULL);
}

/* "drop": a reply that starts and then stops, as when a connection breaks on the way. */
static void
drop_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GIOStream) stream = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static void
exchange_drop (DemoExchange *ex)
{
  g_autofree char *body = NULL;
  GIOStream *stream;
  GBytes *raw;
  GString *out;

  if (ex->is_turn && ex->stream)
    {
      g_autofree char *json = turn_json (ex, ex->pieces[0], NULL, FIELDS_QUERY);
      g_autofree char *event = g_strdup_printf ("data: %s\n\n", json);

      out = g_string_new ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n");
      /* A whole first event, then a chunk that breaks off: a chunked body cut at a chunk
       * boundary would read as a normal end. */
      g_string_append_printf (out, "%zx\r\n%s\r\n", strlen (event), event);
      g_string_append_printf (out, "%zx\r\n", strlen (event));
      g_string_append_len (out, event, strlen (event) / 2);
    }
  else
    {
      body = ex->is_turn ? turn_json (ex, ex->response->text, NULL, FIELDS_ALL)
                         : g_strdup (ex->body);
      out = g_string_new (NULL);
      g_string_append_printf (out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: %zu\r\n\r\n", strlen (body));
      g_string_append_len (out, body, strlen (body) / 2);
    }

  raw = g_string_free_to_bytes (out);
  stream = soup_server_message_steal_connection (ex->msg);
  exchange_retire (ex);

  g_object_set_data_full (G_OBJECT (stream), "playtest-demo-drop", raw,
                          (GDestroyNotify) g_bytes_unref);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (raw, NULL), g_bytes_get_size (raw),
                                   G_PRIORITY_DEFAULT, NULL, drop_written_cb, stream);
}

static void
exchange_proceed (DemoExchange *ex)
{
  g_autofree char *body = NULL;

  if (ex->inject.status != 0)
    {
      set_injected_failure (ex->msg, &ex->inject, ex->char_id);
      soup_server_message_unpause (ex->msg);
    }
  else if (ex->inject.drop)
    exchange_drop (ex);
  else if (!ex->is_turn)
    exchange_answer_json (ex, ex->status, ex->body);
  else if (ex->stream)
    stream_next_piece (ex);
  else if (ex->voice)
    speak (ex, ex->response->text, whole_speech_ready_cb);
  else
    {
      body = turn_json (ex, ex->response->text, NULL, FIELDS_ALL);
      exchange_answer_json (ex, SOUP_STATUS_OK, body);
    }
}

/* Requests ---------------------------------------------------------------------------------- */

typedef struct
{
  GHashTable *fields;   /* name → UTF-8 value */
  GBytes     *file;
} DemoForm;

static void
demo_form_free (DemoForm *form)
{
  g_clear_pointer (&form->fields, g_hash_table_unref);
  g_clear_pointer (&form->file, g_bytes_unref);
  g_free (form);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoForm, demo_form_free)

static gboolean
form_add_field (DemoForm    *form,
                const char  *name,
                const char  *data,
                gsize        size,
                GError     **error)
{
  if (!g_utf8_validate_len (data, size, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Field '%s' is not valid UTF-8", name);
      return FALSE;
    }

  g_hash_table_replace (form->fields, g_strdup (name), g_strndup (data, size));
  return TRUE;
}

static gboolean
parse_multipart (DemoForm            *form,
                 SoupMessageHeaders  *headers,
                 GBytes              *body,
                 GError             **error)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, body);

  if (multipart == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Malformed multipart/form-data body");
      return FALSE;
    }

  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autoptr(GHashTable) params = NULL;
      g_autofree char *disposition = NULL;
      const char *name;

      soup_multipart_get_part (multipart, i, &part_headers, &part_body);
      if (!soup_message_headers_get_content_disposition (part_headers, &disposition, &params) ||
          (name = g_hash_table_lookup (params, "name")) == NULL)
        continue;

      if (g_str_equal (name, "file"))
        {
          g_clear_pointer (&form->file, g_bytes_unref);
          form->file = g_bytes_ref (part_body);
        }
      else if (!form_add_field (form, name, g_bytes_get_data (part_body, NULL),
                                g_bytes_get_size (part_body), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_urlencoded (DemoForm  *form,
                  GBytes    *body,
                  GError   **error)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr(GHashTable) decoded = soup_form_decode (text);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, decoded);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!form_add_field (form, key, value, strlen (value), error))
      return FALSE;

  return TRUE;
}

static DemoForm *
parse_form (SoupServerMessage  *msg,
            GError            **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(DemoForm) form = g_new0 (DemoForm, 1);

  form->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (type != NULL && g_ascii_strcasecmp (type, "multipart/form-data") == 0)
    {
      if (!parse_multipart (form, headers, body, error))
        return NULL;
    }
  else if (type != NULL && g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") == 0)
    {
      if (!parse_urlencoded (form, body, error))
        return NULL;
    }
  else
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "Expected a multipart/form-data or "
                           "application/x-www-form-urlencoded body");
      return NULL;
    }

  return g_steal_pointer (&form);
}

/* `True`/`true`/`False`/`false` (any case); absent is false. */
static gboolean
parse_flag (DemoForm    *form,
            const char  *name,
            gboolean    *value,
            GError     **error)
{
  const char *text = g_hash_table_lookup (form->fields, name);

  *value = FALSE;
  if (text == NULL || g_ascii_strcasecmp (text, "false") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (text, "true") == 0)
    return (*value = TRUE);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "'%s' must be True or False", name);
  return FALSE;
}

/* Sets @user_query to the placeholder transcript when the turn is audio input. */
static gboolean
check_turn_input (PlaytestDemoServer  *self,
                  const char          *user_text,
                  GBytes              *file,
                  char               **user_query,
                  GError             **error)
{
  PlaytestWavInfo info;
  g_autoptr(GError) wav_error = NULL;
  guint ms;

  if (file == NULL)
    {
      if (user_text == NULL || *user_text == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "Either userText or an audio file is required");
          return FALSE;
        }
      return TRUE;
    }

  /* The live service wants exactly one of the two; the contract sends both. */
  if (self->reject_text_with_audio && user_text != NULL && *user_text != '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, EXPECTING_ONLY_ONE);
      return FALSE;
    }

  if (!playtest_wav_check_voice_input (file, &info, &wav_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "Invalid audio file: %s", wav_error->message);
      return FALSE;
    }

  /* No speech recognition here: the transcript says what arrived. */
  ms = playtest_wav_info_get_duration_ms (&info);
  *user_query = g_strdup_printf ("(voice message, %u.%u s)", ms / 1000, (ms % 1000) / 100);

  return TRUE;
}

static void
take_turn (PlaytestDemoServer *self,
           DemoExchange       *ex,
           const char         *requested_session,
           const char         *user_text)
{
  DemoSession *session;

  /* A failure the request asked for leaves every session as it was. */
  if (ex->inject.status != 0)
    return;

  session = resolve_session (self, ex->character, requested_session, &ex->session_id);

  ex->response = playtest_demo_character_respond (ex->character, session->section_id,
                                                  session->turn,
                                                  ex->user_query != NULL ? NULL : user_text);
  g_free (session->section_id);
  session->section_id = g_strdup (ex->response->section_id);
  session->turn++;

  if (ex->stream)
    ex->pieces = playtest_demo_split_text (ex->response->text);
}

static gboolean
read_turn_request (PlaytestDemoServer     *self,
                   SoupServerMessage      *msg,
                   DemoForm              **form_out,
                   PlaytestDemoInjection  *inject,
                   char                  **user_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DemoForm) form = parse_form (msg, &error);
  const char *text, *char_id, *session_id;

  if (form == NULL)
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return FALSE;
    }

  char_id = g_hash_table_lookup (form->fields, "charID");
  session_id = g_hash_table_lookup (form->fields, "sessionID");
  if (char_id == NULL || *char_id == '\0')
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "charID is required");
      return FALSE;
    }
  if (session_id == NULL || *session_id == '\0')
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "sessionID is required");
      return FALSE;
    }

  playtest_demo_injection_init (inject);
  playtest_demo_injection_parse (inject, soup_message_headers_get_one (
                                   soup_server_message_get_request_headers (msg), INJECT_HEADER));
  text = g_hash_table_lookup (form->fields, "userText");
  *user_text = text != NULL ? playtest_demo_injection_strip_text (inject, text) : NULL;
  *form_out = g_steal_pointer (&form);
  return TRUE;
}

static void
handle_get_response (PlaytestDemoServer *self,
                     SoupServerMessage  *msg)
{
  g_autoptr(DemoForm) form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_text = NULL;
  g_autofree char *user_query = NULL;
  PlaytestDemoInjection inject;
  PlaytestDemoCharacter *character;
  DemoExchange *ex;
  const char *char_id;
  gboolean voice, stream;

  if (!read_turn_request (self, msg, &form, &inject, &user_text))
    return;

  char_id = g_hash_table_lookup (form->fields, "charID");
  if (!parse_flag (form, "voiceResponse", &voice, &error) ||
      !parse_flag (form, "stream", &stream, &error))
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  if ((character = find_character (self, char_id)) == NULL)
    {
      g_autofree char *body = process_failure_body (char_id, "character not found");

      set_json (msg, SOUP_STATUS_NOT_FOUND, body);
      return;
    }

  if (!check_turn_input (self, user_text, form->file, &user_query, &error))
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  ex = exchange_new (self, msg);
  ex->inject = inject;
  ex->is_turn = TRUE;
  ex->character = g_object_ref (character);
  ex->char_id = g_strdup (char_id);
  ex->user_query = g_steal_pointer (&user_query);
  ex->voice = voice;
  ex->stream = stream;

  take_turn (self, ex, g_hash_table_lookup (form->fields, "sessionID"), user_text);
  exchange_wait (ex, inject.delay_ms + (ex->pieces != NULL ? piece_generation_ms (ex, 0)
                                                            : self->latency_ms));
}

static JsonNode *
parse_json_body (SoupServerMessage  *msg,
                 GError            **error)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (g_bytes_get_size (body) == 0)
    return json_node_init_object (json_node_alloc (), json_object_new ());

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "Expected a JSON object");
      return NULL;
    }

  return json_node_copy (root);
}

/* The JSON endpoints name the character `character_id` or `charID`; take either. */
static PlaytestDemoCharacter *
character_from_json_body (PlaytestDemoServer *self,
                          SoupServerMessage  *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = parse_json_body (msg, &error);
  PlaytestDemoCharacter *character;
  JsonObject *object;
  const char *id;

  if (root == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Invalid JSON body: %s", error->message);

      set_error (msg, SOUP_STATUS_BAD_REQUEST, message);
      return NULL;
    }

  object = json_node_get_object (root);
  id = json_object_get_string_member_with_default (object, "character_id", NULL);
  if (id == NULL)
    id = json_object_get_string_member_with_default (object, "charID", NULL);

  if (id == NULL || *id == '\0')
    set_error (msg, SOUP_STATUS_BAD_REQUEST, "character_id is required");
  else if ((character = find_character (self, id)) == NULL)
    set_error (msg, SOUP_STATUS_BAD_REQUEST, "Invalid character ID.");
  else
    return character;

  return NULL;
}

static void
add_character_summary (JsonBuilder           *builder,
                       PlaytestDemoCharacter *character,
                       gboolean               full)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "character_id");
  json_builder_add_string_value (builder, playtest_demo_character_get_id (character));
  json_builder_set_member_name (builder, "character_name");
  json_builder_add_string_value (builder, playtest_demo_character_get_name (character));
  json_builder_set_member_name (builder, "voice_type");
  json_builder_add_string_value (builder, playtest_demo_character_get_voice_type (character));
  json_builder_set_member_name (builder, "is_narrative_driven");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "start_narrative_section_id");
  json_builder_add_string_value (builder, playtest_demo_character_get_start_section_id (character));
  if (full)
    {
      json_builder_set_member_name (builder, "backstory");
      json_builder_add_string_value (builder, playtest_demo_character_get_backstory (character));
      json_builder_set_member_name (builder, "language_code");
      json_builder_add_string_value (builder, "en-US");
    }
  json_builder_end_object (builder);
}

static char *
character_list_json (PlaytestDemoServer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "characters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->characters->len; i++)
    add_character_summary (builder, g_ptr_array_index (self->characters, i), FALSE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return builder_to_string (builder);
}

static char *
character_json (PlaytestDemoCharacter *character)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  add_character_summary (builder, character, TRUE);
  return builder_to_string (builder);
}

static void
add_section (JsonBuilder               *builder,
             const PlaytestDemoSection *section)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "section_id");
  json_builder_add_string_value (builder, section->section_id);
  json_builder_set_member_name (builder, "section_name");
  json_builder_add_string_value (builder, section->section_name);
  json_builder_set_member_name (builder, "objective");
  json_builder_add_string_value (builder, section->objective);
  json_builder_set_member_name (builder, "decisions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < section->decisions->len; i++)
    {
      PlaytestDemoDecision *decision = g_ptr_array_index (section->decisions, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "criteria");
      json_builder_add_string_value (builder, decision->criteria);
      json_builder_set_member_name (builder, "next_section_id");
      json_builder_add_string_value (builder, decision->next_section_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static char *
sections_json (PlaytestDemoCharacter *character)
{
  GPtrArray *sections = playtest_demo_character_get_sections (character);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < sections->len; i++)
    add_section (builder, g_ptr_array_index (sections, i));
  json_builder_end_array (builder);
  return builder_to_string (builder);
}

/* The reply of a JSON endpoint, or NULL when an error is already set on @msg. */
static char *
json_endpoint_reply (PlaytestDemoServer *self,
                     SoupServerMessage  *msg,
                     const char         *path)
{
  PlaytestDemoCharacter *character;

  if (g_str_equal (path, "/character/list"))
    return character_list_json (self);

  if ((character = character_from_json_body (self, msg)) == NULL)
    return NULL;

  if (g_str_equal (path, "/character/get"))
    return character_json (character);

  return sections_json (character);
}

static void
handle_json_endpoint (PlaytestDemoServer *self,
                      SoupServerMessage  *msg,
                      const char         *path)
{
  g_autofree char *body = json_endpoint_reply (self, msg, path);
  PlaytestDemoInjection inject;
  DemoExchange *ex;

  if (body == NULL)
    return;

  playtest_demo_injection_init (&inject);
  playtest_demo_injection_parse (&inject, soup_message_headers_get_one (
                                   soup_server_message_get_request_headers (msg), INJECT_HEADER));
  if (!playtest_demo_injection_is_active (&inject))
    {
      set_json (msg, SOUP_STATUS_OK, body);
      return;
    }

  ex = exchange_new (self, msg);
  ex->inject = inject;
  ex->status = SOUP_STATUS_OK;
  ex->body = g_steal_pointer (&body);
  exchange_wait (ex, inject.delay_ms);
}

static gboolean
check_method (SoupServerMessage *msg,
              const char        *allowed)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (method, allowed) ||
      (g_str_equal (allowed, SOUP_METHOD_GET) && g_str_equal (method, SOUP_METHOD_HEAD)))
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  set_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed");
  return FALSE;
}

static void
server_handler_cb (SoupServer        *soup,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  PlaytestDemoServer *self = user_data;

  if (g_str_equal (path, "/health"))
    {
      if (check_method (msg, SOUP_METHOD_GET))
        set_json (msg, SOUP_STATUS_OK, "{\"status\":\"ok\"}");
      return;
    }

  if (!g_str_equal (path, "/character/getResponse") &&
      !g_str_equal (path, "/character/list") &&
      !g_str_equal (path, "/character/get") &&
      !g_str_equal (path, "/character/narrative/list-sections"))
    {
      set_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }

  if (!check_method (msg, SOUP_METHOD_POST) || !check_api_key (self, msg))
    return;

  if (g_str_equal (path, "/character/getResponse"))
    handle_get_response (self, msg);
  else
    handle_json_endpoint (self, msg, path);
}

/* Body size limit ------------------------------------------------------------------------- */

static void
refuse_too_large (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  /* Keep reading (so the connection stays usable) but stop keeping what arrives. */
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  set_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "Request body too large (limit 32 MiB)");
}

static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > MAX_BODY_BYTES)
    refuse_too_large (msg);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (soup_server_message_get_status (msg) == 0 && body->length > MAX_BODY_BYTES)
    refuse_too_large (msg);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), NULL);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
}

/* Object ----------------------------------------------------------------------------------- */

static void
retire_all (PlaytestDemoServer *self)
{
  g_autoptr(GList) exchanges = g_hash_table_get_keys (self->exchanges);

  for (GList *l = exchanges; l != NULL; l = l->next)
    exchange_retire (l->data);
}

static void
playtest_demo_server_dispose (GObject *object)
{
  PlaytestDemoServer *self = (PlaytestDemoServer *)object;

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  retire_all (self);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (playtest_demo_server_parent_class)->dispose (object);
}

static void
playtest_demo_server_finalize (GObject *object)
{
  PlaytestDemoServer *self = (PlaytestDemoServer *)object;

  g_clear_pointer (&self->characters, g_ptr_array_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->exchanges, g_hash_table_unref);
  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->host, g_free);

  G_OBJECT_CLASS (playtest_demo_server_parent_class)->finalize (object);
}

static void
playtest_demo_server_class_init (PlaytestDemoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = playtest_demo_server_dispose;
  object_class->finalize = playtest_demo_server_finalize;
}

static void
playtest_demo_server_init (PlaytestDemoServer *self)
{
  g_autoptr(GError) error = NULL;

  self->characters = playtest_demo_characters_load_default (&error);
  if (self->characters == NULL)
    {
      /* The data is compiled in and checked by the unit tests: this is a build defect. */
      g_critical ("%s", error->message);
      self->characters = g_ptr_array_new_with_free_func (g_object_unref);
    }

  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) demo_session_free);
  self->exchanges = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) exchange_unref, NULL);

  self->soup = soup_server_new ("server-header", "convai-playtest-demo ", NULL);
  soup_server_add_handler (self->soup, NULL, server_handler_cb, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), NULL);
}

/**
 * playtest_demo_server_new:
 *
 * Creates a demo backend with the built-in demo characters. It does not listen until
 * playtest_demo_server_listen() is called. It answers on the thread-default main context of
 * the thread that calls playtest_demo_server_listen().
 *
 * Returns: (transfer full): a new #PlaytestDemoServer
 */
PlaytestDemoServer *
playtest_demo_server_new (void)
{
  return g_object_new (PLAYTEST_TYPE_DEMO_SERVER, NULL);
}

/**
 * playtest_demo_server_set_api_key:
 * @self: a #PlaytestDemoServer
 * @api_key: (nullable): the key clients must send, or %NULL (or "") to accept any
 *
 * With a key, every `/character/…` request must carry it in `CONVAI-API-KEY` (or
 * `API-AUTH-TOKEN`); otherwise it gets 401 `{"ERROR": "Invalid API key provided."}`.
 */
void
playtest_demo_server_set_api_key (PlaytestDemoServer *self,
                                  const char         *api_key)
{
  g_return_if_fail (PLAYTEST_IS_DEMO_SERVER (self));

  g_free (self->api_key);
  self->api_key = (api_key != NULL && *api_key != '\0') ? g_strdup (api_key) : NULL;
}

/**
 * playtest_demo_server_set_latency_ms:
 * @self: a #PlaytestDemoServer
 * @latency_ms: simulated generation time
 *
 * Simulates the time the service takes to generate a reply: a plain reply starts after
 * @latency_ms; a stream spreads it over its pieces by their length, so its first piece
 * comes as soon as that piece would have been generated.
 */
void
playtest_demo_server_set_latency_ms (PlaytestDemoServer *self,
                                     guint               latency_ms)
{
  g_return_if_fail (PLAYTEST_IS_DEMO_SERVER (self));

  self->latency_ms = MIN (latency_ms, PLAYTEST_DEMO_MAX_INJECTED_DELAY_MS);
}

/**
 * playtest_demo_server_set_reject_text_with_audio:
 * @self: a #PlaytestDemoServer
 * @reject: whether to refuse a request with both `userText` and `file`
 *
 * When @reject, behave as Convai's documentation says the live service does: a request
 * carrying both a (non-empty) `userText`, including `(USER_PERFORMED_ACTIONS)`, and a `file`
 * gets 400 `{"ERROR": "Expecting only one; either an audio file or user's query as a string"}`.
 * By default the contract's form (placeholder text plus file) is accepted.
 */
void
playtest_demo_server_set_reject_text_with_audio (PlaytestDemoServer *self,
                                                 gboolean            reject)
{
  g_return_if_fail (PLAYTEST_IS_DEMO_SERVER (self));

  self->reject_text_with_audio = !!reject;
}

static guint
listening_port (PlaytestDemoServer *self)
{
  g_autoptr(GSList) listeners = soup_server_get_listeners (self->soup);
  g_autoptr(GSocketAddress) address = NULL;

  if (listeners == NULL)
    return 0;

  address = g_socket_get_local_address (listeners->data, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

/**
 * playtest_demo_server_listen:
 * @self: a #PlaytestDemoServer
 * @host: (nullable): an IP address (or `localhost`) to listen on; %NULL means 127.0.0.1
 * @port: the port, or 0 for any free port
 * @error: return location for a #GError
 *
 * Starts accepting connections.
 *
 * Returns: %TRUE on success
 */
gboolean
playtest_demo_server_listen (PlaytestDemoServer  *self,
                             const char          *host,
                             guint                port,
                             GError             **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (PLAYTEST_IS_DEMO_SERVER (self), FALSE);

  if (host == NULL || g_ascii_strcasecmp (host, "localhost") == 0)
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);

  if (address == NULL || port > G_MAXUINT16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot listen on “%s” port %u: give an IP address and a port up to 65535"),
                   host, port);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (address, (guint16) port);
  if (!soup_server_listen (self->soup, socket_address, 0, error))
    return FALSE;

  g_free (self->host);
  self->host = g_inet_address_to_string (address);
  self->port = listening_port (self);
  return TRUE;
}

/**
 * playtest_demo_server_get_port:
 * @self: a #PlaytestDemoServer
 *
 * Returns: the port the server listens on, or 0 when it does not listen
 */
guint
playtest_demo_server_get_port (PlaytestDemoServer *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_SERVER (self), 0);

  return self->port;
}

/**
 * playtest_demo_server_dup_base_url:
 * @self: a #PlaytestDemoServer
 *
 * Returns: (transfer full) (nullable): the base URL to give a client, such as
 *   `http://127.0.0.1:41234`, or %NULL when the server does not listen
 */
char *
playtest_demo_server_dup_base_url (PlaytestDemoServer *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_SERVER (self), NULL);

  if (self->port == 0)
    return NULL;

  if (strchr (self->host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u", self->host, self->port);

  return g_strdup_printf ("http://%s:%u", self->host, self->port);
}

/**
 * playtest_demo_server_disconnect:
 * @self: a #PlaytestDemoServer
 *
 * Stops listening, closes every connection and drops replies still in progress. Sessions
 * are kept: listening again continues them.
 */
void
playtest_demo_server_disconnect (PlaytestDemoServer *self)
{
  g_return_if_fail (PLAYTEST_IS_DEMO_SERVER (self));

  soup_server_disconnect (self->soup);
  retire_all (self);
  self->port = 0;
}
