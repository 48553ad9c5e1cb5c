/* playtest-sse-parser.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-sse-parser.h"

/* Convai documents its stream only as server-sent events, and bodies have been seen both
 * as proper `data:` lines and as bare JSON objects glued together (`}\r\n{`, `}{`). The
 * parser therefore has two modes: SSE lines, and a brace counter that cuts complete JSON
 * objects out of the byte stream wherever a line starts with `{`. */
typedef enum
{
  MODE_LINE,
  MODE_JSON,
  MODE_BETWEEN_OBJECTS,
} Mode;

/* Just enough of a JSON scanner to find where an object ends: braces outside strings. */
typedef struct
{
  guint    depth;
  gboolean in_string;
  gboolean escaped;
} JsonScan;

struct _PlaytestSseParser
{
  PlaytestSseEventFunc func;
  gpointer             user_data;

  Mode                 mode;
  GString             *line;
  gboolean             after_cr;
  GString             *data;
  gboolean             has_data;
  GString             *object;
  JsonScan             scan;
};

/* Feeds @data to @scan until the top-level object closes. Returns how many bytes belong to
 * the object; sets @complete when its closing brace was among them. */
static gsize
json_scan_feed (JsonScan   *scan,
                const char *data,
                gsize       length,
                gboolean   *complete)
{
  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (scan->in_string)
        {
          if (scan->escaped)
            scan->escaped = FALSE;
          else if (c == '\\')
            scan->escaped = TRUE;
          else if (c == '"')
            scan->in_string = FALSE;
        }
      else if (c == '"')
        scan->in_string = TRUE;
      else if (c == '{')
        scan->depth++;
      else if (c == '}' && scan->depth > 0 && --scan->depth == 0)
        {
          *complete = TRUE;
          return i + 1;
        }
    }

  *complete = FALSE;
  return length;
}

static gboolean
is_separator (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',';
}

/* Delivers an event's payload. A payload made of several complete JSON objects (a `}{`
 * body inside one `data:` line) is delivered as one event per object; anything else as is. */
static void
deliver_payload (PlaytestSseParser *self,
                 const char        *payload,
                 gsize              length)
{
  g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func (g_free);
  gsize i = 0;

  while (i < length)
    {
      JsonScan scan = { 0 };
      gboolean complete = FALSE;
      gsize used;

      for (; i < length && is_separator (payload[i]); i++)
        ;
      if (i == length)
        break;
      if (payload[i] != '{')
        break;
      used = json_scan_feed (&scan, payload + i, length - i, &complete);
      if (!complete)
        break;
      g_ptr_array_add (pieces, g_strndup (payload + i, used));
      i += used;
    }

  if (i < length || pieces->len < 2)
    {
      g_autofree char *copy = g_strndup (payload, length);

      self->func (copy, length, self->user_data);
      return;
    }

  for (guint p = 0; p < pieces->len; p++)
    {
      const char *piece = g_ptr_array_index (pieces, p);

      self->func (piece, strlen (piece), self->user_data);
    }
}

static void
dispatch_event (PlaytestSseParser *self)
{
  /* A `data:` line with nothing after it carries no event worth a callback. */
  if (self->has_data && self->data->len > 0)
    deliver_payload (self, self->data->str, self->data->len);

  g_string_truncate (self->data, 0);
  self->has_data = FALSE;
}

/* Space, tab, or a byte of the UTF-8 byte order mark that may open a stream. */
static gboolean
is_blank_byte (char c)
{
  guchar u = c;

  return u == ' ' || u == '\t' || u == 0xEF || u == 0xBB || u == 0xBF;
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!is_blank_byte (text[i]))
      return FALSE;

  return TRUE;
}

static void
process_line (PlaytestSseParser *self,
              const char        *line,
              gsize              length)
{
  const char *colon;
  const char *value;

  if (length >= 3 && memcmp (line, "\xEF\xBB\xBF", 3) == 0)
    {
      line += 3;
      length -= 3;
    }

  if (is_blank (line, length))
    {
      dispatch_event (self);
      return;
    }

  if (line[0] == ':')
    return;

  /* Only `data` matters; `event`, `id`, `retry` and unknown fields are ignored. */
  colon = memchr (line, ':', length);
  if ((colon != NULL ? (gsize) (colon - line) : length) != 4 || memcmp (line, "data", 4) != 0)
    return;

  value = colon != NULL ? colon + 1 : line + length;
  if (value < line + length && *value == ' ')
    value++;

  if (self->has_data)
    g_string_append_c (self->data, '\n');
  g_string_append_len (self->data, value, line + length - value);
  self->has_data = TRUE;
}

static gsize
feed_line (PlaytestSseParser *self,
           const char        *data,
           gsize              length)
{
  gsize end;

  /* \r\n split across two reads is still one line end. */
  if (self->after_cr)
    {
      self->after_cr = FALSE;
      if (data[0] == '\n')
        return 1;
    }

  if (is_blank (self->line->str, self->line->len))
    {
      if (data[0] == '{')
        {
          /* A bare JSON object: whatever event was pending has ended. */
          dispatch_event (self);
          g_string_truncate (self->line, 0);
          self->mode = MODE_JSON;
          return 0;
        }
      if (is_blank_byte (data[0]))
        {
          g_string_append_c (self->line, data[0]);
          return 1;
        }
    }

  for (end = 0; end < length && data[end] != '\r' && data[end] != '\n'; end++)
    ;
  g_string_append_len (self->line, data, end);
  if (end == length)
    return length;

  process_line (self, self->line->str, self->line->len);
  g_string_truncate (self->line, 0);
  self->after_cr = data[end] == '\r';

  return end + 1;
}

static gsize
feed_json (PlaytestSseParser *self,
           const char        *data,
           gsize              length)
{
  gboolean complete = FALSE;
  gsize used = json_scan_feed (&self->scan, data, length, &complete);

  g_string_append_len (self->object, data, used);
  if (complete)
    {
      self->func (self->object->str, self->object->len, self->user_data);
      g_string_truncate (self->object, 0);
      memset (&self->scan, 0, sizeof self->scan);
      self->mode = MODE_BETWEEN_OBJECTS;
    }

  return used;
}

static gsize
feed_between_objects (PlaytestSseParser *self,
                      const char        *data,
                      gsize              length)
{
  gsize i;

  for (i = 0; i < length && is_separator (data[i]); i++)
    ;
  if (i < length)
    self->mode = data[i] == '{' ? MODE_JSON : MODE_LINE;

  return i;
}

/**
 * playtest_sse_parser_new:
 * @func: (scope notified): called for each complete event
 * @user_data: closure for @func
 *
 * Creates a parser for a streamed reply body: server-sent events (`data:` lines, with
 * `\n`, `\r\n` or `\r` line ends, comments and other fields ignored) as well as bare JSON
 * objects one after another. @func must not free the parser.
 *
 * Returns: (transfer full): a new parser
 */
PlaytestSseParser *
playtest_sse_parser_new (PlaytestSseEventFunc func,
                         gpointer             user_data)
{
  PlaytestSseParser *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (PlaytestSseParser, 1);
  self->func = func;
  self->user_data = user_data;
  self->mode = MODE_LINE;
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->object = g_string_new (NULL);

  return self;
}

/**
 * playtest_sse_parser_feed:
 * @self: a parser
 * @data: (array length=length): the next bytes of the body, split anywhere
 * @length: their length
 *
 * Parses @data, calling the event function for each event it completes.
 */
void
playtest_sse_parser_feed (PlaytestSseParser *self,
                          const char        *data,
                          gsize              length)
{
  gsize i = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || length == 0);

  while (i < length)
    {
      switch (self->mode)
        {
        case MODE_LINE:
          i += feed_line (self, data + i, length - i);
          break;
        case MODE_JSON:
          i += feed_json (self, data + i, length - i);
          break;
        case MODE_BETWEEN_OBJECTS:
          i += feed_between_objects (self, data + i, length - i);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/**
 * playtest_sse_parser_finish:
 * @self: a parser
 *
 * Ends the body: a last event without its closing blank line is delivered, and so is an
 * incomplete JSON object (as it is, so that the caller can report the truncation). The
 * parser is then ready for a new body.
 */
void
playtest_sse_parser_finish (PlaytestSseParser *self)
{
  g_return_if_fail (self != NULL);

  if (self->mode == MODE_JSON && self->object->len > 0)
    self->func (self->object->str, self->object->len, self->user_data);

  if (self->mode == MODE_LINE && self->line->len > 0)
    process_line (self, self->line->str, self->line->len);
  dispatch_event (self);

  g_string_truncate (self->line, 0);
  g_string_truncate (self->object, 0);
  memset (&self->scan, 0, sizeof self->scan);
  self->after_cr = FALSE;
  self->mode = MODE_LINE;
}

/**
 * playtest_sse_parser_free:
 * @self: (nullable): a parser
 *
 * Frees @self without delivering anything still pending.
 */
void
playtest_sse_parser_free (PlaytestSseParser *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->object, TRUE);
  g_free (self);
}
