/* playtest-turn.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "playtest-client-error.h"
#include "playtest-turn-private.h"
#include "playtest-wav.h"

/* Base64 strings at least this long under an `audio` key (or that start like a RIFF file)
 * are shortened in the inspector's JSON. */
#define AUDIO_SHORTEN_MIN_CHARS 64
#define AUDIO_PREFIX_CHARS      8
#define RAW_LINE_MAX_BYTES      4096
#define MAX_JSON_DEPTH          64

/* Restored timings are rebuilt from durations around this start (0 means "never"). */
#define RESTORED_REQUEST_START  1

struct _PlaytestTurn
{
  GObject            parent_instance;

  gint64             id;
  char              *conversation_id;
  char              *character_id;
  char              *session_id;
  GDateTime         *sent_at;
  PlaytestTurnState  state;

  char              *user_text;
  gboolean           voice;
  GBytes            *user_audio;
  char              *user_audio_path;
  guint              user_audio_duration_ms;

  char              *reply_text;
  char              *user_query;
  char              *emotion;
  char              *action;
  char             **actions;
  char              *narrative_section_id;
  GBytes            *reply_audio;
  char              *reply_audio_path;
  guint              reply_audio_duration_ms;
  char              *reply_json;
  char             **warnings;
  char              *request_description;

  PlaytestTimings    timings;
  gint64             first_byte_ms;
  gint64             first_audio_ms;
  gint64             latency_ms;

  GError            *error;
};

G_DEFINE_ENUM_TYPE (PlaytestTurnState, playtest_turn_state,
                    G_DEFINE_ENUM_VALUE (PLAYTEST_TURN_PENDING, "pending"),
                    G_DEFINE_ENUM_VALUE (PLAYTEST_TURN_STREAMING, "streaming"),
                    G_DEFINE_ENUM_VALUE (PLAYTEST_TURN_COMPLETE, "complete"),
                    G_DEFINE_ENUM_VALUE (PLAYTEST_TURN_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (PlaytestTurn, playtest_turn, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CHARACTER_ID,
  PROP_SESSION_ID,
  PROP_SENT_AT,
  PROP_STATE,
  PROP_USER_TEXT,
  PROP_VOICE,
  PROP_USER_AUDIO,
  PROP_USER_AUDIO_PATH,
  PROP_USER_AUDIO_DURATION_MS,
  PROP_REPLY_TEXT,
  PROP_USER_QUERY,
  PROP_EMOTION,
  PROP_ACTION,
  PROP_ACTIONS,
  PROP_NARRATIVE_SECTION_ID,
  PROP_REPLY_AUDIO,
  PROP_REPLY_AUDIO_PATH,
  PROP_REPLY_AUDIO_DURATION_MS,
  PROP_REPLY_JSON,
  PROP_WARNINGS,
  PROP_TIMINGS,
  PROP_LATENCY_MS,
  PROP_FIRST_AUDIO_MS,
  PROP_REQUEST_DESCRIPTION,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const empty_strv[] = { NULL };

/* Setters that notify only on change ------------------------------------------------------- */

static void
set_string (PlaytestTurn  *self,
            char         **field,
            const char    *value,
            guint          prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_strv (PlaytestTurn        *self,
          char              ***field,
          const char * const  *value,
          guint                prop_id)
{
  /* NULL and an empty list are the same to a view. */
  if (value != NULL && value[0] == NULL)
    value = NULL;
  if (*field == NULL && value == NULL)
    return;
  if (*field != NULL && value != NULL && g_strv_equal ((const char * const *) *field, value))
    return;

  g_strfreev (*field);
  *field = g_strdupv ((char **) value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_bytes (PlaytestTurn  *self,
           GBytes       **field,
           GBytes        *value,
           guint          prop_id)
{
  if (*field == value)
    return;

  g_clear_pointer (field, g_bytes_unref);
  *field = value != NULL ? g_bytes_ref (value) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_uint (PlaytestTurn *self,
          guint        *field,
          guint         value,
          guint         prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_int64 (PlaytestTurn *self,
           gint64       *field,
           gint64        value,
           guint         prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_state (PlaytestTurn      *self,
           PlaytestTurnState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error (PlaytestTurn *self,
           GError       *error)
{
  if (self->error == NULL && error == NULL)
    return;

  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* Milliseconds from the request's start to @when, or -1 when either never happened. */
static gint64
timing_ms (const PlaytestTimings *timings,
           gint64                 when)
{
  if (timings->request_start == 0 || when == 0)
    return -1;

  return MAX (when - timings->request_start, 0) / 1000;
}

/* The inspector's view of a reply ---------------------------------------------------------- */

static gboolean
looks_like_audio (const char *member_name,
                  const char *value)
{
  gsize length = strlen (value);

  if (length < AUDIO_SHORTEN_MIN_CHARS)
    return FALSE;

  /* "UklGR" is "RIFF" in base64: a WAV file wherever it sits. */
  return g_strcmp0 (member_name, "audio") == 0 || g_str_has_prefix (value, "UklGR");
}

static char *
describe_audio (const char *base64)
{
  gulong length = strlen (base64);
  gulong kb = (length + 1023) / 1024;

  /* Sizes through %lu, not G_GSIZE_FORMAT: xgettext would cut the msgid at the macro. */
  if (length < 1024)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         /* Translators: the start of the audio, then its size */
                                         "%.*s… (%lu byte of base64 audio)",
                                         "%.*s… (%lu bytes of base64 audio)", length),
                            AUDIO_PREFIX_CHARS, base64, length);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       /* Translators: the start of the audio, then its size */
                                       "%.*s… (%lu KB of base64 audio)",
                                       "%.*s… (%lu KB of base64 audio)", kb),
                          AUDIO_PREFIX_CHARS, base64, kb);
}

static void shorten_audio (JsonNode   *node,
                           const char *member_name,
                           guint       depth);

static void
shorten_member_cb (JsonObject  *object,
                   const char  *member_name,
                   JsonNode    *member_node,
                   gpointer     user_data)
{
  shorten_audio (member_node, member_name, GPOINTER_TO_UINT (user_data));
}

static void
shorten_element_cb (JsonArray *array,
                    guint      index,
                    JsonNode  *element_node,
                    gpointer   user_data)
{
  shorten_audio (element_node, NULL, GPOINTER_TO_UINT (user_data));
}

/* Replaces base64 audio strings in place; the nodes come from a mutable parser. */
static void
shorten_audio (JsonNode   *node,
               const char *member_name,
               guint       depth)
{
  if (depth > MAX_JSON_DEPTH)
    return;

  if (JSON_NODE_HOLDS_OBJECT (node))
    json_object_foreach_member (json_node_get_object (node), shorten_member_cb,
                                GUINT_TO_POINTER (depth + 1));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    json_array_foreach_element (json_node_get_array (node), shorten_element_cb,
                                GUINT_TO_POINTER (depth + 1));
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           && looks_like_audio (member_name, json_node_get_string (node)))
    {
      g_autofree char *short_audio = describe_audio (json_node_get_string (node));

      json_node_set_string (node, short_audio);
    }
}

static void
append_display_line (GString    *out,
                     const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *pretty = NULL;
  gsize length = strlen (line);

  if (out->len > 0)
    g_string_append_c (out, '\n');

  if (!json_parser_load_from_data (parser, line, length, NULL))
    {
      /* Not JSON: show it as it came, but not a megabyte of it. */
      if (length > RAW_LINE_MAX_BYTES)
        {
          g_autofree char *head = g_utf8_make_valid (line, RAW_LINE_MAX_BYTES);

          g_string_append_printf (out,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               /* Translators: the start of a line, then its size */
                                               "%s… (%lu byte in all)",
                                               "%s… (%lu bytes in all)", length),
                                  head, (gulong) length);
        }
      else
        {
          g_autofree char *valid = g_utf8_make_valid (line, length);

          g_string_append (out, valid);
        }
      return;
    }

  shorten_audio (json_parser_get_root (parser), NULL, 0);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, json_parser_get_root (parser));
  pretty = json_generator_to_data (generator, NULL);
  g_string_append (out, pretty);
}

/* The raw reply JSON pretty-printed with base64 audio shortened. A streamed reply's raw JSON
 * is one object per line (the events as they came); each is shown on its own. */
static char *
dup_display_json (const char *raw_json)
{
  g_auto(GStrv) lines = NULL;
  GString *out;

  if (raw_json == NULL)
    return NULL;

  out = g_string_new (NULL);
  lines = g_strsplit (raw_json, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line != '\0')
        append_display_line (out, line);
    }

  return g_string_free (out, FALSE);
}

/* The request as the inspector shows it: the form's fields in the order they are sent, the
 * audio by its size, and the key header masked. The key itself never reaches the turn. */
static char *
describe_request (PlaytestTurnRequest *request)
{
  g_autoptr(SoupMultipart) multipart = playtest_turn_request_build_multipart (request, TRUE);
  GString *out = g_string_new ("POST /character/getResponse\n");

  g_string_append (out, "CONVAI-API-KEY: ••••••\n");
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      g_autoptr(GHashTable) params = NULL;
      SoupMessageHeaders *headers;
      const char *name;
      const char *filename;
      GBytes *body;
      gsize size;
      const char *data;

      if (!soup_multipart_get_part (multipart, i, &headers, &body)
          || !soup_message_headers_get_content_disposition (headers, NULL, &params))
        continue;

      name = g_hash_table_lookup (params, "name");
      filename = g_hash_table_lookup (params, "filename");
      data = g_bytes_get_data (body, &size);
      if (filename != NULL)
        g_string_append_printf (out, "%s: %s, %" G_GSIZE_FORMAT " bytes\n", name, filename, size);
      else
        g_string_append_printf (out, "%s: %.*s\n", name, (int) size, data);
    }

  return g_string_free (out, FALSE);
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_turn_finalize (GObject *object)
{
  PlaytestTurn *self = (PlaytestTurn *) object;

  g_clear_pointer (&self->conversation_id, g_free);
  g_clear_pointer (&self->character_id, g_free);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_pointer (&self->sent_at, g_date_time_unref);
  g_clear_pointer (&self->user_text, g_free);
  g_clear_pointer (&self->user_audio, g_bytes_unref);
  g_clear_pointer (&self->user_audio_path, g_free);
  g_clear_pointer (&self->reply_text, g_free);
  g_clear_pointer (&self->user_query, g_free);
  g_clear_pointer (&self->emotion, g_free);
  g_clear_pointer (&self->action, g_free);
  g_clear_pointer (&self->actions, g_strfreev);
  g_clear_pointer (&self->narrative_section_id, g_free);
  g_clear_pointer (&self->reply_audio, g_bytes_unref);
  g_clear_pointer (&self->reply_audio_path, g_free);
  g_clear_pointer (&self->reply_json, g_free);
  g_clear_pointer (&self->warnings, g_strfreev);
  g_clear_pointer (&self->request_description, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (playtest_turn_parent_class)->finalize (object);
}

static void
get_string_property (PlaytestTurn *self,
                     guint         prop_id,
                     GValue       *value)
{
  const char *string = NULL;

  switch (prop_id)
    {
    case PROP_CHARACTER_ID:         string = self->character_id; break;
    case PROP_SESSION_ID:           string = self->session_id; break;
    case PROP_USER_TEXT:            string = self->user_text; break;
    case PROP_USER_AUDIO_PATH:      string = self->user_audio_path; break;
    case PROP_REPLY_TEXT:           string = self->reply_text; break;
    case PROP_USER_QUERY:           string = self->user_query; break;
    case PROP_EMOTION:              string = self->emotion; break;
    case PROP_ACTION:               string = self->action; break;
    case PROP_NARRATIVE_SECTION_ID: string = self->narrative_section_id; break;
    case PROP_REPLY_AUDIO_PATH:     string = self->reply_audio_path; break;
    case PROP_REPLY_JSON:           string = self->reply_json; break;
    case PROP_REQUEST_DESCRIPTION:  string = self->request_description; break;
    default:                        g_assert_not_reached ();
    }

  g_value_set_string (value, string);
}

static void
playtest_turn_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PlaytestTurn *self = PLAYTEST_TURN (object);

  switch (prop_id)
    {
    case PROP_ID:                      g_value_set_int64 (value, self->id); break;
    case PROP_SENT_AT:                 g_value_set_boxed (value, self->sent_at); break;
    case PROP_STATE:                   g_value_set_enum (value, self->state); break;
    case PROP_VOICE:                   g_value_set_boolean (value, self->voice); break;
    case PROP_USER_AUDIO:              g_value_set_boxed (value, self->user_audio); break;
    case PROP_USER_AUDIO_DURATION_MS:  g_value_set_uint (value, self->user_audio_duration_ms);
                                       break;
    case PROP_ACTIONS:                 g_value_set_boxed (value, self->actions); break;
    case PROP_REPLY_AUDIO:             g_value_set_boxed (value, self->reply_audio); break;
    case PROP_REPLY_AUDIO_DURATION_MS: g_value_set_uint (value, self->reply_audio_duration_ms);
                                       break;
    case PROP_WARNINGS:                g_value_set_boxed (value, self->warnings); break;
    case PROP_TIMINGS:                 g_value_set_pointer (value, &self->timings); break;
    case PROP_LATENCY_MS:              g_value_set_int64 (value, self->latency_ms); break;
    case PROP_FIRST_AUDIO_MS:          g_value_set_int64 (value, self->first_audio_ms); break;
    case PROP_ERROR:                   g_value_set_boxed (value, self->error); break;

    case PROP_CHARACTER_ID:
    case PROP_SESSION_ID:
    case PROP_USER_TEXT:
    case PROP_USER_AUDIO_PATH:
    case PROP_REPLY_TEXT:
    case PROP_USER_QUERY:
    case PROP_EMOTION:
    case PROP_ACTION:
    case PROP_NARRATIVE_SECTION_ID:
    case PROP_REPLY_AUDIO_PATH:
    case PROP_REPLY_JSON:
    case PROP_REQUEST_DESCRIPTION:
      get_string_property (self, prop_id, value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_turn_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PlaytestTurn *self = PLAYTEST_TURN (object);

  switch (prop_id)
    {
    case PROP_ID:
      playtest_turn_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_CHARACTER_ID:
      self->character_id = g_value_dup_string (value);
      break;

    case PROP_SESSION_ID:
      playtest_turn_set_session_id (self, g_value_get_string (value));
      break;

    case PROP_USER_TEXT:
      self->user_text = g_value_dup_string (value);
      break;

    case PROP_USER_AUDIO:
      self->user_audio = g_value_dup_boxed (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_turn_constructed (GObject *object)
{
  PlaytestTurn *self = PLAYTEST_TURN (object);

  G_OBJECT_CLASS (playtest_turn_parent_class)->constructed (object);

  if (self->user_text == NULL)
    self->user_text = g_strdup ("");
  self->voice = self->user_audio != NULL;
  self->sent_at = g_date_time_new_now_local ();

  if (self->user_audio != NULL)
    {
      PlaytestWavInfo info;

      if (playtest_wav_parse_bytes (self->user_audio, &info, NULL))
        self->user_audio_duration_ms = playtest_wav_info_get_duration_ms (&info);
    }
}

static GParamSpec *
string_pspec (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boxed_pspec (const char *name,
             GType       type)
{
  return g_param_spec_boxed (name, NULL, NULL, type,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
duration_pspec (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT, 0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
ms_pspec (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, -1, G_MAXINT64, -1,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
install_construct_properties (void)
{
  const GParamFlags construct_only = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                     G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  /* The history store's id for the turn; 0 until it is stored. */
  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHARACTER_ID] =
    g_param_spec_string ("character-id", NULL, NULL, NULL, construct_only);
  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_TEXT] =
    g_param_spec_string ("user-text", NULL, NULL, NULL, construct_only);
  properties[PROP_USER_AUDIO] =
    g_param_spec_boxed ("user-audio", NULL, NULL, G_TYPE_BYTES,
                        construct_only);
}

static void
playtest_turn_class_init (PlaytestTurnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = playtest_turn_finalize;
  object_class->constructed = playtest_turn_constructed;
  object_class->get_property = playtest_turn_get_property;
  object_class->set_property = playtest_turn_set_property;

  install_construct_properties ();
  properties[PROP_SENT_AT] = boxed_pspec ("sent-at", G_TYPE_DATE_TIME);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, PLAYTEST_TYPE_TURN_STATE, PLAYTEST_TURN_PENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VOICE] =
    g_param_spec_boolean ("voice", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER_AUDIO_PATH] = string_pspec ("user-audio-path");
  properties[PROP_USER_AUDIO_DURATION_MS] = duration_pspec ("user-audio-duration-ms");
  properties[PROP_REPLY_TEXT] = string_pspec ("reply-text");
  properties[PROP_USER_QUERY] = string_pspec ("user-query");
  properties[PROP_EMOTION] = string_pspec ("emotion");
  properties[PROP_ACTION] = string_pspec ("action");
  properties[PROP_ACTIONS] = boxed_pspec ("actions", G_TYPE_STRV);
  properties[PROP_NARRATIVE_SECTION_ID] = string_pspec ("narrative-section-id");
  properties[PROP_REPLY_AUDIO] = boxed_pspec ("reply-audio", G_TYPE_BYTES);
  properties[PROP_REPLY_AUDIO_PATH] = string_pspec ("reply-audio-path");
  properties[PROP_REPLY_AUDIO_DURATION_MS] = duration_pspec ("reply-audio-duration-ms");
  properties[PROP_REPLY_JSON] = string_pspec ("reply-json");
  properties[PROP_WARNINGS] = boxed_pspec ("warnings", G_TYPE_STRV);
  /* A PlaytestTimings owned by the turn; notified together with latency-ms. */
  properties[PROP_TIMINGS] =
    g_param_spec_pointer ("timings", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LATENCY_MS] = ms_pspec ("latency-ms");
  properties[PROP_FIRST_AUDIO_MS] = ms_pspec ("first-audio-ms");
  properties[PROP_REQUEST_DESCRIPTION] = string_pspec ("request-description");
  properties[PROP_ERROR] = boxed_pspec ("error", G_TYPE_ERROR);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
playtest_turn_init (PlaytestTurn *self)
{
  self->state = PLAYTEST_TURN_PENDING;
  self->first_byte_ms = -1;
  self->first_audio_ms = -1;
  self->latency_ms = -1;
}

/* Construction ----------------------------------------------------------------------------- */

/**
 * playtest_turn_new:
 * @character_id: who the line is for
 * @user_text: what the user typed
 *
 * Creates a pending typed turn, sent now.
 *
 * Returns: (transfer full): a new #PlaytestTurn
 */
PlaytestTurn *
playtest_turn_new (const char *character_id,
                   const char *user_text)
{
  g_return_val_if_fail (character_id != NULL, NULL);
  g_return_val_if_fail (user_text != NULL, NULL);

  return g_object_new (PLAYTEST_TYPE_TURN,
                       "character-id", character_id,
                       "user-text", user_text,
                       NULL);
}

/**
 * playtest_turn_new_for_audio:
 * @character_id: who the line is for
 * @wav: what the user said, a WAV file
 *
 * Creates a pending spoken turn. Its user text is empty (the service's transcript arrives
 * as the user query); its audio duration comes from the WAV header.
 *
 * Returns: (transfer full): a new #PlaytestTurn
 */
PlaytestTurn *
playtest_turn_new_for_audio (const char *character_id,
                             GBytes     *wav)
{
  g_return_val_if_fail (character_id != NULL, NULL);
  g_return_val_if_fail (wav != NULL, NULL);

  return g_object_new (PLAYTEST_TYPE_TURN,
                       "character-id", character_id,
                       "user-audio", wav,
                       NULL);
}

/* Getters ---------------------------------------------------------------------------------- */

/**
 * playtest_turn_get_id:
 * @self: a #PlaytestTurn
 *
 * Returns: the history store's id for the turn, or 0 if it has not been stored
 */
gint64
playtest_turn_get_id (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), 0);

  return self->id;
}

/**
 * playtest_turn_set_id:
 * @self: a #PlaytestTurn
 * @id: the history store's id for the turn
 *
 * Set by the history store when it first stores the turn.
 */
void
playtest_turn_set_id (PlaytestTurn *self,
                      gint64        id)
{
  g_return_if_fail (PLAYTEST_IS_TURN (self));

  set_int64 (self, &self->id, id, PROP_ID);
}

/**
 * playtest_turn_get_character_id:
 * @self: a #PlaytestTurn
 *
 * Returns: who the line was for
 */
const char *
playtest_turn_get_character_id (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->character_id;
}

/**
 * playtest_turn_get_session_id:
 * @self: a #PlaytestTurn
 *
 * The session the turn was sent in, replaced by the one its reply carried.
 *
 * Returns: (nullable): the service's session id, or %NULL for the first turn of a new
 *   session before its reply arrived
 */
const char *
playtest_turn_get_session_id (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->session_id;
}

/**
 * playtest_turn_set_session_id:
 * @self: a #PlaytestTurn
 * @session_id: (nullable): the session to send the turn in; %NULL starts a new one
 *
 * Sets the session id the next playtest_turn_build_request() uses.
 */
void
playtest_turn_set_session_id (PlaytestTurn *self,
                              const char   *session_id)
{
  g_return_if_fail (PLAYTEST_IS_TURN (self));

  set_string (self, &self->session_id, session_id, PROP_SESSION_ID);
}

/**
 * playtest_turn_get_sent_at:
 * @self: a #PlaytestTurn
 *
 * Returns: (transfer none): when the user said it, local time
 */
GDateTime *
playtest_turn_get_sent_at (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->sent_at;
}

/**
 * playtest_turn_get_state:
 * @self: a #PlaytestTurn
 *
 * Returns: where the turn is in its life
 */
PlaytestTurnState
playtest_turn_get_state (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), PLAYTEST_TURN_PENDING);

  return self->state;
}

/**
 * playtest_turn_get_user_text:
 * @self: a #PlaytestTurn
 *
 * Returns: what the user typed; empty for a spoken turn (see
 *   playtest_turn_get_user_query() for the service's transcript)
 */
const char *
playtest_turn_get_user_text (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->user_text;
}

/**
 * playtest_turn_is_voice:
 * @self: a #PlaytestTurn
 *
 * Returns: whether the user spoke rather than typed
 */
gboolean
playtest_turn_is_voice (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), FALSE);

  return self->voice;
}

/**
 * playtest_turn_get_user_audio:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable) (transfer none): the user's recording while it is in memory; %NULL
 *   once the history store wrote it out (see playtest_turn_get_user_audio_path())
 */
GBytes *
playtest_turn_get_user_audio (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->user_audio;
}

/**
 * playtest_turn_get_user_audio_path:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable) (type filename): where the history store keeps the recording
 */
const char *
playtest_turn_get_user_audio_path (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->user_audio_path;
}

/**
 * playtest_turn_get_user_audio_duration_ms:
 * @self: a #PlaytestTurn
 *
 * Returns: the length of the user's recording, or 0
 */
guint
playtest_turn_get_user_audio_duration_ms (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), 0);

  return self->user_audio_duration_ms;
}

/**
 * playtest_turn_get_reply_text:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable): the character's words; while streaming, what arrived so far
 */
const char *
playtest_turn_get_reply_text (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->reply_text;
}

/**
 * playtest_turn_get_user_query:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable): what the service understood the user said (its transcript of a
 *   spoken turn)
 */
const char *
playtest_turn_get_user_query (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->user_query;
}

/**
 * playtest_turn_get_emotion:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable): the character's emotion after this turn, as the service said it
 */
const char *
playtest_turn_get_emotion (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->emotion;
}

/**
 * playtest_turn_get_action:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable): the action the reply named
 */
const char *
playtest_turn_get_action (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->action;
}

/**
 * playtest_turn_get_actions:
 * @self: a #PlaytestTurn
 *
 * Returns: (transfer none) (array zero-terminated=1): the reply's action sequence; empty,
 *   never %NULL, when there was none
 */
const char * const *
playtest_turn_get_actions (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), empty_strv);

  return self->actions != NULL ? (const char * const *) self->actions : empty_strv;
}

/**
 * playtest_turn_get_narrative_section_id:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable): the narrative section the character is in after this turn
 */
const char *
playtest_turn_get_narrative_section_id (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->narrative_section_id;
}

/**
 * playtest_turn_get_reply_audio:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable) (transfer none): the reply's voice as one WAV while it is in memory;
 *   %NULL when there was none or once the history store wrote it out
 */
GBytes *
playtest_turn_get_reply_audio (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->reply_audio;
}

/**
 * playtest_turn_get_reply_audio_path:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable) (type filename): where the history store keeps the reply's voice
 */
const char *
playtest_turn_get_reply_audio_path (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->reply_audio_path;
}

/**
 * playtest_turn_get_reply_audio_duration_ms:
 * @self: a #PlaytestTurn
 *
 * Returns: the length of the reply's voice, or 0
 */
guint
playtest_turn_get_reply_audio_duration_ms (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), 0);

  return self->reply_audio_duration_ms;
}

/**
 * playtest_turn_get_reply_json:
 * @self: a #PlaytestTurn
 *
 * The reply as the inspector shows it: the raw JSON pretty-printed, one object after the
 * other for a stream, with base64 audio shortened to a few characters and its size.
 *
 * Returns: (nullable): the reply's JSON for display
 */
const char *
playtest_turn_get_reply_json (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->reply_json;
}

/**
 * playtest_turn_get_warnings:
 * @self: a #PlaytestTurn
 *
 * Returns: (transfer none) (array zero-terminated=1): what was odd about the reply (fields
 *   of the wrong type, unusable audio); empty, never %NULL, when nothing was
 */
const char * const *
playtest_turn_get_warnings (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), empty_strv);

  return self->warnings != NULL ? (const char * const *) self->warnings : empty_strv;
}

/**
 * playtest_turn_get_timings:
 * @self: a #PlaytestTurn
 *
 * Monotonic timings of the exchange. For a turn restored from the history store they are
 * rebuilt from its durations: only differences mean anything.
 *
 * Returns: (transfer none): the timings; all 0 before a reply
 */
const PlaytestTimings *
playtest_turn_get_timings (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return &self->timings;
}

/**
 * playtest_turn_get_latency_ms:
 * @self: a #PlaytestTurn
 *
 * Returns: milliseconds from the request to the whole reply, or -1 if unknown
 */
gint64
playtest_turn_get_latency_ms (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), -1);

  return self->latency_ms;
}

/**
 * playtest_turn_get_first_audio_ms:
 * @self: a #PlaytestTurn
 *
 * Returns: milliseconds from the request to the first playable audio, or -1 if unknown
 */
gint64
playtest_turn_get_first_audio_ms (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), -1);

  return self->first_audio_ms;
}

/**
 * playtest_turn_get_request_description:
 * @self: a #PlaytestTurn
 *
 * The request as the inspector shows it: the form fields in the order they were sent, the
 * audio file by its size, and the key header masked (never the key).
 *
 * Returns: (nullable): the description, once the turn was sent
 */
const char *
playtest_turn_get_request_description (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->request_description;
}

/**
 * playtest_turn_get_error:
 * @self: a #PlaytestTurn
 *
 * Returns: (nullable): why the turn failed, a #PLAYTEST_CLIENT_ERROR error; %NULL unless
 *   the state is %PLAYTEST_TURN_FAILED
 */
const GError *
playtest_turn_get_error (PlaytestTurn *self)
{
  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  return self->error;
}

/* The turn's life -------------------------------------------------------------------------- */

/* The recording to send: in memory, or read back from the store's file for a retry of a
 * turn whose audio was released or restored. */
static GBytes *
dup_user_audio (PlaytestTurn *self)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (self->user_audio != NULL)
    return g_bytes_ref (self->user_audio);
  if (self->user_audio_path == NULL
      || !g_file_get_contents (self->user_audio_path, &contents, &length, NULL))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/**
 * playtest_turn_build_request:
 * @self: a #PlaytestTurn
 * @voice_response: whether to ask for a spoken reply
 * @stream: whether to ask for a streamed reply
 *
 * Makes the request that sends this turn, in the turn's session (a new one when it has no
 * session id), and keeps its description for the inspector. While a streamed reply
 * arrives, the caller connects the request's `text-piece` to playtest_turn_append_text().
 *
 * Returns: (transfer full) (nullable): the request, or %NULL for a spoken turn whose
 *   recording is no longer available
 */
PlaytestTurnRequest *
playtest_turn_build_request (PlaytestTurn *self,
                             gboolean      voice_response,
                             gboolean      stream)
{
  const char *session_id;
  g_autoptr(PlaytestTurnRequest) request = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (PLAYTEST_IS_TURN (self), NULL);

  session_id = self->session_id != NULL ? self->session_id : PLAYTEST_NEW_SESSION_ID;
  if (self->voice)
    {
      g_autoptr(GBytes) wav = dup_user_audio (self);

      if (wav == NULL)
        return NULL;
      request = playtest_turn_request_new_for_audio (self->character_id, session_id, wav);
    }
  else
    {
      request = playtest_turn_request_new (self->character_id, session_id, self->user_text);
    }

  playtest_turn_request_set_voice_response (request, voice_response);
  playtest_turn_request_set_stream (request, stream);

  description = describe_request (request);
  set_string (self, &self->request_description, description, PROP_REQUEST_DESCRIPTION);

  return g_steal_pointer (&request);
}

static void
clear_reply (PlaytestTurn *self)
{
  set_string (self, &self->reply_text, NULL, PROP_REPLY_TEXT);
  set_string (self, &self->user_query, NULL, PROP_USER_QUERY);
  set_string (self, &self->emotion, NULL, PROP_EMOTION);
  set_string (self, &self->action, NULL, PROP_ACTION);
  set_strv (self, &self->actions, NULL, PROP_ACTIONS);
  set_string (self, &self->narrative_section_id, NULL, PROP_NARRATIVE_SECTION_ID);
  set_bytes (self, &self->reply_audio, NULL, PROP_REPLY_AUDIO);
  set_uint (self, &self->reply_audio_duration_ms, 0, PROP_REPLY_AUDIO_DURATION_MS);
  set_string (self, &self->reply_json, NULL, PROP_REPLY_JSON);
  set_strv (self, &self->warnings, NULL, PROP_WARNINGS);
}

static void
set_timings (PlaytestTurn          *self,
             const PlaytestTimings *timings)
{
  static const PlaytestTimings none = { 0, };

  if (timings == NULL)
    timings = &none;

  self->timings = *timings;
  self->first_byte_ms = timing_ms (timings, timings->first_byte);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMINGS]);
  set_int64 (self, &self->first_audio_ms, timing_ms (timings, timings->first_audio),
             PROP_FIRST_AUDIO_MS);
  set_int64 (self, &self->latency_ms, timing_ms (timings, timings->complete),
             PROP_LATENCY_MS);
}

/**
 * playtest_turn_mark_pending:
 * @self: a #PlaytestTurn that is pending or failed
 *
 * Makes a failed turn pending again, for Retry: the error and whatever part of a reply had
 * arrived are cleared; what the user said stays.
 */
void
playtest_turn_mark_pending (PlaytestTurn *self)
{
  g_return_if_fail (PLAYTEST_IS_TURN (self));
  g_return_if_fail (self->state != PLAYTEST_TURN_COMPLETE);

  set_error (self, NULL);
  clear_reply (self);
  if (self->timings.request_start != 0)
    set_timings (self, NULL);
  set_state (self, PLAYTEST_TURN_PENDING);
}

/**
 * playtest_turn_append_text:
 * @self: a #PlaytestTurn being sent
 * @piece: a new piece of the streamed reply's text
 *
 * Grows the reply text as a streamed reply arrives; the turn becomes
 * %PLAYTEST_TURN_STREAMING.
 */
void
playtest_turn_append_text (PlaytestTurn *self,
                           const char   *piece)
{
  g_return_if_fail (PLAYTEST_IS_TURN (self));

  if (self->state != PLAYTEST_TURN_PENDING && self->state != PLAYTEST_TURN_STREAMING)
    return;

  /* The state first: a view that shows streaming text finds it streaming. */
  set_state (self, PLAYTEST_TURN_STREAMING);

  if (piece != NULL && *piece != '\0')
    {
      char *text = g_strconcat (self->reply_text != NULL ? self->reply_text : "", piece, NULL);

      g_free (self->reply_text);
      self->reply_text = text;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_TEXT]);
    }
}

static void
take_reply_audio (PlaytestTurn  *self,
                  PlaytestReply *reply)
{
  GBytes *audio = playtest_reply_get_audio (reply);
  const PlaytestWavInfo *info = playtest_reply_get_audio_info (reply);

  set_bytes (self, &self->reply_audio, audio, PROP_REPLY_AUDIO);
  set_uint (self, &self->reply_audio_duration_ms,
            info != NULL ? playtest_wav_info_get_duration_ms (info) : 0,
            PROP_REPLY_AUDIO_DURATION_MS);
}

/**
 * playtest_turn_complete:
 * @self: a #PlaytestTurn being sent
 * @reply: the reply
 *
 * Fills the turn from @reply: every field is copied, so the turn does not keep the reply.
 * The session id becomes the reply's, when it carried one. The state changes last, so a
 * view that reacts to it finds everything else in place.
 */
void
playtest_turn_complete (PlaytestTurn  *self,
                        PlaytestReply *reply)
{
  g_autofree char *display_json = NULL;

  g_return_if_fail (PLAYTEST_IS_TURN (self));
  g_return_if_fail (PLAYTEST_IS_REPLY (reply));

  display_json = dup_display_json (playtest_reply_get_raw_json (reply));

  set_string (self, &self->reply_text, playtest_reply_get_text (reply), PROP_REPLY_TEXT);
  set_string (self, &self->user_query, playtest_reply_get_user_query (reply), PROP_USER_QUERY);
  set_string (self, &self->emotion, playtest_reply_get_emotion (reply), PROP_EMOTION);
  set_string (self, &self->action, playtest_reply_get_action (reply), PROP_ACTION);
  set_strv (self, &self->actions, playtest_reply_get_actions (reply), PROP_ACTIONS);
  set_string (self, &self->narrative_section_id,
              playtest_reply_get_narrative_section_id (reply), PROP_NARRATIVE_SECTION_ID);
  take_reply_audio (self, reply);
  set_string (self, &self->reply_json, display_json, PROP_REPLY_JSON);
  set_strv (self, &self->warnings, playtest_reply_get_warnings (reply), PROP_WARNINGS);
  set_timings (self, playtest_reply_get_timings (reply));
  if (playtest_reply_get_session_id (reply) != NULL)
    playtest_turn_set_session_id (self, playtest_reply_get_session_id (reply));
  set_error (self, NULL);

  set_state (self, PLAYTEST_TURN_COMPLETE);
}

/* Every error a turn keeps is in PLAYTEST_CLIENT_ERROR, so that the store can save its code;
 * the client's errors are already, anything else is mapped to the nearest code. */
static GError *
copy_client_error (const GError *error)
{
  PlaytestClientError code;

  if (error->domain == PLAYTEST_CLIENT_ERROR)
    return g_error_copy (error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_CANCELLED,
                                _("Cancelled"));

  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR
      || error->domain == G_TLS_ERROR)
    code = PLAYTEST_CLIENT_ERROR_NETWORK;
  else
    code = PLAYTEST_CLIENT_ERROR_INVALID_INPUT;

  return g_error_new_literal (PLAYTEST_CLIENT_ERROR, code, error->message);
}

/**
 * playtest_turn_fail:
 * @self: a #PlaytestTurn being sent
 * @error: why it failed
 *
 * Marks the turn failed, keeping a copy of @error (errors of other domains than
 * #PLAYTEST_CLIENT_ERROR are mapped to it). What the user said stays, for Retry.
 */
void
playtest_turn_fail (PlaytestTurn *self,
                    const GError *error)
{
  g_return_if_fail (PLAYTEST_IS_TURN (self));
  g_return_if_fail (error != NULL);

  set_error (self, copy_client_error (error));
  set_state (self, PLAYTEST_TURN_FAILED);
}

/* Audio files ------------------------------------------------------------------------------ */

/**
 * playtest_turn_set_audio_paths:
 * @self: a #PlaytestTurn
 * @user_audio_path: (nullable) (type filename): where the user's recording was written
 * @reply_audio_path: (nullable) (type filename): where the reply's voice was written
 *
 * Called by the history store once the audio is on disk.
 */
void
playtest_turn_set_audio_paths (PlaytestTurn *self,
                               const char   *user_audio_path,
                               const char   *reply_audio_path)
{
  g_return_if_fail (PLAYTEST_IS_TURN (self));

  set_string (self, &self->user_audio_path, user_audio_path, PROP_USER_AUDIO_PATH);
  set_string (self, &self->reply_audio_path, reply_audio_path, PROP_REPLY_AUDIO_PATH);
}

/**
 * playtest_turn_release_audio:
 * @self: a #PlaytestTurn
 *
 * Drops the audio held in memory where it is also on disk (see
 * playtest_turn_set_audio_paths()), so that a long session's old turns cost no memory for
 * their voice. Audio that has no file yet is kept: it is the only copy.
 */
void
playtest_turn_release_audio (PlaytestTurn *self)
{
  g_return_if_fail (PLAYTEST_IS_TURN (self));

  if (self->user_audio_path != NULL)
    set_bytes (self, &self->user_audio, NULL, PROP_USER_AUDIO);
  if (self->reply_audio_path != NULL)
    set_bytes (self, &self->reply_audio, NULL, PROP_REPLY_AUDIO);
}

/* Records for the history store ------------------------------------------------------------ */

static gint64
restored_time (gint64 ms)
{
  return ms >= 0 ? RESTORED_REQUEST_START + ms * 1000 : 0;
}

/* A stored error as the client made it: playtest_client_error_new_for_status() gives the
 * error its status and Retry-After (so playtest_client_error_get_status() and friends work on
 * it), then the code and message are put back as they were. */
static GError *
restore_error (const PlaytestTurnRecord *record)
{
  const char *message = record->error_message != NULL ? record->error_message : "";
  g_autofree char *retry_after = NULL;
  GError *error;

  if (record->error_status == 0 && record->retry_after < 0)
    return g_error_new_literal (PLAYTEST_CLIENT_ERROR, record->error_code, message);

  if (record->retry_after >= 0)
    retry_after = g_strdup_printf ("%d", record->retry_after);
  error = playtest_client_error_new_for_status (record->error_status, NULL, NULL, retry_after);
  error->code = record->error_code;
  g_free (error->message);
  error->message = g_strdup (message);

  return error;
}

static void
restore_reply (PlaytestTurn             *self,
               const PlaytestTurnRecord *record)
{
  self->reply_text = g_strdup (record->reply_text);
  self->user_query = g_strdup (record->user_query);
  self->emotion = g_strdup (record->emotion);
  self->action = g_strdup (record->action);
  if (record->actions != NULL && record->actions[0] != NULL)
    self->actions = g_strdupv ((char **) record->actions);
  self->narrative_section_id = g_strdup (record->narrative_section_id);
  self->reply_audio_path = g_strdup (record->reply_audio_path);
  self->reply_audio_duration_ms = record->reply_audio_duration_ms;
  self->reply_json = g_strdup (record->reply_json);
  if (record->warnings != NULL && record->warnings[0] != NULL)
    self->warnings = g_strdupv ((char **) record->warnings);
  self->request_description = g_strdup (record->request_description);
}

static void
restore_timings (PlaytestTurn             *self,
                 const PlaytestTurnRecord *record)
{
  self->first_byte_ms = record->first_byte_ms >= 0 ? record->first_byte_ms : -1;
  self->first_audio_ms = record->first_audio_ms >= 0 ? record->first_audio_ms : -1;
  self->latency_ms = record->total_ms >= 0 ? record->total_ms : -1;

  if (self->first_byte_ms < 0 && self->first_audio_ms < 0 && self->latency_ms < 0)
    return;

  self->timings.request_start = RESTORED_REQUEST_START;
  self->timings.first_byte = restored_time (self->first_byte_ms);
  self->timings.first_audio = restored_time (self->first_audio_ms);
  self->timings.complete = restored_time (self->latency_ms);
}

/**
 * playtest_turn_new_from_record: (skip)
 * @record: a turn as the history store keeps it
 *
 * Restores a turn. Its audio stays on disk (see playtest_turn_get_user_audio_path()); a
 * failed turn gets back its error, in #PLAYTEST_CLIENT_ERROR with its code, message, status
 * and Retry-After.
 *
 * Returns: (transfer full): the turn
 */
PlaytestTurn *
playtest_turn_new_from_record (const PlaytestTurnRecord *record)
{
  PlaytestTurn *self;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (record->character_id != NULL, NULL);

  self = g_object_new (PLAYTEST_TYPE_TURN,
                       "character-id", record->character_id,
                       "user-text", record->user_text,
                       NULL);

  self->id = record->id;
  self->conversation_id = g_strdup (record->conversation_id);
  self->session_id = g_strdup (record->session_id);
  if (record->sent_at != NULL)
    {
      g_date_time_unref (self->sent_at);
      self->sent_at = g_date_time_ref (record->sent_at);
    }
  self->state = record->state;

  self->user_audio_path = g_strdup (record->user_audio_path);
  self->user_audio_duration_ms = record->user_audio_duration_ms;
  self->voice = record->user_audio_path != NULL || record->user_audio_duration_ms > 0;

  restore_reply (self, record);
  restore_timings (self, record);
  if (record->error_code >= 0)
    self->error = restore_error (record);

  return self;
}

/**
 * playtest_turn_get_record: (skip)
 * @self: a #PlaytestTurn
 * @record: (out caller-allocates): the record to fill
 *
 * Fills @record with everything the turn holds. Its strings belong to the turn: they are
 * valid until the turn changes. `conversation_id` is only set for a restored turn: the store
 * knows which conversation it saves into.
 */
void
playtest_turn_get_record (PlaytestTurn       *self,
                          PlaytestTurnRecord *record)
{
  g_return_if_fail (PLAYTEST_IS_TURN (self));
  g_return_if_fail (record != NULL);

  *record = (PlaytestTurnRecord) {
    .id = self->id,
    .conversation_id = self->conversation_id,
    .character_id = self->character_id,
    .session_id = self->session_id,
    .sent_at = self->sent_at,
    .state = self->state,
    .user_text = self->user_text,
    .user_audio_path = self->user_audio_path,
    .user_audio_duration_ms = self->user_audio_duration_ms,
    .reply_text = self->reply_text,
    .user_query = self->user_query,
    .emotion = self->emotion,
    .action = self->action,
    .actions = playtest_turn_get_actions (self),
    .narrative_section_id = self->narrative_section_id,
    .reply_audio_path = self->reply_audio_path,
    .reply_audio_duration_ms = self->reply_audio_duration_ms,
    .reply_json = self->reply_json,
    .warnings = playtest_turn_get_warnings (self),
    .request_description = self->request_description,
    .first_byte_ms = self->first_byte_ms,
    .first_audio_ms = self->first_audio_ms,
    .total_ms = self->latency_ms,
    .error_code = self->error != NULL ? self->error->code : -1,
    .error_status = playtest_client_error_get_status (self->error),
    .error_message = self->error != NULL ? self->error->message : NULL,
    .retry_after = playtest_client_error_get_retry_after (self->error),
  };
}
