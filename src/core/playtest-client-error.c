/* playtest-client-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "playtest-client-error.h"
#include "playtest-client-error-private.h"

/* How much of a server's words a message carries: enough for any real error text, not a
 * whole page of HTML. */
#define EXCERPT_MAX_CHARS 200
#define WORDS_MAX_CHARS   500
#define MAX_JSON_DEPTH    4

typedef struct
{
  guint  status;
  char  *server_message;
  int    retry_after;
} PlaytestClientErrorPrivate;

static void
playtest_client_error_private_init (PlaytestClientErrorPrivate *priv)
{
  priv->status = 0;
  priv->server_message = NULL;
  priv->retry_after = -1;
}

static void
playtest_client_error_private_copy (const PlaytestClientErrorPrivate *src,
                                    PlaytestClientErrorPrivate       *dest)
{
  dest->status = src->status;
  dest->server_message = g_strdup (src->server_message);
  dest->retry_after = src->retry_after;
}

static void
playtest_client_error_private_clear (PlaytestClientErrorPrivate *priv)
{
  g_clear_pointer (&priv->server_message, g_free);
}

G_DEFINE_EXTENDED_ERROR (PlaytestClientError, playtest_client_error)

/* Keys under which Convai's gateways put their words, most specific first. `message` is
 * what generic proxies (API gateways, load balancers) use. */
static const char * const error_keys[] = {
  "ERROR", "API_ERROR", "INTERNAL_ERROR", "error", "detail", "message", NULL
};

static const char * const reference_keys[] = {
  "Reference ID", "reference_id", "referenceId", NULL
};

/**
 * playtest_json_parse: (skip)
 * @text: (nullable): text that may or may not be JSON, not necessarily NUL-terminated
 * @length: its length, or -1 if NUL-terminated
 *
 * Parses @text when it is JSON; server bodies often are not, which is no error here.
 *
 * Returns: (transfer full) (nullable): the root node, or %NULL if @text is empty or not JSON
 */
JsonNode *
playtest_json_parse (const char *text,
                     gssize      length)
{
  g_autoptr(JsonParser) parser = NULL;

  if (text == NULL || length == 0)
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, length, NULL))
    return NULL;

  return json_parser_steal_root (parser);
}

/**
 * playtest_json_node_is_string: (skip)
 * @node: (nullable): a node
 *
 * Returns: whether @node is a JSON string
 */
gboolean
playtest_json_node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}

/**
 * playtest_text_excerpt:
 * @text: (nullable): untrusted text, not necessarily UTF-8 or NUL-terminated
 * @length: its length, or -1 if NUL-terminated
 * @max_chars: the most characters to keep
 *
 * Makes server text safe to show: valid UTF-8, control characters (which could drive a
 * terminal) turned into spaces, runs of white space collapsed, cut with an ellipsis.
 *
 * Returns: (transfer full) (nullable): the excerpt, or %NULL if nothing visible is left
 */
char *
playtest_text_excerpt (const char *text,
                       gssize      length,
                       guint       max_chars)
{
  g_autofree char *valid = NULL;
  GString *out;
  gboolean space = FALSE;
  guint n_chars = 0;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, length);
  out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) || c == 0xFEFF)
        {
          space = out->len > 0;
          continue;
        }
      if (n_chars + (space ? 1 : 0) >= max_chars)
        {
          g_string_append (out, "…");
          break;
        }
      if (space)
        {
          g_string_append_c (out, ' ');
          n_chars++;
          space = FALSE;
        }
      g_string_append_unichar (out, c);
      n_chars++;
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

static char *stringify_node (JsonNode *node,
                             guint     depth);

/* FastAPI's validation errors: [{"loc": ["body", "userText"], "msg": "field required"}]. */
static char *
stringify_validation_item (JsonObject *object)
{
  JsonNode *loc = json_object_get_member (object, "loc");
  g_autoptr(GString) where = g_string_new (NULL);
  JsonArray *array;

  if (loc == NULL || !JSON_NODE_HOLDS_ARRAY (loc))
    return NULL;

  array = json_node_get_array (loc);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *part = stringify_node (json_array_get_element (array, i), MAX_JSON_DEPTH);

      if (part == NULL)
        continue;
      if (where->len > 0)
        g_string_append_c (where, '.');
      g_string_append (where, part);
    }

  return g_strdup_printf ("%s: %s", where->str, json_object_get_string_member (object, "msg"));
}

static char *
stringify_object (JsonObject *object,
                  guint       depth)
{
  static const char * const inner_keys[] = {
    "message", "msg", "detail", "error", "ERROR", "description", NULL
  };

  if (playtest_json_node_is_string (json_object_get_member (object, "msg")))
    {
      char *item = stringify_validation_item (object);

      if (item != NULL)
        return item;
    }

  for (guint i = 0; inner_keys[i] != NULL; i++)
    {
      JsonNode *member = json_object_get_member (object, inner_keys[i]);
      char *words = member != NULL ? stringify_node (member, depth + 1) : NULL;

      if (words != NULL)
        return words;
    }

  return NULL;
}

static char *
stringify_array (JsonArray *array,
                 guint      depth)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item = stringify_node (json_array_get_element (array, i), depth + 1);

      if (item == NULL)
        continue;
      if (joined->len > 0)
        g_string_append (joined, "; ");
      g_string_append (joined, item);
    }

  return joined->len > 0 ? g_strdup (joined->str) : NULL;
}

/* Turns whatever a server put under an error key into words: strings as they are, lists
 * joined, objects by their own message member or else as compact JSON. */
static char *
stringify_node (JsonNode *node,
                guint     depth)
{
  char *words = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (playtest_json_node_is_string (node))
    words = g_strdup (json_node_get_string (node));
  else if (JSON_NODE_HOLDS_VALUE (node))
    words = json_to_string (node, FALSE);
  else if (depth < MAX_JSON_DEPTH && JSON_NODE_HOLDS_ARRAY (node))
    words = stringify_array (json_node_get_array (node), depth);
  else if (depth < MAX_JSON_DEPTH && JSON_NODE_HOLDS_OBJECT (node))
    words = stringify_object (json_node_get_object (node), depth);

  if (words == NULL && !JSON_NODE_HOLDS_VALUE (node))
    words = json_to_string (node, FALSE);

  if (words != NULL && g_strstrip (words)[0] == '\0')
    g_clear_pointer (&words, g_free);

  return words;
}

static char *
find_member_words (JsonObject         *object,
                   const char * const *keys)
{
  for (guint i = 0; keys[i] != NULL; i++)
    {
      char *words = stringify_node (json_object_get_member (object, keys[i]), 0);

      if (words != NULL)
        return words;
    }

  return NULL;
}

static gboolean
text_is_process_failure (const char *text)
{
  while (text != NULL && g_ascii_isspace (*text))
    text++;

  return text != NULL && g_ascii_strncasecmp (text, "process_failure", 15) == 0;
}

/* The server's words from a JSON body: an error key (with a reference id beside it if
 * there is one), else the `text` of a `process_failure` reply, else %NULL. */
static char *
json_object_words (JsonObject *object)
{
  g_autofree char *words = find_member_words (object, error_keys);
  g_autofree char *reference = find_member_words (object, reference_keys);

  if (words == NULL && json_object_has_member (object, "text"))
    words = stringify_node (json_object_get_member (object, "text"), 0);

  if (words != NULL && reference != NULL)
    /* Translators: the service's error message, then the id its support asks for */
    return g_strdup_printf (_("%s (Reference ID: %s)"), words, reference);
  if (words == NULL && reference != NULL)
    /* Translators: the id the service's support asks for */
    return g_strdup_printf (_("Reference ID: %s"), reference);

  return g_steal_pointer (&words);
}

static char *
json_body_words (const char *text,
                 gsize       length)
{
  g_autoptr(JsonNode) root = playtest_json_parse (text, length);

  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      char *words = json_object_words (json_node_get_object (root));

      if (words != NULL)
        return words;
    }
  else if (!JSON_NODE_HOLDS_NULL (root))
    {
      char *words = stringify_node (root, 0);

      if (words != NULL)
        return words;
    }

  /* Valid JSON with nothing recognisable in it: show it as it came. */
  return json_to_string (root, FALSE);
}

static const struct
{
  const char *name;
  const char *text;
} html_entities[] = {
  { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
  { "nbsp", " " }, { "#39", "'" },
};

/* Appends the entity at @p (just after '&') to @out; returns where reading continues. */
static const char *
append_html_entity (GString    *out,
                    const char *p)
{
  const char *semi = strchr (p, ';');
  gsize len = semi != NULL ? (gsize) (semi - p) : 0;

  if (len == 0 || len > 8)
    {
      g_string_append_c (out, '&');
      return p;
    }

  for (guint i = 0; i < G_N_ELEMENTS (html_entities); i++)
    if (strlen (html_entities[i].name) == len && strncmp (p, html_entities[i].name, len) == 0)
      {
        g_string_append (out, html_entities[i].text);
        return semi + 1;
      }

  if (p[0] == '#')
    {
      gboolean hex = p[1] == 'x' || p[1] == 'X';
      guint64 code = g_ascii_strtoull (p + (hex ? 2 : 1), NULL, hex ? 16 : 10);

      if (code > 0 && code <= 0x10FFFF && g_unichar_validate ((gunichar) code))
        {
          g_string_append_unichar (out, (gunichar) code);
          return semi + 1;
        }
    }

  g_string_append_c (out, '&');
  return p;
}

/* The visible text of an HTML fragment: tags dropped (with the contents of script and
 * style), entities decoded. @lower is the same fragment in ASCII lower case. */
static char *
html_to_text (const char *html,
              const char *lower,
              gsize       length)
{
  GString *out = g_string_new (NULL);
  gsize i = 0;

  while (i < length)
    {
      if (html[i] == '<')
        {
          const char *skip_to = NULL;
          const char *end;

          if (strncmp (lower + i, "<script", 7) == 0)
            skip_to = "</script";
          else if (strncmp (lower + i, "<style", 6) == 0)
            skip_to = "</style";
          else if (strncmp (lower + i, "<!--", 4) == 0)
            skip_to = "-->";

          if (skip_to != NULL)
            {
              /* Unclosed script or comment: nothing visible follows. */
              if ((end = strstr (lower + i, skip_to)) == NULL)
                break;
              i = end - lower;
            }
          end = strchr (html + i, '>');
          i = end != NULL ? (gsize) (end - html) + 1 : length;
          g_string_append_c (out, ' ');
        }
      else if (html[i] == '&')
        {
          i = append_html_entity (out, html + i + 1) - html;
        }
      else
        {
          g_string_append_c (out, html[i++]);
        }
    }

  return g_string_free (out, FALSE);
}

/* The text of the first <@tag ...>...</@tag> element, or %NULL. */
static char *
html_element_text (const char *html,
                   const char *lower,
                   const char *tag)
{
  g_autofree char *open = g_strdup_printf ("<%s", tag);
  g_autofree char *close = g_strdup_printf ("</%s", tag);
  const char *start = lower;
  const char *content;
  const char *end;

  /* "<h1" must not match "<h10" or "<title" match "<titles". */
  while ((start = strstr (start, open)) != NULL)
    {
      char next = start[strlen (open)];

      if (next == '>' || g_ascii_isspace (next))
        break;
      start++;
    }
  if (start == NULL || (content = strchr (start, '>')) == NULL)
    return NULL;
  content++;
  if ((end = strstr (content, close)) == NULL)
    return NULL;

  return html_to_text (html + (content - lower), content, end - content);
}

static char *
html_body_words (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  static const char * const preferred[] = { "title", "h1", NULL };

  for (guint i = 0; preferred[i] != NULL; i++)
    {
      g_autofree char *element = html_element_text (text, lower, preferred[i]);
      char *words = playtest_text_excerpt (element, -1, EXCERPT_MAX_CHARS);

      if (words != NULL)
        return words;
    }

  {
    const char *body = strstr (lower, "<body");
    gsize offset = body != NULL ? (gsize) (body - lower) : 0;
    g_autofree char *visible = html_to_text (text + offset, lower + offset, strlen (text + offset));

    return playtest_text_excerpt (visible, -1, EXCERPT_MAX_CHARS);
  }
}

static gboolean
content_type_has (const char *content_type,
                  const char *word)
{
  g_autofree char *lower = content_type != NULL ? g_ascii_strdown (content_type, -1) : NULL;

  return lower != NULL && strstr (lower, word) != NULL;
}

/* The server's own words from an error body of any kind, or %NULL if it said nothing. */
static char *
body_words (const char *content_type,
            GBytes     *body)
{
  g_autofree char *text = NULL;
  g_autofree char *words = NULL;
  const char *start;
  gsize size = 0;
  const char *data;

  if (body == NULL || (data = g_bytes_get_data (body, &size)) == NULL || size == 0)
    return NULL;

  /* Servers lie about content types: look at the first character as well. */
  text = g_strndup (data, size);
  for (start = text; g_ascii_isspace (*start); start++)
    ;

  if (content_type_has (content_type, "json") || *start == '{' || *start == '[')
    words = json_body_words (text, strlen (text));
  if (words == NULL && (content_type_has (content_type, "html") || *start == '<'))
    return html_body_words (text);
  if (words == NULL)
    return playtest_text_excerpt (text, -1, EXCERPT_MAX_CHARS);

  return playtest_text_excerpt (words, -1, WORDS_MAX_CHARS);
}

/* Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
static int
parse_retry_after (const char *value)
{
  g_autofree char *trimmed = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  guint64 seconds;
  GTimeSpan delta;

  if (value == NULL)
    return -1;

  trimmed = g_strstrip (g_strdup (value));
  if (g_ascii_isdigit (trimmed[0]))
    {
      if (!g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXUINT64, &seconds, NULL))
        return -1;
      return (int) MIN (seconds, (guint64) G_MAXINT);
    }

  when = soup_date_time_new_from_http_string (trimmed);
  if (when == NULL)
    return -1;

  now = g_date_time_new_now_utc ();
  delta = g_date_time_difference (when, now);
  if (delta <= 0)
    return 0;

  return (int) MIN ((delta + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND, (GTimeSpan) G_MAXINT);
}

/* libsoup 3.2 lacks phrases for some codes the service uses (429 among them). */
static const char *
status_phrase (guint status)
{
  switch (status)
    {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default:
      {
        const char *phrase = soup_status_get_phrase (status);

        return g_strcmp0 (phrase, "Unknown Error") == 0 ? NULL : phrase;
      }
    }
}

static PlaytestClientError
code_for_status (guint status)
{
  switch (status)
    {
    case 400: return PLAYTEST_CLIENT_ERROR_BAD_REQUEST;
    case 401: return PLAYTEST_CLIENT_ERROR_BAD_KEY;
    case 403: return PLAYTEST_CLIENT_ERROR_FORBIDDEN;
    case 404: return PLAYTEST_CLIENT_ERROR_NOT_FOUND;
    case 429: return PLAYTEST_CLIENT_ERROR_RATE_LIMITED;
    default:  return PLAYTEST_CLIENT_ERROR_SERVER;
    }
}

/* Letters and digits only, lower case: "502 Bad Gateway" and "502: bad gateway" compare
 * equal, so a page that only repeats the status line adds nothing to the message. */
static char *
normalize (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));

  return g_string_free (out, FALSE);
}

static gboolean
words_repeat_status (const char *words,
                     guint       status,
                     const char *phrase)
{
  g_autofree char *status_line = g_strdup_printf ("%u %s", status, phrase ? phrase : "");
  g_autofree char *norm_words = normalize (words);
  g_autofree char *norm_line = normalize (status_line);
  g_autofree char *norm_phrase = normalize (phrase ? phrase : "");

  return g_str_equal (norm_words, norm_line) || g_str_equal (norm_words, norm_phrase);
}

static char *
compose_message (guint                status,
                 PlaytestClientError  code,
                 const char          *words,
                 int                  retry_after)
{
  const char *phrase = status_phrase (status);
  GString *message = g_string_new (NULL);

  /* "HTTP 200 OK: process_failure" would read as a success. */
  if (SOUP_STATUS_IS_SUCCESSFUL (status) && code == PLAYTEST_CLIENT_ERROR_NOT_FOUND
      && words != NULL)
    g_string_append_printf (message, _("The character could not reply: %s"), words);
  else
    {
      g_string_append_printf (message, "HTTP %u", status);
      if (phrase != NULL)
        g_string_append_printf (message, " %s", phrase);
      if (words != NULL && !words_repeat_status (words, status, phrase))
        g_string_append_printf (message, ": %s", words);
    }

  if (retry_after >= 0)
    {
      g_string_append (message, " (");
      g_string_append_printf (message, _("retry after %d s"), retry_after);
      g_string_append (message, ")");
    }

  return g_string_free (message, FALSE);
}

/**
 * playtest_client_error_new_for_status:
 * @status: the HTTP status of the reply
 * @content_type: (nullable): its Content-Type
 * @body: (nullable): its body
 * @retry_after: (nullable): its Retry-After header
 *
 * Builds the error for a reply the service refused or failed. The code follows the status
 * (and a `process_failure` body, which is %PLAYTEST_CLIENT_ERROR_NOT_FOUND even when it came
 * with 200); the message is the status followed by the server's own words: the value of
 * `ERROR`, `API_ERROR`, `INTERNAL_ERROR`, `error` or `detail` in a JSON body (strings as
 * they are, lists and objects made readable), with a `Reference ID` beside it; the `text`
 * of a `process_failure` reply; or a short excerpt of an HTML or plain-text body. The
 * Retry-After header may be delta-seconds or an HTTP-date.
 *
 * Returns: (transfer full): a #PLAYTEST_CLIENT_ERROR error
 */
GError *
playtest_client_error_new_for_status (guint       status,
                                      const char *content_type,
                                      GBytes     *body,
                                      const char *retry_after)
{
  g_autofree char *words = body_words (content_type, body);
  g_autofree char *message = NULL;
  PlaytestClientErrorPrivate *priv;
  PlaytestClientError code;
  GError *error;
  int retry = parse_retry_after (retry_after);

  if (SOUP_STATUS_IS_SUCCESSFUL (status) || status == 404)
    code = playtest_client_error_is_process_failure (body) || status == 404
             ? PLAYTEST_CLIENT_ERROR_NOT_FOUND
             : PLAYTEST_CLIENT_ERROR_BAD_REPLY;
  else
    code = code_for_status (status);

  message = compose_message (status, code, words, retry);
  error = g_error_new_literal (PLAYTEST_CLIENT_ERROR, code, message);

  priv = playtest_client_error_get_private (error);
  priv->status = status;
  priv->server_message = g_steal_pointer (&words);
  priv->retry_after = retry;

  return error;
}

/**
 * playtest_client_error_is_process_failure:
 * @body: (nullable): a reply body
 *
 * Whether @body is Convai's "generation failed" reply, `{"charID": ..., "text":
 * "process_failure, error: ..."}`: it looks like a reply but is an error, and may arrive
 * with status 200 as well as 404.
 *
 * Returns: %TRUE if @body reports a process failure
 */
gboolean
playtest_client_error_is_process_failure (GBytes *body)
{
  g_autoptr(JsonNode) root = NULL;
  const char *data;
  gsize size = 0;

  if (body == NULL || (data = g_bytes_get_data (body, &size)) == NULL || size == 0)
    return FALSE;

  root = playtest_json_parse (data, size);

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root)
         && playtest_client_error_object_is_process_failure (json_node_get_object (root));
}

/**
 * playtest_client_error_object_is_process_failure: (skip)
 * @object: a parsed reply
 *
 * Like playtest_client_error_is_process_failure(), for a reply already parsed.
 *
 * Returns: %TRUE if @object reports a process failure
 */
gboolean
playtest_client_error_object_is_process_failure (JsonObject *object)
{
  JsonNode *text = json_object_get_member (object, "text");

  return playtest_json_node_is_string (text)
         && text_is_process_failure (json_node_get_string (text));
}

static PlaytestClientErrorPrivate *
get_private_or_null (const GError *error)
{
  if (error == NULL || error->domain != PLAYTEST_CLIENT_ERROR)
    return NULL;

  return playtest_client_error_get_private (error);
}

/**
 * playtest_client_error_get_status:
 * @error: (nullable): an error
 *
 * Returns: the HTTP status behind @error, or 0 if there was none (network errors, errors
 *   of other domains)
 */
guint
playtest_client_error_get_status (const GError *error)
{
  PlaytestClientErrorPrivate *priv = get_private_or_null (error);

  return priv != NULL ? priv->status : 0;
}

/**
 * playtest_client_error_get_server_message:
 * @error: (nullable): an error
 *
 * Returns: (nullable): the server's own words (sanitized), or %NULL
 */
const char *
playtest_client_error_get_server_message (const GError *error)
{
  PlaytestClientErrorPrivate *priv = get_private_or_null (error);

  return priv != NULL ? priv->server_message : NULL;
}

/**
 * playtest_client_error_get_retry_after:
 * @error: (nullable): an error
 *
 * Returns: seconds to wait before retrying, as the server's Retry-After said, or -1
 */
int
playtest_client_error_get_retry_after (const GError *error)
{
  PlaytestClientErrorPrivate *priv = get_private_or_null (error);

  return priv != NULL ? priv->retry_after : -1;
}

/**
 * playtest_client_error_code_to_string:
 * @code: an error code
 *
 * A stable machine-readable name for @code, for JSON output and reports.
 *
 * Returns: a name such as `"bad-key"` or `"rate-limited"`
 */
const char *
playtest_client_error_code_to_string (PlaytestClientError code)
{
  switch (code)
    {
    case PLAYTEST_CLIENT_ERROR_BAD_REQUEST:   return "bad-request";
    case PLAYTEST_CLIENT_ERROR_BAD_KEY:       return "bad-key";
    case PLAYTEST_CLIENT_ERROR_FORBIDDEN:     return "forbidden";
    case PLAYTEST_CLIENT_ERROR_NOT_FOUND:     return "not-found";
    case PLAYTEST_CLIENT_ERROR_RATE_LIMITED:  return "rate-limited";
    case PLAYTEST_CLIENT_ERROR_SERVER:        return "server-error";
    case PLAYTEST_CLIENT_ERROR_BAD_REPLY:     return "bad-reply";
    case PLAYTEST_CLIENT_ERROR_TOO_LARGE:     return "too-large";
    case PLAYTEST_CLIENT_ERROR_TIMEOUT:       return "timeout";
    case PLAYTEST_CLIENT_ERROR_NETWORK:       return "network";
    case PLAYTEST_CLIENT_ERROR_CANCELLED:     return "cancelled";
    case PLAYTEST_CLIENT_ERROR_INVALID_INPUT: return "invalid-input";
    default:                                  return "unknown";
    }
}
