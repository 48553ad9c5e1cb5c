/* test-client-hostile.c — the client against a scripted, misbehaving server on loopback
 *
 * The server runs on the test's own main loop. Well-formed answers go through SoupServer;
 * broken ones (truncated bodies, resets, drips, split SSE) are written by hand on the
 * connection stolen from SoupServer, so the client meets exactly the bytes under test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/socket.h>

#include "playtest-client.h"

/* Distinctive, so a leak into any message is easy to spot. */
#define API_KEY          "sk-hostile-7f3e9a1c-NEVER-SHOW-ME"
#define WATCHDOG_SECONDS 25
#define EXPECTING_ONLY_ONE_BODY \
  "{\"ERROR\": \"Expecting only one; either an audio file or user's query as a string\"}"

/* ---------------------------------------------------------------------------------------- */
/* What the server received                                                                   */

typedef struct
{
  char   *name;
  char   *filename;
  GBytes *value;
} FormPart;

typedef struct
{
  char      *path;
  char      *api_key;
  char      *user_agent;
  char      *content_type;
  GBytes    *body;
  GPtrArray *parts;
} Received;

static void
form_part_free (FormPart *part)
{
  g_free (part->name);
  g_free (part->filename);
  g_bytes_unref (part->value);
  g_free (part);
}

static void
received_free (Received *received)
{
  g_free (received->path);
  g_free (received->api_key);
  g_free (received->user_agent);
  g_free (received->content_type);
  g_bytes_unref (received->body);
  g_ptr_array_unref (received->parts);
  g_free (received);
}

static void
received_parse_form (Received           *received,
                     SoupMessageHeaders *headers)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, received->body);

  if (multipart == NULL)
    return;

  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autoptr(GHashTable) params = NULL;
      FormPart *part = g_new0 (FormPart, 1);

      soup_multipart_get_part (multipart, i, &part_headers, &part_body);
      soup_message_headers_get_content_disposition (part_headers, NULL, &params);
      part->name = g_strdup (params != NULL ? g_hash_table_lookup (params, "name") : NULL);
      part->filename = g_strdup (params != NULL ? g_hash_table_lookup (params, "filename") : NULL);
      part->value = g_bytes_ref (part_body);
      g_ptr_array_add (received->parts, part);
    }
}

static Received *
received_new (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Received *received = g_new0 (Received, 1);

  received->path = g_strdup (g_uri_get_path (soup_server_message_get_uri (msg)));
  received->api_key = g_strdup (soup_message_headers_get_one (headers, "CONVAI-API-KEY"));
  received->user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  received->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  received->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  received->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) form_part_free);
  received_parse_form (received, headers);

  return received;
}

static FormPart *
received_find (Received   *received,
               const char *name)
{
  for (guint i = 0; i < received->parts->len; i++)
    {
      FormPart *part = g_ptr_array_index (received->parts, i);

      if (g_strcmp0 (part->name, name) == 0)
        return part;
    }
  return NULL;
}

static void
assert_form_value (Received   *received,
                   const char *name,
                   const char *expected)
{
  FormPart *part = received_find (received, name);
  g_autofree char *value = NULL;

  if (expected == NULL)
    {
      g_assert_null (part);
      return;
    }

  g_assert_nonnull (part);
  value = g_strndup (g_bytes_get_data (part->value, NULL), g_bytes_get_size (part->value));
  g_assert_cmpstr (value, ==, expected);
}

/* ---------------------------------------------------------------------------------------- */
/* Hand-written replies on a stolen connection                                                */

typedef enum
{
  RAW_END_CLOSE,
  RAW_END_RESET,
  RAW_END_HOLD,
} RawEnd;

typedef struct
{
  guint  delay_ms;
  GBytes *data;
} RawStep;

typedef struct
{
  GIOStream *stream;
  GSocket   *socket;
  GQueue     steps;
  RawEnd     end;
  guint      source_id;
} RawReply;

static void
raw_step_free (RawStep *step)
{
  g_bytes_unref (step->data);
  g_free (step);
}

static void
raw_reply_close (RawReply *raw)
{
  g_clear_handle_id (&raw->source_id, g_source_remove);
  if (raw->stream != NULL)
    g_io_stream_close (raw->stream, NULL, NULL);
}

static void
raw_reply_free (RawReply *raw)
{
  raw_reply_close (raw);
  g_queue_clear_full (&raw->steps, (GDestroyNotify) raw_step_free);
  g_clear_object (&raw->stream);
  g_clear_object (&raw->socket);
  g_free (raw);
}

static void raw_reply_schedule (RawReply *raw);

static void
raw_reply_end (RawReply *raw)
{
  struct linger linger = { 1, 0 };

  switch (raw->end)
    {
    case RAW_END_RESET:
      /* A zero linger turns close() into a TCP reset. */
      setsockopt (g_socket_get_fd (raw->socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
      raw_reply_close (raw);
      break;

    case RAW_END_CLOSE:
      raw_reply_close (raw);
      break;

    case RAW_END_HOLD:
    default:
      break;
    }
}

static gboolean
raw_reply_step_cb (gpointer user_data)
{
  RawReply *raw = user_data;
  RawStep *step = g_queue_pop_head (&raw->steps);
  GOutputStream *out = g_io_stream_get_output_stream (raw->stream);
  gboolean written;

  raw->source_id = 0;

  if (step == NULL)
    {
      raw_reply_end (raw);
      return G_SOURCE_REMOVE;
    }

  /* Small writes on loopback: blocking is fine, and an error means the client left. */
  written = g_output_stream_write_all (out, g_bytes_get_data (step->data, NULL),
                                       g_bytes_get_size (step->data), NULL, NULL, NULL);
  raw_step_free (step);
  if (written)
    raw_reply_schedule (raw);
  else
    raw_reply_close (raw);

  return G_SOURCE_REMOVE;
}

static void
raw_reply_schedule (RawReply *raw)
{
  RawStep *next = g_queue_peek_head (&raw->steps);

  raw->source_id = g_timeout_add (next != NULL ? next->delay_ms : 0, raw_reply_step_cb, raw);
}

static void
raw_reply_add (RawReply   *raw,
               guint       delay_ms,
               const char *data)
{
  RawStep *step = g_new0 (RawStep, 1);

  step->delay_ms = delay_ms;
  step->data = g_bytes_new (data, strlen (data));
  g_queue_push_tail (&raw->steps, step);
}

/* One HTTP/1.1 chunk of a chunked body. */
static void
raw_reply_add_chunk (RawReply   *raw,
                     guint       delay_ms,
                     const char *data)
{
  g_autofree char *chunk = g_strdup_printf ("%" G_GSIZE_MODIFIER "x\r\n%s\r\n",
                                            strlen (data), data);

  raw_reply_add (raw, delay_ms, chunk);
}

#define CHUNKED_200_HEADERS(type) \
  "HTTP/1.1 200 OK\r\nContent-Type: " type "\r\nTransfer-Encoding: chunked\r\n\r\n"

/* ---------------------------------------------------------------------------------------- */
/* Fixture                                                                                    */

typedef struct _Fixture Fixture;
typedef void (*RespondFunc) (Fixture           *fx,
                             SoupServerMessage *msg,
                             Received          *received);

struct _Fixture
{
  SoupServer     *server;
  char           *base_url;
  PlaytestClient *client;
  GPtrArray      *received;
  GPtrArray      *raw_replies;
  RespondFunc     respond;
  GCancellable   *cancel_on_request;
  GAsyncResult   *result;
  GPtrArray      *text_pieces;
  guint           audio_chunks;
};

static RawReply *
fixture_steal (Fixture           *fx,
               SoupServerMessage *msg,
               RawEnd             end)
{
  RawReply *raw = g_new0 (RawReply, 1);

  raw->socket = g_object_ref (soup_server_message_get_socket (msg));
  raw->stream = soup_server_message_steal_connection (msg);
  raw->end = end;
  g_queue_init (&raw->steps);
  g_ptr_array_add (fx->raw_replies, raw);

  return raw;
}

static gboolean
cancel_idle_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
server_handler_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Fixture *fx = user_data;
  Received *received = received_new (msg);

  g_ptr_array_add (fx->received, received);

  if (fx->cancel_on_request != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, cancel_idle_cb,
                     g_object_ref (fx->cancel_on_request), g_object_unref);

  g_assert_nonnull (fx->respond);
  fx->respond (fx, msg, received);
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fx->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fx->server, NULL, server_handler_cb, fx, NULL);
  soup_server_listen_local (fx->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fx->server);
  g_assert_nonnull (uris);
  /* Ends in '/': the client must tolerate that. */
  fx->base_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_assert_true (g_str_has_suffix (fx->base_url, "/"));

  fx->client = playtest_client_new (fx->base_url, API_KEY);
  fx->received = g_ptr_array_new_with_free_func ((GDestroyNotify) received_free);
  fx->raw_replies = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_reply_free);
  fx->text_pieces = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->client);
  g_clear_pointer (&fx->raw_replies, g_ptr_array_unref);
  soup_server_disconnect (fx->server);
  g_clear_object (&fx->server);
  g_clear_pointer (&fx->received, g_ptr_array_unref);
  g_clear_pointer (&fx->text_pieces, g_ptr_array_unref);
  g_clear_pointer (&fx->base_url, g_free);
  g_clear_object (&fx->cancel_on_request);
  g_assert_null (fx->result);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static Received *
fixture_received (Fixture *fx,
                  guint    index)
{
  g_assert_cmpuint (index, <, fx->received->len);
  return g_ptr_array_index (fx->received, index);
}

/* ---------------------------------------------------------------------------------------- */
/* Driving the client                                                                         */

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *fx = user_data;

  g_assert_null (fx->result);
  fx->result = g_object_ref (result);
}

static gboolean
watchdog_cb (gpointer user_data)
{
  g_error ("The client gave no answer within %d s", WATCHDOG_SECONDS);
  return G_SOURCE_REMOVE;
}

static GAsyncResult *
fixture_wait (Fixture *fx)
{
  guint watchdog = g_timeout_add_seconds (WATCHDOG_SECONDS, watchdog_cb, NULL);

  while (fx->result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (watchdog);
  return g_steal_pointer (&fx->result);
}

static void
on_text_piece (PlaytestTurnRequest *request,
               const char          *piece,
               Fixture             *fx)
{
  g_ptr_array_add (fx->text_pieces, g_strdup (piece));
}

static void
on_audio_chunk (PlaytestTurnRequest *request,
                GBytes              *wav,
                Fixture             *fx)
{
  PlaytestWavInfo info;

  g_assert_true (playtest_wav_parse_bytes (wav, &info, NULL));
  fx->audio_chunks++;
}

static PlaytestReply *
send_turn (Fixture              *fx,
           PlaytestTurnRequest  *request,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_signal_connect (request, "text-piece", G_CALLBACK (on_text_piece), fx);
  g_signal_connect (request, "audio-chunk", G_CALLBACK (on_audio_chunk), fx);

  playtest_client_get_response_async (fx->client, request, cancellable, store_result_cb, fx);
  result = fixture_wait (fx);

  g_signal_handlers_disconnect_by_data (request, fx);
  return playtest_client_get_response_finish (fx->client, result, error);
}

static PlaytestReply *
send_text (Fixture     *fx,
           const char  *text,
           GError     **error)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("char-1", NULL, text);

  return send_turn (fx, request, NULL, error);
}

static PlaytestReply *
send_streamed (Fixture     *fx,
               RespondFunc  respond,
               guint        timeout,
               GError     **error)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("char-1", NULL, "Hi");

  playtest_turn_request_set_stream (request, TRUE);
  playtest_client_set_timeout (fx->client, timeout);
  fx->respond = respond;
  return send_turn (fx, request, NULL, error);
}

static GBytes *
make_wav (void)
{
  gint16 samples[3200];

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    samples[i] = (gint16) ((i * 523) % 20000 - 10000);

  return playtest_wav_new_pcm16 (samples, G_N_ELEMENTS (samples), 16000, 1);
}

/* Every error must be typed, and say nothing of the key. */
static void
assert_client_error (const GError *error,
                     int           code)
{
  const char *words;

  g_assert_error (error, PLAYTEST_CLIENT_ERROR, code);
  g_assert_null (strstr (error->message, API_KEY));
  words = playtest_client_error_get_server_message (error);
  g_assert_true (words == NULL || strstr (words, API_KEY) == NULL);
  g_test_message ("%s: %s", playtest_client_error_code_to_string (code), error->message);
}

static void
assert_request_sent_properly (Fixture *fx,
                              guint    index)
{
  Received *received = fixture_received (fx, index);

  g_assert_cmpstr (received->path, ==, "/character/getResponse");
  g_assert_cmpstr (received->api_key, ==, API_KEY);
  g_assert_true (g_str_has_prefix (received->user_agent, "convai-playtest/"));
  g_assert_cmpstr (received->content_type, ==, "multipart/form-data");
}

/* ---------------------------------------------------------------------------------------- */
/* Responders                                                                                 */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

static void
respond_ok (Fixture           *fx,
            SoupServerMessage *msg,
            Received          *received)
{
  respond_json (msg, SOUP_STATUS_OK,
                "{\"charID\": \"char-1\", \"text\": \"Welcome, traveller.\", "
                "\"sessionID\": \"sess-ok\", \"emotion\": \"joy\"}");
}

static void
respond_truncated (Fixture           *fx,
                   SoupServerMessage *msg,
                   Received          *received)
{
  RawReply *raw = fixture_steal (fx, msg, RAW_END_CLOSE);

  raw_reply_add (raw, 0, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 "Content-Length: 500\r\n\r\n{\"text\": \"Hello, trav");
  raw_reply_schedule (raw);
}

static void
respond_reset (Fixture           *fx,
               SoupServerMessage *msg,
               Received          *received)
{
  RawReply *raw = fixture_steal (fx, msg, RAW_END_RESET);

  raw_reply_add (raw, 0, CHUNKED_200_HEADERS ("application/json"));
  raw_reply_add_chunk (raw, 0, "{\"text\": \"Hello, trav");
  raw_reply_add (raw, 100, "");
  raw_reply_schedule (raw);
}

/* ---------------------------------------------------------------------------------------- */
/* Tests                                                                                      */

static void
test_ok_request_shape (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  const PlaytestTimings *timings;

  fx->respond = respond_ok;
  reply = send_text (fx, "Hello there", &error);
  g_assert_no_error (error);

  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "Welcome, traveller.");
  g_assert_cmpstr (playtest_reply_get_session_id (reply), ==, "sess-ok");
  g_assert_nonnull (strstr (playtest_reply_get_raw_json (reply), "Welcome, traveller."));
  timings = playtest_reply_get_timings (reply);
  g_assert_cmpint (timings->request_start, >, 0);
  g_assert_cmpint (timings->first_byte, >=, timings->request_start);
  g_assert_cmpint (timings->complete, >=, timings->first_byte);

  g_assert_cmpuint (fx->received->len, ==, 1);
  assert_request_sent_properly (fx, 0);
  assert_form_value (fixture_received (fx, 0), "userText", "Hello there");
  assert_form_value (fixture_received (fx, 0), "charID", "char-1");
  assert_form_value (fixture_received (fx, 0), "sessionID", "-1");
  assert_form_value (fixture_received (fx, 0), "voiceResponse", "true");
  assert_form_value (fixture_received (fx, 0), "stream", NULL);
}

/* A connection that breaks mid-body is a network failure that names the host. */
static void
test_broken_connection (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  fx->respond = (RespondFunc) data;
  reply = send_text (fx, "Hello", &error);

  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
respond_slow_drip (Fixture           *fx,
                   SoupServerMessage *msg,
                   Received          *received)
{
  RawReply *raw = fixture_steal (fx, msg, RAW_END_HOLD);

  raw_reply_add (raw, 0, CHUNKED_200_HEADERS ("application/json"));
  raw_reply_add_chunk (raw, 0, "{\"text\": ");
  /* Always something new, never the whole reply: only a whole-reply deadline stops this. */
  for (guint i = 0; i < 50; i++)
    raw_reply_add_chunk (raw, 200, " ");
  raw_reply_schedule (raw);
}

static void
test_slow_drip_times_out (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  playtest_client_set_timeout (fx->client, 1);
  fx->respond = respond_slow_drip;
  reply = send_text (fx, "Hello", &error);

  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "No reply within 1 s");
}

static void
respond_stream_then_stall (Fixture           *fx,
                           SoupServerMessage *msg,
                           Received          *received)
{
  RawReply *raw = fixture_steal (fx, msg, RAW_END_HOLD);

  raw_reply_add (raw, 0, CHUNKED_200_HEADERS ("text/event-stream"));
  raw_reply_add_chunk (raw, 0, "data: {\"text\": \"Hmm, let me think\"}\n\n");
  raw_reply_schedule (raw);
}

static void
test_stream_stall_times_out (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestReply) reply = send_streamed (fx, respond_stream_then_stall, 1, &error);

  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_TIMEOUT);
  /* What arrived before the stall was shown. */
  g_assert_cmpuint (fx->text_pieces->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fx->text_pieces, 0), ==, "Hmm, let me think");
}

static void
respond_stream_steady (Fixture           *fx,
                       SoupServerMessage *msg,
                       Received          *received)
{
  RawReply *raw = fixture_steal (fx, msg, RAW_END_HOLD);

  raw_reply_add (raw, 0, CHUNKED_200_HEADERS ("text/event-stream"));
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *event = g_strdup_printf ("data: {\"text\": \"w%u \"}\n\n", i);

      raw_reply_add_chunk (raw, 150, event);
    }
  raw_reply_add (raw, 0, "0\r\n\r\n");
  raw_reply_schedule (raw);
}

/* A stream that keeps moving may take longer than the timeout in total. */
static void
test_stream_steady_outlives_timeout (Fixture       *fx,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestReply) reply = send_streamed (fx, respond_stream_steady, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (fx->text_pieces->len, ==, 12);
  g_assert_true (g_str_has_prefix (playtest_reply_get_text (reply), "w0 w1 w2 "));
  g_assert_true (g_str_has_suffix (playtest_reply_get_text (reply), "w11 "));
}

static char *
make_big_json (gsize size)
{
  GString *json = g_string_sized_new (size + 32);

  g_string_append (json, "{\"text\": \"");
  while (json->len < size)
    g_string_append (json, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  g_string_append (json, "\"}");

  return g_string_free (json, FALSE);
}

static void
respond_big (Fixture           *fx,
             SoupServerMessage *msg,
             Received          *received)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  char *json = make_big_json (2 * 1024 * 1024);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/json", NULL);
  /* Chunked: no Content-Length warns the client; only counting can. */
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_append (body, SOUP_MEMORY_TAKE, json, strlen (json));
  soup_message_body_complete (body);
}

static void
respond_big_with_length (Fixture           *fx,
                         SoupServerMessage *msg,
                         Received          *received)
{
  char *json = make_big_json (2 * 1024 * 1024);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    json, strlen (json));
}

static void
respond_big_error (Fixture           *fx,
                   SoupServerMessage *msg,
                   Received          *received)
{
  g_autoptr(GString) html = g_string_new ("<html><body><h1>503 Service Unavailable</h1>");

  while (html->len < 2 * 1024 * 1024)
    g_string_append (html, "<p>padding padding padding padding</p>");
  g_string_append (html, "</body></html>");

  soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_COPY, html->str, html->len);
}

static void
test_oversized_body (Fixture       *fx,
                     gconstpointer  data)
{
  RespondFunc responders[] = { respond_big, respond_big_with_length };

  playtest_client_set_max_reply_bytes (fx->client, 1024 * 1024);

  for (guint i = 0; i < G_N_ELEMENTS (responders); i++)
    {
      g_autoptr(PlaytestReply) reply = NULL;
      g_autoptr(GError) error = NULL;

      fx->respond = responders[i];
      reply = send_text (fx, "Tell me everything", &error);
      g_assert_null (reply);
      assert_client_error (error, PLAYTEST_CLIENT_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "1 MiB"));
    }

  /* The cap holds for streams too. */
  {
    g_autoptr(PlaytestReply) reply = NULL;
    g_autoptr(GError) error = NULL;

    reply = send_streamed (fx, respond_big, PLAYTEST_DEFAULT_TIMEOUT_SECONDS, &error);
    g_assert_null (reply);
    assert_client_error (error, PLAYTEST_CLIENT_ERROR_TOO_LARGE);
  }

  /* An oversized error page still tells the status: the cap only trims its words. */
  {
    g_autoptr(PlaytestReply) reply = NULL;
    g_autoptr(GError) error = NULL;

    fx->respond = respond_big_error;
    reply = send_text (fx, "Hi", &error);
    g_assert_null (reply);
    assert_client_error (error, PLAYTEST_CLIENT_ERROR_SERVER);
    g_assert_cmpuint (playtest_client_error_get_status (error), ==, 503);
  }
}

/* Status and body of each scripted error reply, and what the user must be told. */
typedef struct
{
  guint       status;
  const char *content_type;
  const char *body;
  const char *retry_after;
  int         code;
  const char *words;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { 502, "text/html",
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    "</center><hr><center>nginx</center></body></html>",
    NULL, PLAYTEST_CLIENT_ERROR_SERVER, "Bad Gateway" },
  { 429, "application/json", "{\"ERROR\": \"API rate limit exceeded. Please try again later.\"}",
    "7", PLAYTEST_CLIENT_ERROR_RATE_LIMITED, "API rate limit exceeded" },
  { 401, "application/json", "{\"ERROR\": \"Invalid API key provided.\"}",
    NULL, PLAYTEST_CLIENT_ERROR_BAD_KEY, "Invalid API key provided." },
  { 401, "application/json", "{\"API_ERROR\": \"Key expired for this plan\"}",
    NULL, PLAYTEST_CLIENT_ERROR_BAD_KEY, "Key expired for this plan" },
  /* A service that quotes the key back: the user still must not see it. */
  { 401, "application/json", "{\"ERROR\": \"Invalid API key: " API_KEY "\"}",
    NULL, PLAYTEST_CLIENT_ERROR_BAD_KEY, "Invalid API key" },
  { 404, "application/json",
    "{\"charID\": \"char-1\", \"text\": \"process_failure, error: model overloaded\"}",
    NULL, PLAYTEST_CLIENT_ERROR_NOT_FOUND, "model overloaded" },
  { 200, "application/json",
    "{\"charID\": \"char-1\", \"text\": \"process_failure, error: model overloaded\"}",
    NULL, PLAYTEST_CLIENT_ERROR_NOT_FOUND, "model overloaded" },
  { 500, "application/json", "{\"INTERNAL_ERROR\": \"Something went wrong on our side\"}",
    NULL, PLAYTEST_CLIENT_ERROR_SERVER, "Something went wrong on our side" },
  { 503, "application/json", "{\"detail\": \"Service temporarily unavailable\"}",
    NULL, PLAYTEST_CLIENT_ERROR_SERVER, "Service temporarily unavailable" },
};

static const ErrorCase *current_error_case;

static void
respond_error_case (Fixture           *fx,
                    SoupServerMessage *msg,
                    Received          *received)
{
  const ErrorCase *c = current_error_case;

  soup_server_message_set_status (msg, c->status, NULL);
  if (c->retry_after != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Retry-After", c->retry_after);
  soup_server_message_set_response (msg, c->content_type, SOUP_MEMORY_STATIC,
                                    c->body, strlen (c->body));
}

static void
test_error_statuses (Fixture       *fx,
                     gconstpointer  data)
{
  fx->respond = respond_error_case;

  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(PlaytestReply) reply = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *status = g_strdup_printf ("%u", c->status);

      current_error_case = c;
      reply = send_text (fx, "Hello", &error);

      g_assert_null (reply);
      assert_client_error (error, c->code);
      g_assert_cmpuint (playtest_client_error_get_status (error), ==, c->status);
      g_assert_nonnull (strstr (error->message, c->words));
      if (c->status != 200)
        g_assert_nonnull (strstr (error->message, status));
      if (c->retry_after != NULL)
        g_assert_cmpint (playtest_client_error_get_retry_after (error), ==,
                         atoi (c->retry_after));
    }
}

static void
respond_junk_audio (Fixture           *fx,
                    SoupServerMessage *msg,
                    Received          *received)
{
  respond_json (msg, SOUP_STATUS_OK,
                "{\"text\": \"You hear static.\", \"audio\": \"@@@ not base64, not a WAV @@@\", "
                "\"sessionID\": \"sess-junk\", \"sample_rate\": \"22050\"}");
}

static void
test_junk_audio_keeps_text (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *warnings;

  fx->respond = respond_junk_audio;
  reply = send_text (fx, "Say something", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "You hear static.");
  g_assert_cmpstr (playtest_reply_get_session_id (reply), ==, "sess-junk");
  g_assert_null (playtest_reply_get_audio (reply));
  warnings = playtest_reply_get_warnings (reply);
  g_assert_nonnull (warnings);
  g_assert_nonnull (warnings[0]);
}

/* A successful reply that quotes the key back, whole or streamed: the key reaches neither
 * the text nor the raw JSON that the inspector and the history show. */
static void
respond_key_echo (Fixture           *fx,
                  SoupServerMessage *msg,
                  Received          *received)
{
  respond_json (msg, SOUP_STATUS_OK,
                "{\"text\": \"Your key is " API_KEY ".\", \"sessionID\": \"sess-echo\"}");
}

static void
respond_key_echo_stream (Fixture           *fx,
                         SoupServerMessage *msg,
                         Received          *received)
{
  RawReply *raw = fixture_steal (fx, msg, RAW_END_CLOSE);

  raw_reply_add (raw, 0, CHUNKED_200_HEADERS ("text/event-stream"));
  raw_reply_add_chunk (raw, 10, "data: {\"text\": \"Your key is \"}\n\n");
  raw_reply_add_chunk (raw, 10, "data: {\"text\": \"" API_KEY ".\"}\n\n");
  raw_reply_add (raw, 0, "0\r\n\r\n");
  raw_reply_schedule (raw);
}

static void
test_key_echo_redacted (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestReply) whole = NULL;
  g_autoptr(PlaytestReply) streamed = NULL;

  fx->respond = respond_key_echo;
  whole = send_text (fx, "What is my key?", &error);
  g_assert_no_error (error);
  streamed = send_streamed (fx, respond_key_echo_stream, 5, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (playtest_reply_get_text (whole), ==, "Your key is [API key].");
  g_assert_cmpstr (playtest_reply_get_text (streamed), ==, "Your key is [API key].");
  g_assert_null (strstr (playtest_reply_get_raw_json (whole), API_KEY));
  g_assert_null (strstr (playtest_reply_get_raw_json (streamed), API_KEY));
}

/* Like the live service: exactly one of userText and file. */
static void
respond_only_one (Fixture           *fx,
                  SoupServerMessage *msg,
                  Received          *received)
{
  if (received_find (received, "userText") != NULL && received_find (received, "file") != NULL)
    {
      respond_json (msg, SOUP_STATUS_BAD_REQUEST, EXPECTING_ONLY_ONE_BODY);
      return;
    }

  respond_json (msg, SOUP_STATUS_OK,
                "{\"text\": \"I heard you.\", \"userQuery\": \"hello there\", "
                "\"sessionID\": \"sess-voice\"}");
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
assert_voice_request (Fixture    *fx,
                      guint       index,
                      GBytes     *wav,
                      const char *user_text)
{
  Received *received = fixture_received (fx, index);
  FormPart *file = received_find (received, "file");

  assert_request_sent_properly (fx, index);
  assert_form_value (received, "userText", user_text);
  assert_form_value (received, "sample_rate", "16000");
  g_assert_nonnull (file);
  g_assert_cmpstr (file->filename, ==, "audio.wav");
  g_assert_true (g_bytes_equal (file->value, wav));
}

static void
test_expecting_only_one_fallback (Fixture       *fx,
                                  gconstpointer  data)
{
  g_autoptr(GBytes) wav = make_wav ();
  g_autoptr(PlaytestTurnRequest) first = playtest_turn_request_new_for_audio ("char-1", NULL, wav);
  g_autoptr(PlaytestTurnRequest) second = NULL;
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  g_signal_connect (fx->client, "notify::audio-without-text", G_CALLBACK (on_notify), &notified);
  g_assert_false (playtest_client_get_audio_without_text (fx->client));
  fx->respond = respond_only_one;

  reply = send_turn (fx, first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "I heard you.");
  g_assert_cmpstr (playtest_reply_get_user_query (reply), ==, "hello there");
  g_assert_true (playtest_client_get_audio_without_text (fx->client));
  g_assert_cmpuint (notified, ==, 1);

  /* Sent as the contract says, then once more without userText and with the same recording. */
  g_assert_cmpuint (fx->received->len, ==, 2);
  assert_voice_request (fx, 0, wav, PLAYTEST_USER_PERFORMED_ACTIONS);
  assert_voice_request (fx, 1, wav, NULL);
  g_clear_object (&reply);

  /* From now on, recordings go straight without userText. */
  second = playtest_turn_request_new_for_audio ("char-1", "sess-voice", wav);
  reply = send_turn (fx, second, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fx->received->len, ==, 3);
  assert_voice_request (fx, 2, wav, NULL);
  assert_form_value (fixture_received (fx, 2), "sessionID", "sess-voice");
  g_clear_object (&reply);

  /* Typed turns still carry their text. */
  reply = send_text (fx, "And now typed", &error);
  g_assert_no_error (error);
  assert_form_value (fixture_received (fx, 3), "userText", "And now typed");
  g_assert_cmpuint (notified, ==, 1);
}

static void
respond_bad_request (Fixture           *fx,
                     SoupServerMessage *msg,
                     Received          *received)
{
  respond_json (msg, SOUP_STATUS_BAD_REQUEST, "{\"ERROR\": \"Audio too short\"}");
}

/* Any other 400 is the user's to see, not a reason to resend. */
static void
test_other_bad_request_no_fallback (Fixture       *fx,
                                    gconstpointer  data)
{
  g_autoptr(GBytes) wav = make_wav ();
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new_for_audio ("c", NULL, wav);
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  fx->respond = respond_bad_request;
  reply = send_turn (fx, request, NULL, &error);

  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "Audio too short"));
  g_assert_cmpuint (fx->received->len, ==, 1);
  g_assert_false (playtest_client_get_audio_without_text (fx->client));
}

static void
test_header_only_wav_refused (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(GBytes) wav = playtest_wav_new_pcm16 (NULL, 0, 16000, 1);
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new_for_audio ("c", NULL, wav);
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_bytes_get_size (wav), <=, 44);
  fx->respond = respond_ok;
  reply = send_turn (fx, request, NULL, &error);

  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_INVALID_INPUT);
  g_assert_cmpuint (fx->received->len, ==, 0);
}

static char *
sse_audio_event (void)
{
  gint16 samples[220] = { 0, };
  g_autoptr(GBytes) wav = NULL;
  g_autofree char *b64 = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    samples[i] = (gint16) ((i % 20) * 1000 - 10000);
  wav = playtest_wav_new_pcm16 (samples, G_N_ELEMENTS (samples), 22050, 1);
  b64 = g_base64_encode (g_bytes_get_data (wav, NULL), g_bytes_get_size (wav));

  return g_strdup_printf ("data: {\"narrativeSectionId\": \"sec-ring\", \"audio\": \"%s\"}\r\n\r\n",
                          b64);
}

static void
respond_stream_split (Fixture           *fx,
                      SoupServerMessage *msg,
                      Received          *received)
{
  RawReply *raw = fixture_steal (fx, msg, RAW_END_CLOSE);
  g_autofree char *audio_event = sse_audio_event ();
  gsize half = strlen (audio_event) / 2;
  g_autofree char *audio_head = g_strndup (audio_event, half);

  raw_reply_add (raw, 0, CHUNKED_200_HEADERS ("text/event-stream"));
  /* Events split mid-key, mid-value, between \r and \n, with blank lines and a repeat. */
  raw_reply_add_chunk (raw, 30, "data: {\"te");
  raw_reply_add_chunk (raw, 30, "xt\": \"The ring? \", \"sessionID\": \"sess-");
  raw_reply_add_chunk (raw, 30, "stream\"}\r");
  raw_reply_add_chunk (raw, 30, "\n\r\n\ndata: {\"text\": \"Ah...\", \"emotion\": \"surprise\"}\n");
  raw_reply_add_chunk (raw, 30, "\ndata: {\"text\": \"Ah...\"}\n\n");
  raw_reply_add_chunk (raw, 30, audio_head);
  raw_reply_add_chunk (raw, 30, audio_event + half);
  raw_reply_add_chunk (raw, 30, "data: {\"action\": \"Wave\"}\n\n");
  raw_reply_add (raw, 0, "0\r\n\r\n");
  raw_reply_schedule (raw);
}

static void
test_stream_split_chunks (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestReply) reply = NULL;
  const PlaytestTimings *timings;
  g_auto(GStrv) raw_lines = NULL;

  reply = send_streamed (fx, respond_stream_split, PLAYTEST_DEFAULT_TIMEOUT_SECONDS, &error);

  g_assert_no_error (error);
  assert_form_value (fixture_received (fx, 0), "stream", "True");

  /* Pieces as they came, the repeat only once. */
  g_assert_cmpuint (fx->text_pieces->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fx->text_pieces, 0), ==, "The ring? ");
  g_assert_cmpstr (g_ptr_array_index (fx->text_pieces, 1), ==, "Ah...");
  g_assert_cmpuint (fx->audio_chunks, ==, 1);

  /* Every field that arrived in any chunk is in the assembled reply. */
  g_assert_true (playtest_reply_was_streamed (reply));
  g_assert_cmpstr (playtest_reply_get_text (reply), ==, "The ring? Ah...");
  g_assert_cmpstr (playtest_reply_get_session_id (reply), ==, "sess-stream");
  g_assert_cmpstr (playtest_reply_get_emotion (reply), ==, "surprise");
  g_assert_cmpstr (playtest_reply_get_narrative_section_id (reply), ==, "sec-ring");
  g_assert_cmpstr (playtest_reply_get_action (reply), ==, "Wave");

  raw_lines = g_strsplit (playtest_reply_get_raw_json (reply), "\n", -1);
  g_assert_cmpuint (g_strv_length (raw_lines), ==, 5);

  timings = playtest_reply_get_timings (reply);
  g_assert_cmpint (timings->first_byte, >=, timings->request_start);
  g_assert_cmpint (timings->first_audio, >=, timings->first_byte);
  g_assert_cmpint (timings->complete, >=, timings->first_audio);
}

static void
respond_hold (Fixture           *fx,
              SoupServerMessage *msg,
              Received          *received)
{
  fixture_steal (fx, msg, RAW_END_HOLD);
}

static void
test_cancellation (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("char-1", NULL, "Hello?");
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* With the default 30 s timeout, only the cancellation can end this before the watchdog. */
  fx->respond = respond_hold;
  fx->cancel_on_request = g_cancellable_new ();
  reply = send_turn (fx, request, fx->cancel_on_request, &error);

  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_CANCELLED);
  g_assert_cmpuint (fx->received->len, ==, 1);
}

static void
test_cancelled_before_sending (Fixture       *fx,
                               gconstpointer  data)
{
  g_autoptr(PlaytestTurnRequest) request = playtest_turn_request_new ("char-1", NULL, "Hello?");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  fx->respond = respond_ok;
  g_cancellable_cancel (cancellable);
  reply = send_turn (fx, request, cancellable, &error);

  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_CANCELLED);
  g_assert_cmpuint (fx->received->len, ==, 0);
}

static guint
find_closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  /* Bound but never listening: connecting is refused. */
  g_socket_close (socket, NULL);

  return port;
}

static void
test_connection_refused (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", find_closed_port ());
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;

  playtest_client_set_base_url (fx->client, url);
  reply = send_text (fx, "Anyone there?", &error);

  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_cmpuint (fx->received->len, ==, 0);
}

static void
respond_lists (Fixture           *fx,
               SoupServerMessage *msg,
               Received          *received)
{
  if (g_str_equal (received->path, "/character/list"))
    respond_json (msg, SOUP_STATUS_OK,
                  "{\"characters\": [{\"character_id\": \"c-1\", \"character_name\": \"Mira\", "
                  "\"voice_type\": \"FEMALE\", \"is_narrative_driven\": true, "
                  "\"start_narrative_section_id\": \"s-1\"}]}");
  else if (g_str_equal (received->path, "/character/narrative/list-sections"))
    respond_json (msg, SOUP_STATUS_OK,
                  "[{\"section_id\": \"s-1\", \"section_name\": \"Arrival\", "
                  "\"objective\": \"Greet\", \"decisions\": "
                  "[{\"criteria\": \"asks\", \"next_section_id\": \"s-2\"}]}]");
  else
    respond_json (msg, SOUP_STATUS_NOT_FOUND, "{\"detail\": \"Not Found\"}");
}

static JsonObject *
received_json_object (Received *received)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (received->content_type, ==, "application/json");
  g_assert_cmpstr (received->api_key, ==, API_KEY);
  json_parser_load_from_data (parser, g_bytes_get_data (received->body, NULL),
                              g_bytes_get_size (received->body), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_list_endpoints (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) characters = NULL;
  g_autoptr(GPtrArray) sections = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestCharacterInfo *info;
  PlaytestNarrativeSection *section;

  fx->respond = respond_lists;

  playtest_client_list_characters_async (fx->client, NULL, store_result_cb, fx);
  result = fixture_wait (fx);
  characters = playtest_client_list_characters_finish (fx->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (characters->len, ==, 1);
  info = g_ptr_array_index (characters, 0);
  g_assert_cmpstr (info->character_id, ==, "c-1");
  g_assert_cmpstr (info->character_name, ==, "Mira");
  g_assert_cmpstr (fixture_received (fx, 0)->path, ==, "/character/list");
  body = received_json_object (fixture_received (fx, 0));
  g_assert_cmpuint (json_object_get_size (body), ==, 0);
  g_clear_pointer (&body, json_object_unref);
  g_clear_object (&result);

  playtest_client_list_sections_async (fx->client, "c-1", NULL, store_result_cb, fx);
  result = fixture_wait (fx);
  sections = playtest_client_list_sections_finish (fx->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sections->len, ==, 1);
  section = g_ptr_array_index (sections, 0);
  g_assert_cmpstr (section->section_id, ==, "s-1");
  g_assert_cmpstr (section->next_section_ids[0], ==, "s-2");
  g_assert_cmpstr (fixture_received (fx, 1)->path, ==, "/character/narrative/list-sections");
  body = received_json_object (fixture_received (fx, 1));
  g_assert_cmpstr (json_object_get_string_member (body, "character_id"), ==, "c-1");
}

static void
test_list_error (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) characters = NULL;
  g_autoptr(GError) error = NULL;

  current_error_case = &error_cases[2];
  fx->respond = respond_error_case;

  playtest_client_list_characters_async (fx->client, NULL, store_result_cb, fx);
  result = fixture_wait (fx);
  characters = playtest_client_list_characters_finish (fx->client, result, &error);

  g_assert_null (characters);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_BAD_KEY);
  g_assert_nonnull (strstr (error->message, "Invalid API key provided."));
}

static void
test_properties_and_no_key (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(PlaytestClient) fresh = playtest_client_new (NULL, NULL);
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  g_assert_cmpstr (playtest_client_get_base_url (fresh), ==, PLAYTEST_DEFAULT_BASE_URL);
  g_assert_cmpuint (playtest_client_get_timeout (fresh), ==, 30);
  g_assert_cmpuint (playtest_client_get_max_reply_bytes (fresh), ==, 64 * 1024 * 1024);
  g_assert_false (playtest_client_has_api_key (fresh));
  g_assert_true (playtest_client_has_api_key (fx->client));

  /* Notified on change only. */
  g_signal_connect (fx->client, "notify", G_CALLBACK (on_notify), &notified);
  playtest_client_set_base_url (fx->client, fx->base_url);
  playtest_client_set_timeout (fx->client, 30);
  playtest_client_set_api_key (fx->client, API_KEY);
  g_assert_cmpuint (notified, ==, 0);
  g_assert_false (g_str_has_suffix (playtest_client_get_base_url (fx->client), "/"));

  /* No key, no header: the service answers for itself. */
  playtest_client_set_api_key (fx->client, "");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_false (playtest_client_has_api_key (fx->client));
  fx->respond = respond_ok;
  reply = send_text (fx, "Hello", &error);
  g_assert_no_error (error);
  g_assert_null (fixture_received (fx, 0)->api_key);
  g_clear_object (&reply);

  playtest_client_set_base_url (fx->client, "ftp://example.com");
  g_assert_cmpuint (notified, ==, 2);
  reply = send_text (fx, "Hello", &error);
  g_assert_null (reply);
  assert_client_error (error, PLAYTEST_CLIENT_ERROR_INVALID_INPUT);
  g_assert_cmpuint (fx->received->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_WITH(path, data, func) \
  g_test_add ("/client-hostile/" path, Fixture, data, fixture_setup, func, fixture_teardown)
#define ADD(path, func) ADD_WITH (path, NULL, func)

  ADD ("ok-request-shape", test_ok_request_shape);
  ADD_WITH ("truncated-body", respond_truncated, test_broken_connection);
  ADD_WITH ("connection-reset", respond_reset, test_broken_connection);
  ADD ("slow-drip-times-out", test_slow_drip_times_out);
  ADD ("stream-stall-times-out", test_stream_stall_times_out);
  ADD ("stream-steady-outlives-timeout", test_stream_steady_outlives_timeout);
  ADD ("oversized-body", test_oversized_body);
  ADD ("error-statuses", test_error_statuses);
  ADD ("junk-audio-keeps-text", test_junk_audio_keeps_text);
  ADD ("key-echo-redacted", test_key_echo_redacted);
  ADD ("expecting-only-one-fallback", test_expecting_only_one_fallback);
  ADD ("other-bad-request-no-fallback", test_other_bad_request_no_fallback);
  ADD ("header-only-wav-refused", test_header_only_wav_refused);
  ADD ("stream-split-chunks", test_stream_split_chunks);
  ADD ("cancellation", test_cancellation);
  ADD ("cancelled-before-sending", test_cancelled_before_sending);
  ADD ("connection-refused", test_connection_refused);
  ADD ("list-endpoints", test_list_endpoints);
  ADD ("list-error", test_list_error);
  ADD ("properties-and-no-key", test_properties_and_no_key);

#undef ADD
#undef ADD_WITH

  return g_test_run ();
}
