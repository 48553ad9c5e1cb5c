/* playtest-reply.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "playtest-client-error.h"
#include "playtest-client-error-private.h"
#include "playtest-reply-private.h"

#define EXCERPT_MAX_CHARS 80
#define MAX_SAMPLE_RATE   1000000

struct _PlaytestReply
{
  GObject          parent_instance;

  GString         *text;
  char            *last_piece;
  char            *session_id;
  char            *character_id;
  char            *emotion;
  char            *action;
  char           **action_sequence;
  char           **action_only;      /* { action, NULL }, made on demand by get_actions() */
  char            *narrative_section_id;
  char            *user_query;
  char            *tag;
  char            *response;
  int              sample_rate_hint;

  GPtrArray       *audio_chunks;     /* every WAV that arrived, in order */
  GBytes          *audio;            /* the chunks as one WAV, made on demand */
  PlaytestWavInfo  audio_info;

  GBytes          *raw_body;         /* the body as it arrived, when it came whole */
  char            *raw_json;         /* made from raw_body on demand, or set for a stream */
  GPtrArray       *warnings;
  PlaytestTimings  timings;
  gboolean         streamed;
};

G_DEFINE_FINAL_TYPE (PlaytestReply, playtest_reply, G_TYPE_OBJECT)

static const char * const empty_strv[] = { NULL };

/* Fields that hold one string. `UserQuery` comes before `userQuery` so that the contract's
 * spelling wins when a reply carries both. */
static const struct
{
  const char *key;
  gsize       offset;
} string_fields[] = {
  { "sessionID", G_STRUCT_OFFSET (PlaytestReply, session_id) },
  { "charID", G_STRUCT_OFFSET (PlaytestReply, character_id) },
  { "emotion", G_STRUCT_OFFSET (PlaytestReply, emotion) },
  { "action", G_STRUCT_OFFSET (PlaytestReply, action) },
  { "narrativeSectionId", G_STRUCT_OFFSET (PlaytestReply, narrative_section_id) },
  { "UserQuery", G_STRUCT_OFFSET (PlaytestReply, user_query) },
  { "userQuery", G_STRUCT_OFFSET (PlaytestReply, user_query) },
  { "tag", G_STRUCT_OFFSET (PlaytestReply, tag) },
  { "response", G_STRUCT_OFFSET (PlaytestReply, response) },
};

static void
playtest_reply_finalize (GObject *object)
{
  PlaytestReply *self = (PlaytestReply *) object;

  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  g_free (self->last_piece);
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    g_clear_pointer ((char **) G_STRUCT_MEMBER_P (self, string_fields[i].offset), g_free);
  g_strfreev (self->action_sequence);
  g_strfreev (self->action_only);
  g_ptr_array_unref (self->audio_chunks);
  g_clear_pointer (&self->audio, g_bytes_unref);
  g_clear_pointer (&self->raw_body, g_bytes_unref);
  g_free (self->raw_json);
  g_ptr_array_unref (self->warnings);

  G_OBJECT_CLASS (playtest_reply_parent_class)->finalize (object);
}

static void
playtest_reply_class_init (PlaytestReplyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = playtest_reply_finalize;
}

static void
playtest_reply_init (PlaytestReply *self)
{
  self->sample_rate_hint = -1;
  self->audio_chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->warnings = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

/**
 * playtest_reply_new: (skip)
 *
 * An empty reply, to be filled with playtest_reply_merge_object().
 *
 * Returns: (transfer full): a new reply
 */
PlaytestReply *
playtest_reply_new (void)
{
  return g_object_new (PLAYTEST_TYPE_REPLY, NULL);
}

/**
 * playtest_reply_add_warning: (skip)
 * @self: a reply
 * @format: printf-style format of a message for the user
 * @...: its arguments
 *
 * Notes a problem with part of the reply that did not stop the reply from arriving. The
 * same warning is kept once, however many stream chunks repeat the problem.
 */
void
playtest_reply_add_warning (PlaytestReply *self,
                            const char    *format,
                            ...)
{
  g_autofree char *warning = NULL;
  va_list args;

  g_return_if_fail (PLAYTEST_IS_REPLY (self));
  g_return_if_fail (format != NULL);

  va_start (args, format);
  warning = g_strdup_vprintf (format, args);
  va_end (args);

  for (guint i = 0; i < self->warnings->len; i++)
    if (g_str_equal (g_ptr_array_index (self->warnings, i), warning))
      return;

  g_ptr_array_add (self->warnings, g_steal_pointer (&warning));
}

static const char *
node_type_name (JsonNode *node)
{
  GType type;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return "object";
    case JSON_NODE_ARRAY:
      return "array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      type = json_node_get_value_type (node);
      if (type == G_TYPE_STRING)
        return "string";
      if (type == G_TYPE_BOOLEAN)
        return "boolean";
      return "number";
    }
}

/* The text of a field meant to be a string. Anything else is shown as it arrived, as JSON,
 * with a warning: an emotion sent as an object is still worth seeing. Empty is absent. */
static char *
node_to_text (PlaytestReply *self,
              const char    *key,
              JsonNode      *node)
{
  char *text;

  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (playtest_json_node_is_string (node))
    text = g_strdup (json_node_get_string (node));
  else
    {
      text = json_to_string (node, FALSE);
      playtest_reply_add_warning (self, _("%s had an unexpected type (%s); shown as JSON"), key,
                                  node_type_name (node));
    }

  if (text != NULL && text[0] == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

/* Stream chunks bring the reply piece by piece, and the service is known to repeat itself:
 * a piece equal to the one before, or to the whole text so far (a final chunk that repeats
 * everything), is not added again. */
static char *
merge_text (PlaytestReply *self,
            const char    *piece,
            gboolean       append_text)
{
  if (piece == NULL)
    return NULL;

  if (!append_text || self->text == NULL)
    {
      if (self->text != NULL)
        g_string_assign (self->text, piece);
      else
        self->text = g_string_new (piece);
    }
  else if (g_strcmp0 (piece, self->last_piece) == 0 || g_str_equal (piece, self->text->str))
    return NULL;
  else
    g_string_append (self->text, piece);

  g_free (self->last_piece);
  self->last_piece = g_strdup (piece);

  return g_strdup (piece);
}

/* The value of each base64 digit, for the standard and the URL-safe alphabet at once;
 * SKIP for white space, PAD for '=', JUNK for anything else. */
enum { B64_JUNK = 0xff, B64_SKIP = 0xfe, B64_PAD = 0xfd };

static const guint8 *
base64_table (void)
{
  static guint8 table[256];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      const char *digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

      memset (table, B64_JUNK, sizeof table);
      for (guint i = 0; i < 64; i++)
        table[(guchar) digits[i]] = i;
      table['-'] = 62;
      table['_'] = 63;
      table['='] = B64_PAD;
      table[' '] = table['\t'] = table['\n'] = table['\r'] = table['\f'] = table['\v'] = B64_SKIP;
      g_once_init_leave (&initialized, 1);
    }

  return table;
}

/* Moves @text past a `data:…;base64,` URI prefix, if it has one. */
static void
skip_data_uri_prefix (const char **text,
                      gsize       *length)
{
  const char *comma;

  if (*length > 5 && memcmp (*text, "data:", 5) == 0
      && (comma = g_strstr_len (*text, MIN (*length, 256), ";base64,")) != NULL)
    {
      *length -= comma + strlen (";base64,") - *text;
      *text = comma + strlen (";base64,");
    }
}

/* The common case: four digits in a row make three bytes. FALSE (and nothing written) when
 * any of the four is padding, white space or junk, which the slow path then sorts out. */
static inline gboolean
decode_quad (const guint8 *table,
             const guchar *quad,
             guint8       *out)
{
  guint8 a = table[quad[0]], b = table[quad[1]], c = table[quad[2]], d = table[quad[3]];

  if ((a | b | c | d) >= 64)
    return FALSE;

  out[0] = (a << 2) | (b >> 4);
  out[1] = ((b & 0x0f) << 4) | (c >> 2);
  out[2] = ((c & 0x03) << 6) | d;
  return TRUE;
}

/* Strict base64: the standard or the URL-safe alphabet, padding optional, white space ignored,
 * a `data:` URI prefix allowed. g_base64_decode() accepts any junk without a word, and audio
 * is the bulk of every voice turn, so this checks and decodes in one table-driven pass. */
static GBytes *
decode_base64 (const char *text,
               gsize       length)
{
  const guint8 *table = base64_table ();
  gsize n_digits = 0, out_size = 0;
  guint padding = 0, bits = 0;
  guint32 accumulator = 0;
  guint8 *out;

  skip_data_uri_prefix (&text, &length);

  out = g_malloc (length / 4 * 3 + 3);
  for (gsize i = 0; i < length; i++)
    {
      guint8 value;

      if (bits == 0 && padding == 0 && i + 4 <= length
          && decode_quad (table, (const guchar *) text + i, out + out_size))
        {
          out_size += 3;
          n_digits += 4;
          i += 3;
          continue;
        }

      value = table[(guchar) text[i]];

      if (value < 64 && padding == 0)
        {
          accumulator = (accumulator << 6) | value;
          bits += 6;
          n_digits++;
          if (bits >= 8)
            {
              bits -= 8;
              out[out_size++] = (accumulator >> bits) & 0xff;
            }
        }
      else if (value == B64_PAD)
        padding++;
      else if (value != B64_SKIP)
        {
          g_free (out);
          return NULL;
        }
    }

  /* One digit alone cannot make a byte; more than two '=' is not base64. */
  if (padding > 2 || n_digits % 4 == 1 || n_digits == 0)
    {
      g_free (out);
      return NULL;
    }

  return g_bytes_new_take (out, out_size);
}

static void
add_audio_chunk (PlaytestReply         *self,
                 GBytes                *wav,
                 const PlaytestWavInfo *info)
{
  PlaytestWavInfo first;

  if (self->audio_chunks->len > 0
      && playtest_wav_parse_bytes (g_ptr_array_index (self->audio_chunks, 0), &first, NULL)
      && (first.sample_rate != info->sample_rate || first.channels != info->channels
          || first.bits_per_sample != info->bits_per_sample
          || first.format_tag != info->format_tag))
    playtest_reply_add_warning (self, _("Audio chunks came in different formats; only those like "
                                        "the first are played"));

  g_ptr_array_add (self->audio_chunks, g_bytes_ref (wav));
  g_clear_pointer (&self->audio, g_bytes_unref);
}

/* Takes a complete WAV file in base64. Junk is a warning. */
static GBytes *
merge_audio_base64 (PlaytestReply *self,
                    const char    *base64,
                    gsize          length,
                    gboolean       append)
{
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestWavInfo info;

  if (length == 0)
    return NULL;

  wav = decode_base64 (base64, length);
  if (wav == NULL)
    {
      playtest_reply_add_warning (self, _("The audio is not valid base64; it was ignored"));
      return NULL;
    }
  if (!playtest_wav_parse_bytes (wav, &info, &error))
    {
      playtest_reply_add_warning (self, _("The audio could not be used: %s"), error->message);
      return NULL;
    }
  if (info.truncated)
    playtest_reply_add_warning (self, _("The audio is cut short"));

  if (!append)
    g_ptr_array_set_size (self->audio_chunks, 0);
  add_audio_chunk (self, wav, &info);

  return g_steal_pointer (&wav);
}

/* Takes the `audio` member: a WAV file in base64, or null. Another type is a warning. */
static GBytes *
merge_audio (PlaytestReply *self,
             JsonNode      *node,
             gboolean       append)
{
  const char *base64;

  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!playtest_json_node_is_string (node))
    {
      playtest_reply_add_warning (self, _("audio had an unexpected type (%s); it was ignored"),
                                  node_type_name (node));
      return NULL;
    }

  base64 = json_node_get_string (node);
  return merge_audio_base64 (self, base64, strlen (base64), append);
}

/* `sample_rate` is a string on the live service ("22050"), a number elsewhere: a hint only,
 * since the WAV header says the truth. */
static void
merge_sample_rate (PlaytestReply *self,
                   JsonNode      *node)
{
  gint64 rate = -1;

  if (JSON_NODE_HOLDS_NULL (node))
    return;

  if (playtest_json_node_is_string (node))
    {
      g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (node)));

      if (text[0] == '\0')
        return;
      if (!g_ascii_string_to_signed (text, 10, 1, MAX_SAMPLE_RATE, &rate, NULL))
        rate = -1;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    rate = json_node_get_int (node);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      if (value >= 1 && value <= MAX_SAMPLE_RATE && value == (double) (gint64) value)
        rate = (gint64) value;
    }

  if (rate < 1 || rate > MAX_SAMPLE_RATE)
    {
      g_autofree char *shown = json_to_string (node, FALSE);

      playtest_reply_add_warning (self, _("sample_rate had an unexpected value (%s); it was "
                                          "ignored"), shown);
      return;
    }

  self->sample_rate_hint = (int) rate;
}

static void
add_action_lines (GPtrArray  *actions,
                  const char *text)
{
  g_auto(GStrv) lines = g_strsplit_set (text, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        g_ptr_array_add (actions, g_strdup (lines[i]));
    }
}

/* `actionSequence`: one action per line (blank lines and stray spaces around), or a JSON
 * array of actions. */
static void
merge_action_sequence (PlaytestReply *self,
                       JsonNode      *node)
{
  g_autoptr(GPtrArray) actions = g_ptr_array_new_null_terminated (4, g_free, TRUE);

  if (playtest_json_node_is_string (node))
    add_action_lines (actions, json_node_get_string (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *text = node_to_text (self, "actionSequence",
                                                json_array_get_element (array, i));

          if (text != NULL)
            add_action_lines (actions, text);
        }
    }
  else if (!JSON_NODE_HOLDS_NULL (node))
    playtest_reply_add_warning (self, _("actionSequence had an unexpected type (%s); it was "
                                        "ignored"), node_type_name (node));

  if (actions->len == 0)
    return;

  g_strfreev (self->action_sequence);
  self->action_sequence = (char **) g_ptr_array_free (g_steal_pointer (&actions), FALSE);
}

static void
merge_string_fields (PlaytestReply *self,
                     JsonObject    *object)
{
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    {
      JsonNode *node = json_object_get_member (object, string_fields[i].key);
      char **field = G_STRUCT_MEMBER_P (self, string_fields[i].offset);
      char *text;

      /* Later chunks override earlier ones, but an empty value never erases one. */
      if (node == NULL || (text = node_to_text (self, string_fields[i].key, node)) == NULL)
        continue;
      g_free (*field);
      *field = text;
    }

  g_clear_pointer (&self->action_only, g_strfreev);
}

/**
 * playtest_reply_merge_object: (skip)
 * @self: a reply
 * @object: one JSON object: a whole reply, or one chunk of a stream
 * @append_text: whether `text` continues the reply (stream) or is the reply
 * @audio_out: (out) (optional) (nullable): the WAV file @object carried, if any
 *
 * Takes every known field of @object into @self; unknown fields are left to the raw JSON.
 * Fields with the wrong type become warnings on the reply, never failures.
 *
 * Returns: (transfer full) (nullable): the text this object added to the reply, or %NULL
 *   if it added none (no text, or a repeat of the previous piece)
 */
char *
playtest_reply_merge_object (PlaytestReply  *self,
                             JsonObject     *object,
                             gboolean        append_text,
                             GBytes        **audio_out)
{
  g_autoptr(GBytes) audio = NULL;
  g_autofree char *piece = NULL;
  JsonNode *node;

  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);
  g_return_val_if_fail (object != NULL, NULL);

  if ((node = json_object_get_member (object, "text")) != NULL)
    piece = node_to_text (self, "text", node);
  merge_string_fields (self, object);
  if ((node = json_object_get_member (object, "audio")) != NULL)
    audio = merge_audio (self, node, append_text);
  if ((node = json_object_get_member (object, "sample_rate")) != NULL)
    merge_sample_rate (self, node);
  if ((node = json_object_get_member (object, "actionSequence")) != NULL)
    merge_action_sequence (self, node);

  if (audio_out != NULL)
    *audio_out = g_steal_pointer (&audio);

  return merge_text (self, piece, append_text);
}

static GError *
bad_reply_error (const char *what,
                 const char *json,
                 gssize      length)
{
  g_autofree char *excerpt = playtest_text_excerpt (json, length, EXCERPT_MAX_CHARS);

  /* Translators: what is wrong with the reply, then the start of the reply in quotes */
  return g_error_new (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REPLY, _("%s: “%s”"),
                      what, excerpt != NULL ? excerpt : "");
}

/* The index of the quote that closes the JSON string opening at @open, or @length. */
static gsize
string_end (const char *json,
            gsize       length,
            gsize       open)
{
  gsize i = open + 1;

  while (i < length && json[i] != '"')
    i += json[i] == '\\' ? 2 : 1;

  return MIN (i, length);
}

static gsize
skip_space (const char *json,
            gsize       length,
            gsize       i)
{
  while (i < length && g_ascii_isspace (json[i]))
    i++;

  return i;
}

/* Where the value of the top-level member @key starts and ends, when that value is a plain
 * JSON string (no escapes, as base64 never has). A small scanner that only tracks nesting and
 * strings; anything it does not expect makes it give up, and the caller parses normally. */
static gboolean
find_plain_string_member (const char *json,
                          gsize       length,
                          const char *key,
                          gsize      *value_start,
                          gsize      *value_end)
{
  gsize key_length = strlen (key);
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      const char *quote;
      gsize close, colon, open;

      if (json[i] == '{' || json[i] == '[')
        depth++;
      else if (json[i] == '}' || json[i] == ']')
        depth--;
      if (json[i] != '"')
        continue;

      close = string_end (json, length, i);
      colon = skip_space (json, length, close + 1);
      if (close >= length || colon >= length)
        return FALSE;
      if (depth != 1 || json[colon] != ':' || close - i - 1 != key_length
          || memcmp (json + i + 1, key, key_length) != 0)
        {
          i = close;
          continue;
        }

      open = skip_space (json, length, colon + 1);
      if (open >= length || json[open] != '"')
        return FALSE;
      /* memchr, not a loop: this string is most of the reply. */
      quote = memchr (json + open + 1, '"', length - open - 1);
      if (quote == NULL || memchr (json + open + 1, '\\', quote - (json + open + 1)) != NULL)
        return FALSE;
      *value_start = open + 1;
      *value_end = quote - json;
      return TRUE;
    }

  return FALSE;
}

static gboolean
has_visible_bytes (const char *json,
                   gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (json[i]))
      return TRUE;
  return FALSE;
}

/* Parses a reply object. A voice reply is mostly one long base64 string, which json-glib
 * would scan, validate, hash and copy character by character; the string is cut out before
 * parsing (leaving `"audio": ""`) and its place returned in @audio_start and @audio_end,
 * which makes a voice turn several times cheaper. Any other shape of `audio` goes through
 * json-glib like the rest. */
static JsonObject *
parse_object_without_audio (const char  *json,
                            gsize        length,
                            JsonNode   **root_out,
                            gsize       *audio_start,
                            gsize       *audio_end,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *without_audio = NULL;
  gsize audio_length;
  JsonNode *root;

  *audio_start = *audio_end = 0;
  if (json == NULL || !has_visible_bytes (json, length))
    {
      g_set_error_literal (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REPLY,
                           _("The service sent an empty reply."));
      return NULL;
    }

  if (find_plain_string_member (json, length, "audio", audio_start, audio_end))
    {
      without_audio = g_malloc (length - (*audio_end - *audio_start));
      memcpy (without_audio, json, *audio_start);
      memcpy (without_audio + *audio_start, json + *audio_end, length - *audio_end);
    }
  audio_length = *audio_end - *audio_start;

  if (!json_parser_load_from_data (parser, without_audio != NULL ? without_audio : json,
                                   length - audio_length, NULL))
    {
      g_propagate_error (error, bad_reply_error (_("The service sent a reply that is not JSON"),
                                                 json, length));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error,
                         bad_reply_error (_("The service sent a reply that is not a JSON object"),
                                          json, length));
      return NULL;
    }

  *root_out = json_parser_steal_root (parser);
  return json_node_get_object (*root_out);
}

/**
 * playtest_reply_merge_json: (skip)
 * @self: a reply
 * @json: one JSON object, a whole reply or one streamed piece, not necessarily NUL-terminated
 * @length: its length in bytes
 * @append_text: whether `text` continues the reply (stream) or is the reply
 * @audio_out: (out) (optional) (nullable): the WAV file @json carried, if any
 * @error: %PLAYTEST_CLIENT_ERROR_BAD_REPLY when @json is empty, not JSON or not an object;
 *   %PLAYTEST_CLIENT_ERROR_NOT_FOUND when it is a `process_failure`
 *
 * Parses @json and merges it into @self like playtest_reply_merge_object().
 *
 * Returns: (transfer full) (nullable): the text this object added to the reply, or %NULL
 *   (check @error to tell a failure from an object without new text)
 */
char *
playtest_reply_merge_json (PlaytestReply  *self,
                           const char     *json,
                           gsize           length,
                           gboolean        append_text,
                           GBytes        **audio_out,
                           GError        **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) audio = NULL;
  gsize audio_start, audio_end;
  JsonObject *object;
  char *piece;

  object = parse_object_without_audio (json, length, &root, &audio_start, &audio_end, error);
  if (object == NULL)
    return NULL;

  if (playtest_client_error_object_is_process_failure (object))
    {
      g_autoptr(GBytes) body = g_bytes_new (json, length);

      g_propagate_error (error, playtest_client_error_new_for_status (200, "application/json",
                                                                      body, NULL));
      return NULL;
    }

  piece = playtest_reply_merge_object (self, object, append_text, &audio);
  if (audio_end > audio_start)
    audio = merge_audio_base64 (self, json + audio_start, audio_end - audio_start, append_text);

  if (audio_out != NULL)
    *audio_out = g_steal_pointer (&audio);
  return piece;
}

/**
 * playtest_reply_new_from_json:
 * @json: a whole reply body
 * @length: its length, or -1 if NUL-terminated
 * @error: return location for a #PLAYTEST_CLIENT_ERROR
 *
 * Parses a `getResponse` reply leniently: unknown fields are kept in the raw JSON, missing
 * fields are absent, fields of the wrong type become warnings. A body that is empty, not
 * JSON or not an object is a %PLAYTEST_CLIENT_ERROR_BAD_REPLY; a `process_failure` body
 * (which looks like a reply) is a %PLAYTEST_CLIENT_ERROR_NOT_FOUND.
 *
 * Returns: (transfer full): the reply, or %NULL with @error set
 */
PlaytestReply *
playtest_reply_new_from_json (const char  *json,
                              gssize       length,
                              GError     **error)
{
  g_autoptr(GBytes) body = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (json != NULL && length < 0)
    length = strlen (json);
  body = g_bytes_new (json, json != NULL ? length : 0);

  return playtest_reply_new_from_bytes (body, error);
}

/**
 * playtest_reply_new_from_bytes:
 * @body: a whole reply body
 * @error: return location for a #PLAYTEST_CLIENT_ERROR
 *
 * Like playtest_reply_new_from_json(), keeping a reference to @body as the raw JSON rather
 * than a copy: a voice reply is hundreds of kilobytes.
 *
 * Returns: (transfer full) (nullable): the reply, or %NULL with @error set
 */
PlaytestReply *
playtest_reply_new_from_bytes (GBytes  *body,
                               GError **error)
{
  g_autoptr(PlaytestReply) self = playtest_reply_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *piece = NULL;
  gsize length;
  const char *json;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  json = g_bytes_get_data (body, &length);
  piece = playtest_reply_merge_json (self, json, length, FALSE, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  self->raw_body = g_bytes_ref (body);

  return g_steal_pointer (&self);
}

/**
 * playtest_reply_set_raw_json: (skip)
 * @self: a reply
 * @raw_json: (nullable): the body as it arrived
 */
void
playtest_reply_set_raw_json (PlaytestReply *self,
                             const char    *raw_json)
{
  g_return_if_fail (PLAYTEST_IS_REPLY (self));

  g_clear_pointer (&self->raw_body, g_bytes_unref);
  g_free (self->raw_json);
  self->raw_json = g_strdup (raw_json);
}

/**
 * playtest_reply_set_streamed: (skip)
 * @self: a reply
 * @streamed: whether the reply arrived as a stream
 */
void
playtest_reply_set_streamed (PlaytestReply *self,
                             gboolean       streamed)
{
  g_return_if_fail (PLAYTEST_IS_REPLY (self));

  self->streamed = !!streamed;
}

/**
 * playtest_reply_get_timings_mut: (skip)
 * @self: a reply
 *
 * Returns: the timings, for the client to fill in
 */
PlaytestTimings *
playtest_reply_get_timings_mut (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return &self->timings;
}

/**
 * playtest_reply_get_text:
 * @self: a reply
 *
 * Returns: (nullable): the character's reply text (all pieces of a stream)
 */
const char *
playtest_reply_get_text (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->text != NULL ? self->text->str : NULL;
}

/**
 * playtest_reply_get_session_id:
 * @self: a reply
 *
 * Returns: (nullable): the `sessionID` to send with the next turn
 */
const char *
playtest_reply_get_session_id (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->session_id;
}

/**
 * playtest_reply_get_character_id:
 * @self: a reply
 *
 * Returns: (nullable): the `charID` the reply names
 */
const char *
playtest_reply_get_character_id (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->character_id;
}

/**
 * playtest_reply_get_emotion:
 * @self: a reply
 *
 * Returns: (nullable): the emotion as it arrived (a label such as `"joy"` or `"happy 2"`,
 *   or the JSON text of a structured value)
 */
const char *
playtest_reply_get_emotion (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->emotion;
}

/**
 * playtest_reply_get_action:
 * @self: a reply
 *
 * Returns: (nullable): the `action` of the reply
 */
const char *
playtest_reply_get_action (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->action;
}

/**
 * playtest_reply_get_actions:
 * @self: a reply
 *
 * Every action to show: the items of `actionSequence` if there are any, otherwise the
 * single `action`, otherwise none.
 *
 * Returns: (array zero-terminated=1) (transfer none): the actions; never %NULL
 */
const char * const *
playtest_reply_get_actions (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), empty_strv);

  if (self->action_sequence != NULL)
    return (const char * const *) self->action_sequence;
  if (self->action == NULL)
    return empty_strv;

  if (self->action_only == NULL)
    {
      self->action_only = g_new0 (char *, 2);
      self->action_only[0] = g_strdup (self->action);
    }

  return (const char * const *) self->action_only;
}

/**
 * playtest_reply_get_narrative_section_id:
 * @self: a reply
 *
 * Returns: (nullable): the narrative section the character is in after this turn
 */
const char *
playtest_reply_get_narrative_section_id (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->narrative_section_id;
}

/**
 * playtest_reply_get_user_query:
 * @self: a reply
 *
 * Returns: (nullable): what the service heard in voice input (`userQuery` or `UserQuery`)
 */
const char *
playtest_reply_get_user_query (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->user_query;
}

/**
 * playtest_reply_get_tag:
 * @self: a reply
 *
 * Returns: (nullable): the classification `tag`
 */
const char *
playtest_reply_get_tag (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->tag;
}

/**
 * playtest_reply_get_response:
 * @self: a reply
 *
 * Returns: (nullable): the Action API's `response`
 */
const char *
playtest_reply_get_response (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->response;
}

/**
 * playtest_reply_get_sample_rate_hint:
 * @self: a reply
 *
 * The `sample_rate` the reply claimed. The WAV header is what counts; see
 * playtest_reply_get_audio_info().
 *
 * Returns: the rate in Hz, or -1 if none was given
 */
int
playtest_reply_get_sample_rate_hint (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), -1);

  return self->sample_rate_hint;
}

/**
 * playtest_reply_get_audio:
 * @self: a reply
 *
 * The reply's voice as one WAV file. For a streamed reply, the audio chunks joined (those
 * whose format differs from the first are left out, with a warning).
 *
 * Returns: (transfer none) (nullable): the WAV file, or %NULL if the reply had no audio
 */
GBytes *
playtest_reply_get_audio (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  if (self->audio == NULL && self->audio_chunks->len > 0)
    {
      self->audio = playtest_wav_join (self->audio_chunks, NULL);
      if (self->audio != NULL && !playtest_wav_parse_bytes (self->audio, &self->audio_info, NULL))
        g_clear_pointer (&self->audio, g_bytes_unref);
    }

  return self->audio;
}

/**
 * playtest_reply_get_audio_info:
 * @self: a reply
 *
 * Returns: (nullable): what the header of playtest_reply_get_audio() says, or %NULL if
 *   there is no audio
 */
const PlaytestWavInfo *
playtest_reply_get_audio_info (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return playtest_reply_get_audio (self) != NULL ? &self->audio_info : NULL;
}

/**
 * playtest_reply_get_audio_chunks:
 * @self: a reply
 *
 * Returns: (transfer none) (element-type GBytes): every WAV file that arrived, in order
 *   (one for a whole reply, one per chunk for a stream)
 */
GPtrArray *
playtest_reply_get_audio_chunks (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return self->audio_chunks;
}

/**
 * playtest_reply_get_raw_json:
 * @self: a reply
 *
 * Returns: (nullable): the body exactly as it arrived, for the inspector
 */
const char *
playtest_reply_get_raw_json (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  if (self->raw_json == NULL && self->raw_body != NULL)
    {
      gsize length;
      const char *body = g_bytes_get_data (self->raw_body, &length);

      self->raw_json = g_strndup (body, length);
    }

  return self->raw_json;
}

/**
 * playtest_reply_get_warnings:
 * @self: a reply
 *
 * Returns: (array zero-terminated=1) (transfer none): problems with parts of the reply,
 *   in words for the user; never %NULL
 */
const char * const *
playtest_reply_get_warnings (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), empty_strv);

  if (self->warnings->len == 0)
    return empty_strv;

  return (const char * const *) self->warnings->pdata;
}

/**
 * playtest_reply_get_timings:
 * @self: a reply
 *
 * Returns: when the exchange started, first answered and ended
 */
const PlaytestTimings *
playtest_reply_get_timings (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), NULL);

  return &self->timings;
}

/**
 * playtest_reply_was_streamed:
 * @self: a reply
 *
 * Returns: whether the reply arrived as a stream of chunks
 */
gboolean
playtest_reply_was_streamed (PlaytestReply *self)
{
  g_return_val_if_fail (PLAYTEST_IS_REPLY (self), FALSE);

  return self->streamed;
}
