/* playtest-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "playtest-client.h"
#include "playtest-reply-private.h"
#include "playtest-sse-parser.h"
#include "playtest-turn-request-private.h"

#define READ_CHUNK_SIZE      (64 * 1024)
#define API_KEY_HEADER       "CONVAI-API-KEY"
#define EXPECTING_ONLY_ONE   "Expecting only one"

struct _PlaytestClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *api_key;
  guint        timeout;
  gsize        max_reply_bytes;
  gboolean     audio_without_text;
};

G_DEFINE_FINAL_TYPE (PlaytestClient, playtest_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_API_KEY,
  PROP_HAS_API_KEY,
  PROP_TIMEOUT,
  PROP_MAX_REPLY_BYTES,
  PROP_AUDIO_WITHOUT_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Called with each piece of a 2xx body when the caller wants it as it arrives. Returning FALSE
 * (with @error set) ends the exchange with that error. */
typedef gboolean (*ChunkFunc) (const guint8  *data,
                               gsize          length,
                               gpointer       user_data,
                               GError       **error);

/* One HTTP exchange: send, then read the body with a size cap and a deadline. The same code
 * serves all endpoints. */
typedef struct
{
  SoupMessage     *message;
  GInputStream    *stream;
  GByteArray      *body;
  GCancellable    *io_cancellable;
  GCancellable    *caller_cancellable;
  gulong           cancelled_id;
  GSource         *deadline;
  guint            timeout;
  gsize            max_bytes;
  gsize            received;
  gboolean         idle_deadline;
  gboolean         timed_out;
  gboolean         got_headers;
  gboolean         streaming;
  ChunkFunc        chunk_func;
  gpointer         chunk_data;
  PlaytestTimings  timings;
} Exchange;

static void exchange_read_next (GTask *task);

static void
exchange_free (gpointer data)
{
  Exchange *ex = data;

  if (ex->deadline != NULL)
    {
      g_source_destroy (ex->deadline);
      g_clear_pointer (&ex->deadline, g_source_unref);
    }
  /* Not g_cancellable_disconnect(): this may run inside the caller's cancellation, where that
   * would deadlock. */
  if (ex->cancelled_id != 0)
    g_signal_handler_disconnect (ex->caller_cancellable, ex->cancelled_id);
  /* Whatever is still on the wire (an oversized body, an error) is not wanted. */
  if (ex->io_cancellable != NULL)
    g_cancellable_cancel (ex->io_cancellable);

  g_clear_object (&ex->stream);
  g_clear_object (&ex->message);
  g_clear_object (&ex->io_cancellable);
  g_clear_object (&ex->caller_cancellable);
  g_clear_pointer (&ex->body, g_byte_array_unref);
  g_free (ex);
}

static char *
exchange_dup_host (Exchange *ex)
{
  GUri *uri = soup_message_get_uri (ex->message);
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);

  if (host == NULL)
    host = "?";
  if (port > 0)
    return g_strdup_printf ("%s:%d", host, port);
  return g_strdup (host);
}

/* Turns a GIO / libsoup failure into a user-facing error. The message names the host and
 * never the key: GIO messages do not carry request headers. */
static GError *
exchange_map_transport_error (Exchange     *ex,
                              const GError *error)
{
  g_autofree char *host = exchange_dup_host (ex);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (ex->timed_out && ex->idle_deadline && ex->got_headers)
        return g_error_new (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_TIMEOUT,
                            _("The reply from %s stopped: nothing arrived for %u s"),
                            host, ex->timeout);
      if (ex->timed_out)
        return g_error_new (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_TIMEOUT,
                            _("No reply within %u s"), ex->timeout);
      return g_error_new_literal (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_CANCELLED,
                                  _("Cancelled"));
    }

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NETWORK,
                        _("Could not find the server %s: %s"), host, error->message);

  if (error->domain == G_TLS_ERROR)
    return g_error_new (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NETWORK,
                        _("Secure connection to %s failed: %s"), host, error->message);

  if (ex->got_headers)
    return g_error_new (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NETWORK,
                        _("The connection to %s broke before the reply was complete: %s"),
                        host, error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NETWORK,
                        _("Could not connect to %s: the connection was refused"), host);

  return g_error_new (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NETWORK,
                      _("Could not talk to %s: %s"), host, error->message);
}

static void
exchange_fail (GTask        *task,
               const GError *error)
{
  Exchange *ex = g_task_get_task_data (task);

  g_task_return_error (task, exchange_map_transport_error (ex, error));
}

static void
exchange_return_too_large (GTask *task)
{
  Exchange *ex = g_task_get_task_data (task);

  /* %lu, not G_GSIZE_FORMAT: xgettext would cut the msgid at the macro. */
  g_task_return_new_error (task, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_TOO_LARGE,
                           _("The reply is larger than the limit of %lu MiB"),
                           (gulong) ((ex->max_bytes + 1024 * 1024 - 1) / (1024 * 1024)));
}

static gboolean
exchange_deadline_cb (gpointer user_data)
{
  Exchange *ex = user_data;

  ex->timed_out = TRUE;
  g_clear_pointer (&ex->deadline, g_source_unref);
  g_cancellable_cancel (ex->io_cancellable);

  return G_SOURCE_REMOVE;
}

/* Starts (or, for streams, restarts) the deadline. A timeout of 0 means none. */
static void
exchange_arm_deadline (Exchange *ex)
{
  if (ex->deadline != NULL)
    {
      g_source_destroy (ex->deadline);
      g_clear_pointer (&ex->deadline, g_source_unref);
    }

  if (ex->timeout == 0 || ex->timed_out)
    return;

  ex->deadline = g_timeout_source_new (MIN (ex->timeout, G_MAXUINT / 1000) * 1000);
  g_source_set_callback (ex->deadline, exchange_deadline_cb, ex, NULL);
  g_source_set_name (ex->deadline, "[playtest] reply deadline");
  g_source_attach (ex->deadline, g_main_context_get_thread_default ());
}

static void
exchange_caller_cancelled_cb (GCancellable *cancellable,
                              GCancellable *io_cancellable)
{
  g_cancellable_cancel (io_cancellable);
}

static gboolean
exchange_is_success (Exchange *ex)
{
  return SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (ex->message));
}

static void
exchange_finish_body (GTask *task)
{
  Exchange *ex = g_task_get_task_data (task);
  GBytes *body;

  ex->timings.complete = g_get_monotonic_time ();
  if (ex->timings.first_byte == 0)
    ex->timings.first_byte = ex->timings.complete;

  if (ex->body == NULL)
    body = g_bytes_new (NULL, 0);
  else
    body = g_byte_array_free_to_bytes (g_steal_pointer (&ex->body));
  g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

/* Error bodies are only read for their words: past the cap, the status is what matters. */
static gboolean
exchange_accept_chunk (GTask  *task,
                       GBytes *chunk)
{
  Exchange *ex = g_task_get_task_data (task);
  gsize size = g_bytes_get_size (chunk);
  gsize room = ex->max_bytes - MIN (ex->received, ex->max_bytes);
  g_autoptr(GError) error = NULL;

  if (ex->timings.first_byte == 0)
    ex->timings.first_byte = g_get_monotonic_time ();

  if (size > room)
    {
      if (exchange_is_success (ex))
        {
          exchange_return_too_large (task);
        }
      else
        {
          g_byte_array_append (ex->body, g_bytes_get_data (chunk, NULL), room);
          exchange_finish_body (task);
        }
      return FALSE;
    }

  ex->received += size;

  if (ex->streaming)
    {
      exchange_arm_deadline (ex);
      if (!ex->chunk_func (g_bytes_get_data (chunk, NULL), size, ex->chunk_data, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return FALSE;
        }
      return TRUE;
    }

  g_byte_array_append (ex->body, g_bytes_get_data (chunk, NULL), size);
  return TRUE;
}

static void
exchange_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      exchange_fail (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      exchange_finish_body (task);
      return;
    }

  if (exchange_accept_chunk (task, chunk))
    exchange_read_next (g_steal_pointer (&task));
}

static void
exchange_read_next (GTask *task)
{
  Exchange *ex = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (ex->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   ex->io_cancellable, exchange_read_cb, task);
}

static void
exchange_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *ex = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  goffset length;

  ex->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (ex->stream == NULL)
    {
      exchange_fail (task, error);
      return;
    }

  ex->got_headers = TRUE;
  ex->streaming = ex->chunk_func != NULL && exchange_is_success (ex);

  /* A declared length past the cap fails at once rather than after 64 MiB of reading. */
  length = soup_message_headers_get_content_length (
             soup_message_get_response_headers (ex->message));
  if (exchange_is_success (ex) && length > 0 && (guint64) length > ex->max_bytes)
    {
      exchange_return_too_large (task);
      return;
    }
  /* Sized up front when declared: growing a voice reply by doubling costs page faults. */
  if (!ex->streaming)
    ex->body = g_byte_array_sized_new (length > 0 ? MIN ((guint64) length, ex->max_bytes) : 0);

  exchange_read_next (g_steal_pointer (&task));
}

/* Sends @message and reads its body. Finishes with the body of any HTTP status (check the
 * message's status), or with a transport, timeout, cancellation or size error. With
 * @chunk_func, a 2xx body goes to it as it arrives instead, the deadline applies to each read
 * instead of the whole exchange, and the result is an empty body. */
static void
playtest_client_exchange_async (PlaytestClient      *self,
                                SoupMessage         *message,
                                ChunkFunc            chunk_func,
                                gpointer             chunk_data,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Exchange *ex;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_client_exchange_async);
  /* Cancellation is reported as PLAYTEST_CLIENT_ERROR_CANCELLED by this code. */
  g_task_set_check_cancellable (task, FALSE);

  ex = g_new0 (Exchange, 1);
  ex->message = g_object_ref (message);
  ex->io_cancellable = g_cancellable_new ();
  ex->timeout = self->timeout;
  ex->max_bytes = self->max_reply_bytes;
  ex->idle_deadline = chunk_func != NULL;
  ex->chunk_func = chunk_func;
  ex->chunk_data = chunk_data;
  g_task_set_task_data (task, ex, exchange_free);

  if (cancellable != NULL)
    {
      ex->caller_cancellable = g_object_ref (cancellable);
      ex->cancelled_id = g_signal_connect_object (cancellable, "cancelled",
                                                  G_CALLBACK (exchange_caller_cancelled_cb),
                                                  ex->io_cancellable, 0);
      if (g_cancellable_is_cancelled (cancellable))
        g_cancellable_cancel (ex->io_cancellable);
    }

  ex->timings.request_start = g_get_monotonic_time ();
  exchange_arm_deadline (ex);

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, ex->io_cancellable,
                           exchange_sent_cb, g_steal_pointer (&task));
}

static GBytes *
playtest_client_exchange_finish (PlaytestClient   *self,
                                 GAsyncResult     *result,
                                 PlaytestTimings  *timings,
                                 GError          **error)
{
  Exchange *ex = g_task_get_task_data (G_TASK (result));

  if (timings != NULL)
    *timings = ex->timings;

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Where @key next occurs in @data from @from on, or @size. memchr finds candidates quickly:
 * this runs over every reply body, voice replies included. */
static gsize
find_key (const guint8 *data,
          gsize         size,
          gsize         from,
          const char   *key,
          gsize         key_len)
{
  while (from + key_len <= size)
    {
      const guint8 *hit = memchr (data + from, key[0], size - from - key_len + 1);

      if (hit == NULL)
        break;
      from = hit - data;
      if (memcmp (hit, key, key_len) == 0)
        return from;
      from++;
    }

  return size;
}

/* Some services quote the key back, in error text or anywhere else; the user must never see
 * it, on screen, in the inspector or in the history. Returns @body itself when it is clean. */
static GBytes *
redact_key (const char *key,
            GBytes     *body)
{
  g_autoptr(GByteArray) out = NULL;
  gsize size, key_len, start = 0, hit;
  const guint8 *data = g_bytes_get_data (body, &size);

  if (key == NULL || (key_len = strlen (key)) == 0 || data == NULL
      || (hit = find_key (data, size, 0, key, key_len)) == size)
    return g_bytes_ref (body);

  out = g_byte_array_sized_new (size);
  for (; hit < size; hit = find_key (data, size, start, key, key_len))
    {
      g_byte_array_append (out, data + start, hit - start);
      g_byte_array_append (out, (const guint8 *) "[API key]", 9);
      start = hit + key_len;
    }
  g_byte_array_append (out, data + start, size - start);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The error for a non-2xx reply, or for a 2xx `process_failure` (a failure to generate a reply
 * dressed as one), in the service's own words. */
static GError *
error_for_message (PlaytestClient *self,
                   SoupMessage    *message,
                   GBytes         *body)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  g_autoptr(GBytes) words = redact_key (self->api_key, body);

  return playtest_client_error_new_for_status (soup_message_get_status (message),
                                               soup_message_headers_get_content_type (headers,
                                                                                      NULL),
                                               words,
                                               soup_message_headers_get_one (headers,
                                                                             "Retry-After"));
}

/* libsoup writes a request's headers and its body separately. With Nagle's algorithm on, the
 * body then waits for the peer to acknowledge the headers, which a delayed ACK holds back for
 * tens of milliseconds on every turn. Requests are small and latency is what users see. */
static void
message_network_event_cb (SoupMessage        *message,
                          GSocketClientEvent  event,
                          GIOStream          *connection,
                          gpointer            user_data)
{
  GSocket *socket;

  if (event != G_SOCKET_CLIENT_CONNECTED || !G_IS_SOCKET_CONNECTION (connection))
    return;
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
}

static SoupMessage *
playtest_client_new_message (PlaytestClient  *self,
                             const char      *path,
                             const char      *content_type,
                             GBytes          *body,
                             GError         **error)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autoptr(GUri) uri = NULL;
  SoupMessage *message;
  const char *scheme;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_set_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_INVALID_INPUT,
                   _("“%s” is not a usable service address (expected http:// or https://)"),
                   self->base_url);
      return NULL;
    }

  message = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  g_signal_connect (message, "network-event", G_CALLBACK (message_network_event_cb), NULL);
  soup_message_set_request_body_from_bytes (message, content_type, body);
  if (self->api_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  API_KEY_HEADER, self->api_key);

  return message;
}

/* ---------------------------------------------------------------------------------------- */
/* POST /character/getResponse                                                                */

typedef struct
{
  PlaytestClient      *client;  /* unowned: the task's source object */
  PlaytestTurnRequest *request;
  SoupMessage         *message;
  gboolean             with_user_text;
  gboolean             retried;
  gint64               request_start;
  /* Only while a streamed reply arrives: */
  PlaytestReply       *reply;
  PlaytestSseParser   *parser;
  GString             *raw_events;
  GError              *stream_error;
  gint64               first_audio;
} Turn;

static void turn_send (GTask *owned_task);

static void
turn_reset_stream (Turn *turn)
{
  g_clear_object (&turn->reply);
  g_clear_pointer (&turn->parser, playtest_sse_parser_free);
  if (turn->raw_events != NULL)
    g_string_free (g_steal_pointer (&turn->raw_events), TRUE);
  g_clear_error (&turn->stream_error);
  turn->first_audio = 0;
}

static void
turn_free (gpointer data)
{
  Turn *turn = data;

  turn_reset_stream (turn);
  g_clear_object (&turn->message);
  g_clear_object (&turn->request);
  g_free (turn);
}

static void
turn_event_cb (const char *data,
               gsize       length,
               gpointer    user_data)
{
  Turn *turn = user_data;
  g_autoptr(GBytes) audio = NULL;
  g_autofree char *piece = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) as_received = g_bytes_new_static (data, length);
  g_autoptr(GBytes) event = NULL;

  if (turn->stream_error != NULL)
    return;

  event = redact_key (turn->client->api_key, as_received);
  data = g_bytes_get_data (event, &length);
  if (turn->raw_events->len > 0)
    g_string_append_c (turn->raw_events, '\n');
  g_string_append_len (turn->raw_events, data, length);

  piece = playtest_reply_merge_json (turn->reply, data, length, TRUE, &audio, &error);
  if (g_error_matches (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NOT_FOUND))
    {
      turn->stream_error = error_for_message (turn->client, turn->message, event);
      return;
    }
  if (error != NULL)
    playtest_reply_add_warning (turn->reply, _("A streamed piece was skipped: %s"),
                                error->message);

  if (piece != NULL)
    playtest_turn_request_emit_text_piece (turn->request, piece);
  if (audio != NULL)
    {
      if (turn->first_audio == 0)
        turn->first_audio = g_get_monotonic_time ();
      playtest_turn_request_emit_audio_chunk (turn->request, audio);
    }
}

static gboolean
turn_chunk_cb (const guint8  *data,
               gsize          length,
               gpointer       user_data,
               GError       **error)
{
  Turn *turn = user_data;

  playtest_sse_parser_feed (turn->parser, (const char *) data, length);
  if (turn->stream_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&turn->stream_error));
      return FALSE;
    }
  return TRUE;
}

static PlaytestReply *
turn_finish_stream (Turn    *turn,
                    GError **error)
{
  playtest_sse_parser_finish (turn->parser);
  if (turn->stream_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&turn->stream_error));
      return NULL;
    }

  if (turn->raw_events->len == 0)
    {
      g_set_error_literal (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REPLY,
                           _("The streamed reply was empty"));
      return NULL;
    }

  playtest_reply_set_raw_json (turn->reply, turn->raw_events->str);
  return g_steal_pointer (&turn->reply);
}

/* A 2xx body: a reply, or an error dressed as one (`process_failure`), reported with the
 * status it really came with and with the key taken out of the server's words. */
static PlaytestReply *
turn_parse_body (Turn    *turn,
                 GBytes  *body,
                 GError **error)
{
  g_autoptr(GBytes) clean = redact_key (turn->client->api_key, body);
  g_autoptr(GError) local_error = NULL;
  PlaytestReply *reply;

  reply = playtest_reply_new_from_bytes (clean, &local_error);
  if (reply != NULL)
    return reply;

  if (g_error_matches (local_error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_NOT_FOUND))
    g_propagate_error (error, error_for_message (turn->client, turn->message, body));
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static void
turn_set_timings (Turn                  *turn,
                  PlaytestReply         *reply,
                  const PlaytestTimings *exchange_timings)
{
  PlaytestTimings *timings = playtest_reply_get_timings_mut (reply);

  *timings = *exchange_timings;
  /* The user has waited since the first attempt, fallback or not. */
  timings->request_start = turn->request_start;
  if (turn->first_audio != 0)
    timings->first_audio = turn->first_audio;
  else if (playtest_reply_get_audio (reply) != NULL)
    timings->first_audio = timings->complete;
}

/* The service wants exactly one of userText and file: resend the recording without the
 * placeholder, and from now on send recordings that way. */
static gboolean
turn_should_fall_back (Turn         *turn,
                       const GError *error)
{
  const char *words;

  if (turn->retried || !turn->with_user_text ||
      playtest_turn_request_get_audio (turn->request) == NULL ||
      !g_error_matches (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REQUEST))
    return FALSE;

  words = playtest_client_error_get_server_message (error);
  if (words == NULL)
    words = error->message;
  return strstr (words, EXPECTING_ONLY_ONE) != NULL;
}

static void
turn_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PlaytestClient *self = PLAYTEST_CLIENT (object);
  g_autoptr(GTask) task = user_data;
  Turn *turn = g_task_get_task_data (task);
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestTimings timings;

  body = playtest_client_exchange_finish (self, result, &timings, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (turn->message)))
    {
      error = error_for_message (turn->client, turn->message, body);
      if (turn_should_fall_back (turn, error))
        {
          g_debug ("Service wants only one of userText and file; resending without userText");
          turn->retried = TRUE;
          turn->with_user_text = FALSE;
          if (!self->audio_without_text)
            {
              self->audio_without_text = TRUE;
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_WITHOUT_TEXT]);
            }
          turn_send (g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (turn->parser != NULL)
    reply = turn_finish_stream (turn, &error);
  else
    reply = turn_parse_body (turn, body, &error);

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  turn_set_timings (turn, reply, &timings);
  g_task_return_pointer (task, g_steal_pointer (&reply), g_object_unref);
}

/* Takes @owned_task: every path below either returns it or hands it on. */
static void
turn_send (GTask *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  PlaytestClient *self = g_task_get_source_object (task);
  Turn *turn = g_task_get_task_data (task);
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  ChunkFunc chunk_func = NULL;
  GCancellable *cancellable;

  multipart = playtest_turn_request_build_multipart (turn->request, turn->with_user_text);
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  soup_multipart_to_message (multipart, headers, &body);

  g_clear_object (&turn->message);
  /* The whole header, not get_content_type(): the boundary parameter must go along. */
  turn->message = playtest_client_new_message (self, "/character/getResponse",
                                               soup_message_headers_get_one (headers,
                                                                             "Content-Type"),
                                               body, &error);
  if (turn->message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  turn_reset_stream (turn);
  if (playtest_turn_request_get_stream (turn->request))
    {
      turn->reply = playtest_reply_new ();
      playtest_reply_set_streamed (turn->reply, TRUE);
      turn->parser = playtest_sse_parser_new (turn_event_cb, turn);
      turn->raw_events = g_string_new (NULL);
      chunk_func = turn_chunk_cb;
    }

  if (turn->request_start == 0)
    turn->request_start = g_get_monotonic_time ();

  cancellable = g_task_get_cancellable (task);
  playtest_client_exchange_async (self, turn->message, chunk_func, turn, cancellable,
                                  turn_sent_cb, g_steal_pointer (&task));
}

static gboolean
check_audio_input (PlaytestTurnRequest  *request,
                   GError              **error)
{
  GBytes *audio = playtest_turn_request_get_audio (request);
  g_autoptr(GError) local_error = NULL;

  if (audio == NULL || playtest_wav_check_voice_input (audio, NULL, &local_error))
    return TRUE;

  g_set_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_INVALID_INPUT,
               _("The recording cannot be sent: %s"), local_error->message);
  return FALSE;
}

/**
 * playtest_client_get_response_async:
 * @self: a #PlaytestClient
 * @request: the turn to send
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the reply (or an error) is complete
 * @user_data: closure
 *
 * Sends `POST /character/getResponse`. A recording that is not a usable WAV (e.g. only a
 * header) is refused before sending with %PLAYTEST_CLIENT_ERROR_INVALID_INPUT. If the service
 * answers a recording that carried the `userText` placeholder with 400 “Expecting only one…”,
 * the recording is sent again once without it, and later recordings go without it (see
 * playtest_client_get_audio_without_text()).
 *
 * With playtest_turn_request_set_stream(), @request emits `text-piece` and `audio-chunk`
 * while the reply arrives, and the timeout applies to each pause in the stream rather than to
 * the whole reply.
 *
 * The client does not change @request: when the reply carries a `sessionID`, the caller sends
 * the next turn with it.
 */
void
playtest_client_get_response_async (PlaytestClient      *self,
                                    PlaytestTurnRequest *request,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Turn *turn;

  g_return_if_fail (PLAYTEST_IS_CLIENT (self));
  g_return_if_fail (PLAYTEST_IS_TURN_REQUEST (request));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_client_get_response_async);
  g_task_set_check_cancellable (task, FALSE);

  turn = g_new0 (Turn, 1);
  turn->client = self;
  turn->request = g_object_ref (request);
  turn->with_user_text = !self->audio_without_text;
  g_task_set_task_data (task, turn, turn_free);

  if (!check_audio_input (request, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  turn_send (g_steal_pointer (&task));
}

/**
 * playtest_client_get_response_finish:
 * @self: a #PlaytestClient
 * @result: the result passed to the callback
 * @error: return location for a #PLAYTEST_CLIENT_ERROR error
 *
 * Finishes playtest_client_get_response_async(). A cancelled request fails with
 * %PLAYTEST_CLIENT_ERROR_CANCELLED, which callers need not show.
 *
 * Returns: (transfer full): the reply, with its raw JSON and timings, or %NULL
 */
PlaytestReply *
playtest_client_get_response_finish (PlaytestClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        playtest_client_get_response_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------------------------- */
/* JSON endpoints                                                                             */

typedef GPtrArray *(*ListParseFunc) (const char  *json,
                                     gssize       length,
                                     GError     **error);

typedef struct
{
  SoupMessage   *message;
  ListParseFunc  parse;
} ListCall;

static void
list_call_free (gpointer data)
{
  ListCall *call = data;

  g_clear_object (&call->message);
  g_free (call);
}

static void
list_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListCall *call = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *list;
  const char *data;
  gsize size;

  body = playtest_client_exchange_finish (PLAYTEST_CLIENT (object), result, NULL, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (call->message)))
    {
      g_task_return_error (task, error_for_message (PLAYTEST_CLIENT (object), call->message,
                                                    body));
      return;
    }

  data = g_bytes_get_data (body, &size);
  list = call->parse (data != NULL ? data : "", size, &error);
  if (list == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

/* POSTs @json to @path and parses the reply with @parse; one path for all list endpoints. */
static void
playtest_client_post_json (PlaytestClient      *self,
                           const char          *path,
                           JsonNode            *json,
                           ListParseFunc        parse,
                           gpointer             source_tag,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  ListCall *call;
  char *text;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);

  text = json_to_string (json, FALSE);
  body = g_bytes_new_take (text, strlen (text));

  call = g_new0 (ListCall, 1);
  call->parse = parse;
  call->message = playtest_client_new_message (self, path, "application/json", body, &error);
  g_task_set_task_data (task, call, list_call_free);
  if (call->message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  playtest_client_exchange_async (self, call->message, NULL, NULL, cancellable, list_sent_cb,
                                  g_steal_pointer (&task));
}

static GPtrArray *
playtest_client_post_json_finish (PlaytestClient  *self,
                                  GAsyncResult    *result,
                                  gpointer         source_tag,
                                  GError         **error)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * playtest_client_list_characters_async:
 * @self: a #PlaytestClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the list (or an error) is complete
 * @user_data: closure
 *
 * Asks for the characters of the key's account (`POST /character/list`).
 */
void
playtest_client_list_characters_async (PlaytestClient      *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonNode) json = NULL;

  g_return_if_fail (PLAYTEST_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  json = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (json, json_object_new ());
  playtest_client_post_json (self, "/character/list", json, playtest_character_list_parse,
                             playtest_client_list_characters_async, cancellable, callback,
                             user_data);
}

/**
 * playtest_client_list_characters_finish:
 * @self: a #PlaytestClient
 * @result: the result passed to the callback
 * @error: return location for a #PLAYTEST_CLIENT_ERROR error
 *
 * Finishes playtest_client_list_characters_async().
 *
 * Returns: (transfer container) (element-type PlaytestCharacterInfo): the characters, or %NULL
 */
GPtrArray *
playtest_client_list_characters_finish (PlaytestClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return playtest_client_post_json_finish (self, result, playtest_client_list_characters_async,
                                           error);
}

/**
 * playtest_client_list_sections_async:
 * @self: a #PlaytestClient
 * @character_id: the character whose narrative to list
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the list (or an error) is complete
 * @user_data: closure
 *
 * Asks for a character's narrative sections (`POST /character/narrative/list-sections`).
 */
void
playtest_client_list_sections_async (PlaytestClient      *self,
                                     const char          *character_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonNode) json = NULL;
  JsonObject *object;

  g_return_if_fail (PLAYTEST_IS_CLIENT (self));
  g_return_if_fail (character_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  object = json_object_new ();
  /* The service spells this one with an underscore. */
  json_object_set_string_member (object, "character_id", character_id);
  json = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (json, object);

  playtest_client_post_json (self, "/character/narrative/list-sections", json,
                             playtest_narrative_sections_parse,
                             playtest_client_list_sections_async, cancellable, callback,
                             user_data);
}

/**
 * playtest_client_list_sections_finish:
 * @self: a #PlaytestClient
 * @result: the result passed to the callback
 * @error: return location for a #PLAYTEST_CLIENT_ERROR error
 *
 * Finishes playtest_client_list_sections_async().
 *
 * Returns: (transfer container) (element-type PlaytestNarrativeSection): the sections, or
 *   %NULL
 */
GPtrArray *
playtest_client_list_sections_finish (PlaytestClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return playtest_client_post_json_finish (self, result, playtest_client_list_sections_async,
                                           error);
}

/* ---------------------------------------------------------------------------------------- */
/* Object                                                                                     */

static void
playtest_client_finalize (GObject *object)
{
  PlaytestClient *self = (PlaytestClient *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->api_key, g_free);

  G_OBJECT_CLASS (playtest_client_parent_class)->finalize (object);
}

static void
playtest_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PlaytestClient *self = PLAYTEST_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_HAS_API_KEY:
      g_value_set_boolean (value, self->api_key != NULL);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    case PROP_MAX_REPLY_BYTES:
      g_value_set_uint64 (value, self->max_reply_bytes);
      break;

    case PROP_AUDIO_WITHOUT_TEXT:
      g_value_set_boolean (value, self->audio_without_text);
      break;

    case PROP_API_KEY:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PlaytestClient *self = PLAYTEST_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      playtest_client_set_base_url (self, g_value_get_string (value));
      break;

    case PROP_API_KEY:
      playtest_client_set_api_key (self, g_value_get_string (value));
      break;

    case PROP_TIMEOUT:
      playtest_client_set_timeout (self, g_value_get_uint (value));
      break;

    case PROP_MAX_REPLY_BYTES:
      playtest_client_set_max_reply_bytes (self, g_value_get_uint64 (value));
      break;

    case PROP_HAS_API_KEY:
    case PROP_AUDIO_WITHOUT_TEXT:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_client_class_init (PlaytestClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = playtest_client_finalize;
  object_class->get_property = playtest_client_get_property;
  object_class->set_property = playtest_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, PLAYTEST_DEFAULT_BASE_URL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Write-only: the key is never read back, so it cannot end up in a log by accident. GObject
   * does not notify write-only properties; watch has-api-key instead. */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_HAS_API_KEY] =
    g_param_spec_boolean ("has-api-key", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, PLAYTEST_DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_MAX_REPLY_BYTES] =
    g_param_spec_uint64 ("max-reply-bytes", NULL, NULL, 1, G_MAXSIZE,
                         PLAYTEST_DEFAULT_MAX_REPLY_BYTES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_AUDIO_WITHOUT_TEXT] =
    g_param_spec_boolean ("audio-without-text", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
playtest_client_init (PlaytestClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                                 NULL);
  self->base_url = g_strdup (PLAYTEST_DEFAULT_BASE_URL);
  self->timeout = PLAYTEST_DEFAULT_TIMEOUT_SECONDS;
  self->max_reply_bytes = PLAYTEST_DEFAULT_MAX_REPLY_BYTES;
}

/**
 * playtest_client_new:
 * @base_url: (nullable): the service, or %NULL for `https://api.convai.com`
 * @api_key: (nullable): the Convai API key, or %NULL for none
 *
 * Creates a client with its own HTTP session.
 *
 * Returns: (transfer full): a new client
 */
PlaytestClient *
playtest_client_new (const char *base_url,
                     const char *api_key)
{
  return g_object_new (PLAYTEST_TYPE_CLIENT,
                       "base-url", base_url,
                       "api-key", api_key,
                       NULL);
}

/**
 * playtest_client_get_base_url:
 * @self: a #PlaytestClient
 *
 * Returns: the service address, without a trailing slash
 */
const char *
playtest_client_get_base_url (PlaytestClient *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (self), NULL);

  return self->base_url;
}

/**
 * playtest_client_set_base_url:
 * @self: a #PlaytestClient
 * @base_url: (nullable): the service, e.g. `http://127.0.0.1:8080/`, or %NULL for the default
 *
 * Sets where requests go. A trailing slash is dropped. Requests already on their way keep
 * their address.
 */
void
playtest_client_set_base_url (PlaytestClient *self,
                              const char     *base_url)
{
  g_autofree char *url = NULL;
  gsize len;

  g_return_if_fail (PLAYTEST_IS_CLIENT (self));

  if (base_url == NULL || *base_url == '\0')
    base_url = PLAYTEST_DEFAULT_BASE_URL;

  url = g_strstrip (g_strdup (base_url));
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  if (g_strcmp0 (self->base_url, url) == 0)
    return;

  g_free (self->base_url);
  self->base_url = g_steal_pointer (&url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

/**
 * playtest_client_set_api_key:
 * @self: a #PlaytestClient
 * @api_key: (nullable): the Convai API key, or %NULL / empty for none
 *
 * Sets the key sent as `CONVAI-API-KEY`. It can be set but not read back;
 * #PlaytestClient:has-api-key says whether there is one.
 */
void
playtest_client_set_api_key (PlaytestClient *self,
                             const char     *api_key)
{
  gboolean had_key;

  g_return_if_fail (PLAYTEST_IS_CLIENT (self));

  if (api_key != NULL && *api_key == '\0')
    api_key = NULL;

  had_key = self->api_key != NULL;
  g_free (self->api_key);
  self->api_key = g_strdup (api_key);

  if (had_key != (self->api_key != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_API_KEY]);
}

/**
 * playtest_client_has_api_key:
 * @self: a #PlaytestClient
 *
 * Returns: whether a key is set
 */
gboolean
playtest_client_has_api_key (PlaytestClient *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (self), FALSE);

  return self->api_key != NULL;
}

/**
 * playtest_client_get_timeout:
 * @self: a #PlaytestClient
 *
 * Returns: the timeout in seconds (0: none)
 */
guint
playtest_client_get_timeout (PlaytestClient *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (self), 0);

  return self->timeout;
}

/**
 * playtest_client_set_timeout:
 * @self: a #PlaytestClient
 * @seconds: the timeout, or 0 for none
 *
 * Sets how long a whole reply may take, or, for streamed replies, how long the stream may
 * pause. The default is 30 s. Applies to requests sent afterwards.
 */
void
playtest_client_set_timeout (PlaytestClient *self,
                             guint           seconds)
{
  g_return_if_fail (PLAYTEST_IS_CLIENT (self));

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * playtest_client_get_max_reply_bytes:
 * @self: a #PlaytestClient
 *
 * Returns: the largest reply body accepted, in bytes
 */
gsize
playtest_client_get_max_reply_bytes (PlaytestClient *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (self), 0);

  return self->max_reply_bytes;
}

/**
 * playtest_client_set_max_reply_bytes:
 * @self: a #PlaytestClient
 * @max_bytes: the largest reply body to accept (at least 1)
 *
 * Sets the reply body cap; larger replies fail with %PLAYTEST_CLIENT_ERROR_TOO_LARGE. The
 * default is 64 MiB.
 */
void
playtest_client_set_max_reply_bytes (PlaytestClient *self,
                                     gsize           max_bytes)
{
  g_return_if_fail (PLAYTEST_IS_CLIENT (self));
  g_return_if_fail (max_bytes > 0);

  if (self->max_reply_bytes == max_bytes)
    return;

  self->max_reply_bytes = max_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_REPLY_BYTES]);
}

/**
 * playtest_client_get_audio_without_text:
 * @self: a #PlaytestClient
 *
 * Whether this client sends recordings without the `userText` placeholder, because the
 * service answered one with 400 “Expecting only one…”. Once set, it stays set.
 *
 * Returns: %TRUE after the fallback was needed
 */
gboolean
playtest_client_get_audio_without_text (PlaytestClient *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CLIENT (self), FALSE);

  return self->audio_without_text;
}
