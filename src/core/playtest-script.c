/* playtest-script.c
 *
 * Playthrough scripts: a JSON file of steps (say a line, send a recording, start a new
 * session), each with what the answer is expected to hold. A script is checked whole when it
 * is loaded, before anything is sent: every problem names the file, the step and the key.
 * data/playtest-script.schema.json describes the same format for editors; the README says
 * it in words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "playtest-client-error-private.h"
#include "playtest-emotion.h"
#include "playtest-script.h"

/* A step as the script holds it: the public part, and the recording a step made from a voice
 * turn carries until playtest_script_save() writes it beside the script. */
typedef struct
{
  PlaytestScriptStep  step;
  GBytes             *recording;       /* a voice turn's recording, in memory */
  GFile              *recording_file;  /* or where the history store keeps it */
} ScriptStep;

struct _PlaytestScript
{
  GObject     parent_instance;

  char       *display_name;
  GFile      *file;
  GFile      *base_folder;

  /* The keys of the script, see script_keys[]. */
  char       *schema;
  char       *name;
  char       *description;
  char       *character_id;
  gboolean    voice;
  gboolean    stream;
  GPtrArray  *steps;        /* ScriptStep */
};

/* A line in a step's description is cut after this many characters. */
#define DESCRIBE_MAX_CHARS 80

G_DEFINE_FINAL_TYPE (PlaytestScript, playtest_script, G_TYPE_OBJECT)

G_DEFINE_QUARK (playtest-script-error-quark, playtest_script_error)

/* Keys and their values ---------------------------------------------------------------------- */

typedef enum
{
  VALUE_TEXT,         /* a non-empty string, into a char * */
  VALUE_TEXT_LIST,    /* a non-empty list of non-empty strings, into a char ** */
  VALUE_FLAG,         /* true or false, into an int (gboolean, or a tri-state left at -1) */
  VALUE_MILLISECONDS, /* a whole number from 0, into a gint64 */
} ValueKind;

typedef struct
{
  const char *key;
  ValueKind   kind;
  gsize       offset;
} Key;

/* In the order _to_json() writes them; "steps" comes last. */
static const Key script_keys[] = {
  { "$schema", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestScript, schema) },
  { "name", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestScript, name) },
  { "description", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestScript, description) },
  { "character", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestScript, character_id) },
  { "voice", VALUE_FLAG, G_STRUCT_OFFSET (PlaytestScript, voice) },
  { "stream", VALUE_FLAG, G_STRUCT_OFFSET (PlaytestScript, stream) },
};

/* In the order of PlaytestExpectations, which is the order of the checks. */
static const Key expect_keys[] = {
  { "text_contains", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestExpectations, text_contains) },
  { "text_not_contains", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestExpectations, text_not_contains) },
  { "text_matches", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestExpectations, text_matches) },
  { "emotion", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestExpectations, emotion) },
  { "emotion_in", VALUE_TEXT_LIST, G_STRUCT_OFFSET (PlaytestExpectations, emotion_in) },
  { "action", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestExpectations, action) },
  { "actions_include", VALUE_TEXT_LIST, G_STRUCT_OFFSET (PlaytestExpectations, actions_include) },
  { "section", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestExpectations, section) },
  { "section_changed", VALUE_FLAG, G_STRUCT_OFFSET (PlaytestExpectations, section_changed) },
  { "user_query_contains", VALUE_TEXT,
    G_STRUCT_OFFSET (PlaytestExpectations, user_query_contains) },
  { "has_audio", VALUE_FLAG, G_STRUCT_OFFSET (PlaytestExpectations, has_audio) },
  { "max_latency_ms", VALUE_MILLISECONDS, G_STRUCT_OFFSET (PlaytestExpectations, max_latency_ms) },
};

static const char * const top_level_names[] = {
  "$schema", "name", "description", "character", "voice", "stream", "steps", NULL
};
static const char * const step_names[] = { "say", "audio", "new_session", "expect", NULL };

static void
script_step_free (gpointer data)
{
  ScriptStep *self = data;

  g_free (self->step.text);
  g_free (self->step.audio_path);
  g_clear_object (&self->step.audio_file);
  g_clear_pointer (&self->step.expect, playtest_expectations_free);
  g_clear_pointer (&self->recording, g_bytes_unref);
  g_clear_object (&self->recording_file);
  g_free (self);
}

static ScriptStep *
script_step_new (PlaytestStepKind kind)
{
  ScriptStep *self = g_new0 (ScriptStep, 1);

  self->step.kind = kind;
  return self;
}

static void
playtest_script_finalize (GObject *object)
{
  PlaytestScript *self = PLAYTEST_SCRIPT (object);

  g_free (self->display_name);
  g_clear_object (&self->file);
  g_clear_object (&self->base_folder);
  g_free (self->schema);
  g_free (self->name);
  g_free (self->description);
  g_free (self->character_id);
  g_clear_pointer (&self->steps, g_ptr_array_unref);

  G_OBJECT_CLASS (playtest_script_parent_class)->finalize (object);
}

static void
playtest_script_class_init (PlaytestScriptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = playtest_script_finalize;
}

static void
playtest_script_init (PlaytestScript *self)
{
  self->steps = g_ptr_array_new_with_free_func (script_step_free);
}

/* Errors --------------------------------------------------------------------------------------- */

/* Where a problem is: the file, and the step (1-based; 0 for the script's own keys). */
typedef struct
{
  const char *display_name;
  guint       step;
} Where;

static void script_error (GError          **error,
                          const Where      *where,
                          PlaytestScriptError code,
                          const char       *format,
                          ...) G_GNUC_PRINTF (4, 5);

static void
script_error (GError            **error,
              const Where        *where,
              PlaytestScriptError code,
              const char         *format,
              ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  if (where->step > 0)
    /* Translators: a problem in a script: its file, the step and what is wrong, as in
     * smoke.json: step 2: “emotion_in” must be a list of strings */
    g_set_error (error, PLAYTEST_SCRIPT_ERROR, code, _("%s: step %u: %s"), where->display_name,
                 where->step, problem);
  else
    /* Translators: a problem in a script: its file and what is wrong */
    g_set_error (error, PLAYTEST_SCRIPT_ERROR, code, _("%s: %s"), where->display_name, problem);
}

/* Why a file could not be read, briefly: the file itself is named by the caller. */
static const char *
read_problem (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return _("there is no such file");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    return _("it is a folder");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return _("permission denied");

  return error->message;
}

/* The number of single-character edits between two keys, for "did you mean". */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize len_a = strlen (a);
  gsize len_b = strlen (b);
  g_autofree guint *row = g_new (guint, len_b + 1);

  for (gsize j = 0; j <= len_b; j++)
    row[j] = j;

  for (gsize i = 1; i <= len_a; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= len_b; j++)
        {
          guint above = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }

  return row[len_b];
}

static void
consider_key (const char  *key,
              const char  *candidate,
              const char **best,
              guint       *best_distance)
{
  guint distance = edit_distance (key, candidate);

  if (distance < *best_distance)
    {
      *best = candidate;
      *best_distance = distance;
    }
}

/* The known key a typo most likely meant, or %NULL when none is close: a slip of a
 * character or two, a few more in a long key. */
static const char *
nearest_key (const char         *key,
             const char * const *known,
             const Key          *more,
             gsize               n_more)
{
  const char *best = NULL;
  guint best_distance = MAX (2, strlen (key) / 4) + 1;

  for (gsize i = 0; known != NULL && known[i] != NULL; i++)
    consider_key (key, known[i], &best, &best_distance);
  for (gsize i = 0; i < n_more; i++)
    consider_key (key, more[i].key, &best, &best_distance);

  return best;
}

static void
unknown_key_error (GError            **error,
                   const Where        *where,
                   const char         *key,
                   const char * const *known,
                   const Key          *more,
                   gsize               n_more)
{
  const char *nearest = nearest_key (key, known, more, n_more);

  if (nearest != NULL)
    script_error (error, where, PLAYTEST_SCRIPT_ERROR_UNKNOWN_KEY,
                  _("unknown key “%s”; did you mean “%s”?"), key, nearest);
  else
    script_error (error, where, PLAYTEST_SCRIPT_ERROR_UNKNOWN_KEY, _("unknown key “%s”"), key);
}

/* Reading values ------------------------------------------------------------------------------ */

static gboolean
read_text_list (JsonNode     *node,
                const Where  *where,
                const char   *key,
                char       ***out,
                GError      **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto wrong_type;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!playtest_json_node_is_string (item))
        goto wrong_type;
      if (*json_node_get_string (item) == '\0')
        {
          script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                        _("“%s” must not list an empty string"), key);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }

  if (json_array_get_length (array) == 0)
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                    _("“%s” must list at least one value"), key);
      return FALSE;
    }

  *out = g_strv_builder_end (builder);
  return TRUE;

wrong_type:
  script_error (error, where, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
                _("“%s” must be a list of strings"), key);
  return FALSE;
}

/* A whole number from 0: 5000, and 5000.0 as JSON Schema's "integer" has it, not 5000.5. */
static gboolean
read_milliseconds (JsonNode    *node,
                   const Where *where,
                   const char  *key,
                   gint64      *out,
                   GError     **error)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  double value = type == G_TYPE_INT64    ? (double) json_node_get_int (node)
                 : type == G_TYPE_DOUBLE ? json_node_get_double (node)
                                         : NAN;

  if (isnan (value) || value != floor (value))
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
                    _("“%s” must be a whole number of milliseconds"), key);
      return FALSE;
    }

  if (value < 0 || value > G_MAXINT)
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                    _("“%s” must be from 0 to %d milliseconds"), key, G_MAXINT);
      return FALSE;
    }

  *out = (gint64) value;
  return TRUE;
}

/* Reads @node as @key says into the field of @fields at the key's offset. */
static gboolean
read_value (JsonNode    *node,
            const Key   *key,
            gpointer     fields,
            const Where *where,
            GError     **error)
{
  gpointer field = G_STRUCT_MEMBER_P (fields, key->offset);

  switch (key->kind)
    {
    case VALUE_TEXT:
      if (!playtest_json_node_is_string (node))
        {
          script_error (error, where, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
                        _("“%s” must be a string"), key->key);
          return FALSE;
        }
      if (*json_node_get_string (node) == '\0')
        {
          script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                        _("“%s” must not be empty"), key->key);
          return FALSE;
        }
      *(char **) field = g_strdup (json_node_get_string (node));
      return TRUE;

    case VALUE_TEXT_LIST:
      return read_text_list (node, where, key->key, field, error);

    case VALUE_FLAG:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          script_error (error, where, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
                        _("“%s” must be true or false"), key->key);
          return FALSE;
        }
      *(int *) field = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;

    case VALUE_MILLISECONDS:
      return read_milliseconds (node, where, key->key, field, error);

    default:
      g_assert_not_reached ();
    }
}

/* Reads every key of @keys that @object has into @fields. */
static gboolean
read_values (JsonObject  *object,
             const Key   *keys,
             gsize        n_keys,
             gpointer     fields,
             const Where *where,
             GError     **error)
{
  for (gsize i = 0; i < n_keys; i++)
    {
      JsonNode *node = json_object_get_member (object, keys[i].key);

      if (node != NULL && !read_value (node, &keys[i], fields, where, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_expect_key (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (expect_keys); i++)
    if (strcmp (expect_keys[i].key, name) == 0)
      return TRUE;

  return FALSE;
}

/* Steps ---------------------------------------------------------------------------------------- */

static PlaytestExpectations *
read_expectations (JsonNode    *node,
                   const Where *where,
                   GError     **error)
{
  g_autoptr(PlaytestExpectations) expect = playtest_expectations_new ();
  g_autoptr(GList) members = NULL;
  g_autoptr(GError) regex_error = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
                    _("“expect” must be an object of expectations, such as "
                      "{\"emotion\": \"joy\"}"));
      return NULL;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!is_expect_key (l->data))
      {
        unknown_key_error (error, where, l->data, NULL, expect_keys,
                           G_N_ELEMENTS (expect_keys));
        return NULL;
      }

  if (!read_values (object, expect_keys, G_N_ELEMENTS (expect_keys), expect, where, error))
    return NULL;

  if (expect->text_matches != NULL)
    {
      /* Case-insensitive like every other text comparison of a script. */
      expect->text_regex = g_regex_new (expect->text_matches, G_REGEX_CASELESS, 0, &regex_error);
      if (expect->text_regex == NULL)
        {
          script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                        _("“text_matches” is not a valid regular expression: %s"),
                        regex_error->message);
          return NULL;
        }
    }

  return g_steal_pointer (&expect);
}

/* An audio step's file must be there and readable now, not halfway through a run. */
static gboolean
check_audio_file (GFile       *file,
                  const Where *where,
                  GError     **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *name = g_file_get_parse_name (file);

  stream = g_file_read (file, NULL, &read_error);
  if (stream == NULL)
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_READ, _("“audio”: cannot read %s: %s"),
                    name, read_problem (read_error));
      return FALSE;
    }

  return TRUE;
}

/* Which of say, audio and new_session the step is; exactly one. */
static gboolean
read_step_kind (JsonObject       *object,
                const Where      *where,
                PlaytestStepKind *kind,
                GError          **error)
{
  static const struct
  {
    const char       *key;
    PlaytestStepKind  kind;
  } kinds[] = {
    { "say", PLAYTEST_STEP_SAY },
    { "audio", PLAYTEST_STEP_AUDIO },
    { "new_session", PLAYTEST_STEP_NEW_SESSION },
  };
  const char *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (!json_object_has_member (object, kinds[i].key))
        continue;
      if (found != NULL)
        {
          script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                        _("“%s” and “%s” cannot be in one step; make them two steps"), found,
                        kinds[i].key);
          return FALSE;
        }
      found = kinds[i].key;
      *kind = kinds[i].kind;
    }

  if (found == NULL)
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_MISSING_KEY,
                    _("a step needs “say”, “audio” or “new_session”"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_step_keys (JsonObject  *object,
                 const Where *where,
                 GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_strv_contains (step_names, name))
        continue;
      if (is_expect_key (name))
        script_error (error, where, PLAYTEST_SCRIPT_ERROR_UNKNOWN_KEY,
                      _("“%s” belongs inside “expect”, as in {\"say\": \"…\", \"expect\": "
                        "{\"%s\": …}}"), name, name);
      else
        unknown_key_error (error, where, name, step_names, NULL, 0);
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_step_action (JsonObject  *object,
                  ScriptStep  *step,
                  GFile       *base_folder,
                  const Where *where,
                  GError     **error)
{
  static const Key say_key = { "say", VALUE_TEXT, G_STRUCT_OFFSET (PlaytestScriptStep, text) };
  static const Key audio_key = { "audio", VALUE_TEXT,
                                 G_STRUCT_OFFSET (PlaytestScriptStep, audio_path) };
  static const Key new_session_key = { "new_session", VALUE_FLAG, 0 };
  gboolean new_session = FALSE;

  switch (step->step.kind)
    {
    case PLAYTEST_STEP_SAY:
      return read_value (json_object_get_member (object, "say"), &say_key, &step->step, where,
                         error);

    case PLAYTEST_STEP_AUDIO:
      if (!read_value (json_object_get_member (object, "audio"), &audio_key, &step->step, where,
                       error))
        return FALSE;
      /* Relative to the script, so a script and its recordings move together. */
      step->step.audio_file = g_file_resolve_relative_path (base_folder, step->step.audio_path);
      return check_audio_file (step->step.audio_file, where, error);

    case PLAYTEST_STEP_NEW_SESSION:
      if (!read_value (json_object_get_member (object, "new_session"), &new_session_key,
                       &new_session, where, error))
        return FALSE;
      if (!new_session)
        {
          script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                        _("“new_session” can only be true; leave the step out to stay in the "
                          "session"));
          return FALSE;
        }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static ScriptStep *
read_step (JsonNode    *node,
           GFile       *base_folder,
           const Where *where,
           GError     **error)
{
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func (script_step_free);
  PlaytestStepKind kind;
  JsonObject *object;
  JsonNode *expect;
  ScriptStep *step;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
                    _("a step must be an object, such as {\"say\": \"Hello\"}"));
      return NULL;
    }

  object = json_node_get_object (node);
  if (!check_step_keys (object, where, error) || !read_step_kind (object, where, &kind, error))
    return NULL;

  step = script_step_new (kind);
  g_ptr_array_add (holder, step);
  if (!read_step_action (object, step, base_folder, where, error))
    return NULL;

  expect = json_object_get_member (object, "expect");
  if (expect != NULL && kind == PLAYTEST_STEP_NEW_SESSION)
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                    _("a “new_session” step gets no answer, so it cannot have “expect”"));
      return NULL;
    }
  if (expect != NULL && (step->step.expect = read_expectations (expect, where, error)) == NULL)
    return NULL;
  /* {"expect": {}} expects nothing, like no "expect" at all. */
  if (step->step.expect != NULL && playtest_expectations_is_empty (step->step.expect))
    g_clear_pointer (&step->step.expect, playtest_expectations_free);

  return g_ptr_array_steal_index (holder, 0);
}

/* The script --------------------------------------------------------------------------------- */

static gboolean
read_steps (PlaytestScript *self,
            JsonObject     *object,
            const Where    *where,
            GError        **error)
{
  JsonNode *node = json_object_get_member (object, "steps");
  JsonArray *array;

  if (node == NULL)
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_MISSING_KEY,
                    _("“steps” is missing: a script needs at least one step"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
                    _("“steps” must be a list of steps"));
      return FALSE;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    {
      script_error (error, where, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
                    _("“steps” is empty: a script needs at least one step"));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      Where step_where = { where->display_name, i + 1 };
      ScriptStep *step = read_step (json_array_get_element (array, i), self->base_folder,
                                    &step_where, error);

      if (step == NULL)
        return FALSE;
      g_ptr_array_add (self->steps, step);
    }

  return TRUE;
}

static gboolean
read_script (PlaytestScript *self,
             JsonNode       *root,
             GError        **error)
{
  Where where = { self->display_name, 0 };
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      script_error (error, &where, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
                    _("a script must be a JSON object with “name” and “steps”"));
      return FALSE;
    }

  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (top_level_names, l->data))
      {
        unknown_key_error (error, &where, l->data, top_level_names, NULL, 0);
        return FALSE;
      }

  if (!read_values (object, script_keys, G_N_ELEMENTS (script_keys), self, &where, error))
    return FALSE;
  if (self->name == NULL)
    {
      script_error (error, &where, PLAYTEST_SCRIPT_ERROR_MISSING_KEY,
                    _("“name” is missing: give the script a name for its reports"));
      return FALSE;
    }

  return read_steps (self, object, &where, error);
}

/* json-glib says where JSON breaks as "<data>:4:17: Parse error: …"; the file is known here. */
static void
syntax_error (GError      **error,
              const char   *display_name,
              const GError *parse_error)
{
  const char *message = parse_error->message;

  if (g_str_has_prefix (message, "<data>:"))
    g_set_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_SYNTAX, "%s%s",
                 display_name, message + strlen ("<data>"));
  else
    /* Translators: a script that is not JSON: its file and json-glib's message */
    g_set_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_SYNTAX,
                 _("%s: not valid JSON: %s"), display_name, message);
}

/**
 * playtest_script_new_from_data:
 * @data: the script, JSON
 * @length: the length of @data, or -1 if NUL-terminated
 * @base_folder: (nullable): the folder audio paths are relative to; %NULL for the current one
 * @display_name: (nullable): how errors name the script, such as its file's name
 * @error: return location for a #PLAYTEST_SCRIPT_ERROR
 *
 * Reads and checks a script whole, audio files included (they must exist and be readable).
 *
 * Returns: (transfer full) (nullable): the script, or %NULL with an error that names the
 *   script, the step and the key
 */
PlaytestScript *
playtest_script_new_from_data (const char *data,
                               gssize      length,
                               GFile      *base_folder,
                               const char *display_name,
                               GError    **error)
{
  g_autoptr(PlaytestScript) self = g_object_new (PLAYTEST_TYPE_SCRIPT, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *cwd = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (base_folder == NULL || G_IS_FILE (base_folder), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->display_name = g_strdup (display_name != NULL ? display_name : _("untitled script"));
  if (base_folder != NULL)
    self->base_folder = g_object_ref (base_folder);
  else
    self->base_folder = g_file_new_for_path ((cwd = g_get_current_dir ()));

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      syntax_error (error, self->display_name, parse_error);
      return NULL;
    }

  if (!read_script (self, json_parser_get_root (parser), error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * playtest_script_new_from_file:
 * @file: a script
 * @error: return location for a #PLAYTEST_SCRIPT_ERROR
 *
 * Reads and checks a script file. Audio paths in it are relative to its folder; errors name
 * it by its file name.
 *
 * Returns: (transfer full) (nullable): the script, or %NULL with an error
 */
PlaytestScript *
playtest_script_new_from_file (GFile   *file,
                               GError **error)
{
  g_autoptr(PlaytestScript) self = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display_name = NULL;
  gsize length;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display_name = g_file_get_basename (file);
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &read_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_READ,
                   /* Translators: a script file that cannot be read, and why */
                   _("%s: cannot read the script %s: %s"), display_name, name,
                   read_problem (read_error));
      return NULL;
    }

  folder = g_file_get_parent (file);
  self = playtest_script_new_from_data (contents, length, folder, display_name, error);
  if (self != NULL)
    self->file = g_object_ref (file);

  return g_steal_pointer (&self);
}

/* Getters -------------------------------------------------------------------------------------- */

/**
 * playtest_script_get_name:
 * @self: a #PlaytestScript
 *
 * Returns: the script's name, for reports
 */
const char *
playtest_script_get_name (PlaytestScript *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), NULL);

  return self->name;
}

/**
 * playtest_script_get_description:
 * @self: a #PlaytestScript
 *
 * Returns: (nullable): what the script is for, in its author's words
 */
const char *
playtest_script_get_description (PlaytestScript *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), NULL);

  return self->description;
}

/**
 * playtest_script_get_display_name:
 * @self: a #PlaytestScript
 *
 * Returns: how messages name the script: its file's name, or the name it was read under
 */
const char *
playtest_script_get_display_name (PlaytestScript *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), NULL);

  return self->display_name;
}

/**
 * playtest_script_get_file:
 * @self: a #PlaytestScript
 *
 * Returns: (transfer none) (nullable): the file the script was read from or saved to
 */
GFile *
playtest_script_get_file (PlaytestScript *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), NULL);

  return self->file;
}

/**
 * playtest_script_get_character_id:
 * @self: a #PlaytestScript
 *
 * Returns: (nullable): the character the script talks to, %NULL when it names none (the
 *   runner then needs one from elsewhere, such as the CLI's --character)
 */
const char *
playtest_script_get_character_id (PlaytestScript *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), NULL);

  return self->character_id;
}

/**
 * playtest_script_get_voice:
 * @self: a #PlaytestScript
 *
 * Returns: whether the script asks for spoken replies
 */
gboolean
playtest_script_get_voice (PlaytestScript *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), FALSE);

  return self->voice;
}

/**
 * playtest_script_get_stream:
 * @self: a #PlaytestScript
 *
 * Returns: whether the script asks for streamed replies
 */
gboolean
playtest_script_get_stream (PlaytestScript *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), FALSE);

  return self->stream;
}

/**
 * playtest_script_get_n_steps:
 * @self: a #PlaytestScript
 *
 * Returns: the number of steps, at least one
 */
guint
playtest_script_get_n_steps (PlaytestScript *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), 0);

  return self->steps->len;
}

/**
 * playtest_script_get_step:
 * @self: a #PlaytestScript
 * @index: a step, from 0
 *
 * Returns: (transfer none): the step; its audio_file is where an audio step's recording is
 */
const PlaytestScriptStep *
playtest_script_get_step (PlaytestScript *self,
                          guint           index)
{
  ScriptStep *step;

  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);

  step = g_ptr_array_index (self->steps, index);
  return &step->step;
}

/**
 * playtest_script_describe_step:
 * @self: a #PlaytestScript
 * @index: a step, from 0
 *
 * Says what a step does, for reports and the script pane: “Say “Good evening””, “Send audio
 * greeting.wav”, “Start a new session”.
 *
 * Returns: (transfer full): the step in words
 */
char *
playtest_script_describe_step (PlaytestScript *self,
                               guint           index)
{
  const PlaytestScriptStep *step = playtest_script_get_step (self, index);
  g_autofree char *excerpt = NULL;

  g_return_val_if_fail (step != NULL, NULL);

  switch (step->kind)
    {
    case PLAYTEST_STEP_SAY:
      excerpt = playtest_text_excerpt (step->text, -1, DESCRIBE_MAX_CHARS);
      /* Translators: a script step that types a line, as in Say “Good evening” */
      return g_strdup_printf (_("Say “%s”"), excerpt != NULL ? excerpt : "");

    case PLAYTEST_STEP_AUDIO:
      /* A recording saved with the session is named by its file alone. */
      excerpt = g_path_is_absolute (step->audio_path) ? g_path_get_basename (step->audio_path)
                                                      : g_strdup (step->audio_path);
      /* Translators: a script step that sends a recording, as in Send audio greeting.wav */
      return g_strdup_printf (_("Send audio %s"), excerpt);

    case PLAYTEST_STEP_NEW_SESSION:
      return g_strdup (_("Start a new session"));

    default:
      g_return_val_if_reached (NULL);
    }
}

/* Save session as script ------------------------------------------------------------------------ */

/* What was observed of an answer becomes what is expected of it, except its words: a
 * character rarely says the same thing twice, but keeps its mood, actions and section. */
static PlaytestExpectations *
expectations_from_turn (PlaytestTurn *turn)
{
  g_autoptr(PlaytestExpectations) expect = playtest_expectations_new ();
  const char * const *actions = playtest_turn_get_actions (turn);
  const char *action = playtest_turn_get_action (turn);
  const char *emotion = playtest_turn_get_emotion (turn);
  const char *section_id = playtest_turn_get_narrative_section_id (turn);
  GBytes *audio = playtest_turn_get_reply_audio (turn);

  if (emotion != NULL && *emotion != '\0')
    expect->emotion = playtest_emotion_parse (emotion, NULL);
  if (expect->emotion != NULL && *expect->emotion == '\0')
    g_clear_pointer (&expect->emotion, g_free);
  if (section_id != NULL && *section_id != '\0')
    expect->section = g_strdup (section_id);
  if (actions != NULL && actions[0] != NULL)
    expect->actions_include = g_strdupv ((char **) actions);
  else if (action != NULL && *action != '\0')
    expect->actions_include = g_strdupv ((char *[]) { (char *) action, NULL });
  if ((audio != NULL && g_bytes_get_size (audio) > 0) ||
      playtest_turn_get_reply_audio_path (turn) != NULL)
    expect->has_audio = 1;

  if (playtest_expectations_is_empty (expect))
    return NULL;

  return g_steal_pointer (&expect);
}

/* A voice turn's step: its recording, in memory or where the history store keeps it. A
 * recording that is gone leaves what the service heard, typed instead. */
static ScriptStep *
step_from_voice_turn (PlaytestTurn *turn,
                      guint         number)
{
  GBytes *recording = playtest_turn_get_user_audio (turn);
  const char *path = playtest_turn_get_user_audio_path (turn);
  const char *query = playtest_turn_get_user_query (turn);
  ScriptStep *step;

  if (recording != NULL && g_bytes_get_size (recording) > 0)
    {
      step = script_step_new (PLAYTEST_STEP_AUDIO);
      step->recording = g_bytes_ref (recording);
      /* Named for real by playtest_script_save(), beside the script. */
      step->step.audio_path = g_strdup_printf ("step-%u.wav", number);
    }
  else if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      step = script_step_new (PLAYTEST_STEP_AUDIO);
      step->step.audio_path = g_strdup (path);
      step->step.audio_file = g_file_new_for_path (path);
      step->recording_file = g_object_ref (step->step.audio_file);
    }
  else if (query != NULL && *query != '\0')
    {
      step = script_step_new (PLAYTEST_STEP_SAY);
      step->step.text = g_strdup (query);
    }
  else
    return NULL;

  return step;
}

/**
 * playtest_script_new_from_turns:
 * @name: the script's name
 * @character_id: (nullable): the character the turns talked to
 * @turns: (element-type PlaytestTurn): turns in the order they were sent
 * @voice: whether the script asks for spoken replies
 * @stream: whether the script asks for streamed replies
 *
 * Makes a script that replays a session: typed lines become `say` steps, voice lines `audio`
 * steps (their recordings are written beside the script by playtest_script_save()), and a
 * change of session id between turns a `new_session` step. What each answer showed becomes
 * what the step expects: its emotion (without intensity), its section, its actions, and audio
 * when it had some — not its text, which varies from run to run. Turns that failed or were
 * not answered are left out. A recording still only in memory has no audio_file until the
 * script is saved; one the history store keeps is copied beside the script then.
 *
 * Returns: (transfer full): the script, not saved yet
 */
PlaytestScript *
playtest_script_new_from_turns (const char *name,
                                const char *character_id,
                                GPtrArray  *turns,
                                gboolean    voice,
                                gboolean    stream)
{
  PlaytestScript *self;
  const char *session_id = NULL;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);
  g_return_val_if_fail (turns != NULL, NULL);

  self = g_object_new (PLAYTEST_TYPE_SCRIPT, NULL);
  self->name = g_strdup (name);
  self->display_name = g_strdup (name);
  self->character_id = g_strdup (character_id);
  self->voice = !!voice;
  self->stream = !!stream;

  for (guint i = 0; i < turns->len; i++)
    {
      PlaytestTurn *turn = g_ptr_array_index (turns, i);
      const char *turn_session = playtest_turn_get_session_id (turn);
      ScriptStep *step;

      if (playtest_turn_get_state (turn) != PLAYTEST_TURN_COMPLETE)
        continue;

      if (session_id != NULL && turn_session != NULL && strcmp (session_id, turn_session) != 0)
        g_ptr_array_add (self->steps, script_step_new (PLAYTEST_STEP_NEW_SESSION));
      if (turn_session != NULL)
        session_id = turn_session;

      if (playtest_turn_is_voice (turn))
        step = step_from_voice_turn (turn, self->steps->len + 1);
      else
        {
          step = script_step_new (PLAYTEST_STEP_SAY);
          step->step.text = g_strdup (playtest_turn_get_user_text (turn));
        }
      if (step == NULL)
        continue;

      step->step.expect = expectations_from_turn (turn);
      g_ptr_array_add (self->steps, step);
    }

  return self;
}

static void
build_value (JsonBuilder *builder,
             const Key   *key,
             gpointer     fields)
{
  gpointer field = G_STRUCT_MEMBER_P (fields, key->offset);

  switch (key->kind)
    {
    case VALUE_TEXT:
      if (*(char **) field == NULL)
        return;
      json_builder_set_member_name (builder, key->key);
      json_builder_add_string_value (builder, *(char **) field);
      return;

    case VALUE_TEXT_LIST:
      if (*(char ***) field == NULL)
        return;
      json_builder_set_member_name (builder, key->key);
      json_builder_begin_array (builder);
      for (char **item = *(char ***) field; *item != NULL; item++)
        json_builder_add_string_value (builder, *item);
      json_builder_end_array (builder);
      return;

    case VALUE_FLAG:
      if (*(int *) field < 0)
        return;
      json_builder_set_member_name (builder, key->key);
      json_builder_add_boolean_value (builder, *(int *) field > 0);
      return;

    case VALUE_MILLISECONDS:
      if (*(gint64 *) field < 0)
        return;
      json_builder_set_member_name (builder, key->key);
      json_builder_add_int_value (builder, *(gint64 *) field);
      return;

    default:
      g_assert_not_reached ();
    }
}

static void
build_step (JsonBuilder              *builder,
            const PlaytestScriptStep *step)
{
  json_builder_begin_object (builder);
  switch (step->kind)
    {
    case PLAYTEST_STEP_SAY:
      json_builder_set_member_name (builder, "say");
      json_builder_add_string_value (builder, step->text);
      break;
    case PLAYTEST_STEP_AUDIO:
      json_builder_set_member_name (builder, "audio");
      json_builder_add_string_value (builder, step->audio_path);
      break;
    case PLAYTEST_STEP_NEW_SESSION:
      json_builder_set_member_name (builder, "new_session");
      json_builder_add_boolean_value (builder, TRUE);
      break;
    default:
      g_assert_not_reached ();
    }

  if (step->expect != NULL)
    {
      json_builder_set_member_name (builder, "expect");
      json_builder_begin_object (builder);
      for (gsize i = 0; i < G_N_ELEMENTS (expect_keys); i++)
        build_value (builder, &expect_keys[i], step->expect);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

/**
 * playtest_script_to_json:
 * @self: a #PlaytestScript
 *
 * Writes the script as it would be read, keys always in the same order and indented, so that
 * saved scripts read well and compare well in version control.
 *
 * Returns: (transfer full): the script as JSON, ending with a new line
 */
char *
playtest_script_to_json (PlaytestScript *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), NULL);

  json_builder_begin_object (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (script_keys); i++)
    build_value (builder, &script_keys[i], self);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->steps->len; i++)
    build_step (builder, playtest_script_get_step (self, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json = json_generator_to_data (generator, NULL);

  return g_strconcat (json, "\n", NULL);
}

static gboolean
write_file (GFile       *file,
            GBytes      *contents,
            GError     **error)
{
  g_autoptr(GError) write_error = NULL;

  if (!g_file_replace_contents (file, g_bytes_get_data (contents, NULL),
                                g_bytes_get_size (contents), NULL, FALSE, G_FILE_CREATE_NONE,
                                NULL, NULL, &write_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, write_error->domain, write_error->code,
                   /* Translators: a file of a script that could not be written, and why */
                   _("Could not write %s: %s"), name, write_error->message);
      return FALSE;
    }

  return TRUE;
}

/* "innkeeper.json" → "innkeeper", for naming its recordings "innkeeper-step-3.wav". */
static char *
file_stem (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (g_str_has_suffix (basename, ".json") && strlen (basename) > strlen (".json"))
    basename[strlen (basename) - strlen (".json")] = '\0';

  return g_steal_pointer (&basename);
}

/* A step that names a file of its own keeps naming it, by a path that finds it from @folder. */
static void
relocate_step_audio (ScriptStep *step,
                     GFile      *folder)
{
  g_autofree char *relative = g_file_get_relative_path (folder, step->step.audio_file);

  g_free (step->step.audio_path);
  step->step.audio_path = relative != NULL ? g_steal_pointer (&relative)
                                           : g_file_get_path (step->step.audio_file);
}

/* Writes the recording of a step made from a voice turn beside the script as
 * "<stem>-step-<number>.wav", and points the step at it. */
static gboolean
save_step_audio (ScriptStep  *step,
                 guint        number,
                 GFile       *folder,
                 const char  *stem,
                 GError     **error)
{
  g_autofree char *name = g_strdup_printf ("%s-step-%u.wav", stem, number);
  g_autoptr(GFile) target = g_file_get_child (folder, name);
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GError) read_error = NULL;

  if (step->recording == NULL && step->recording_file == NULL)
    {
      relocate_step_audio (step, folder);
      return TRUE;
    }

  if (step->recording != NULL)
    contents = g_bytes_ref (step->recording);
  else if ((contents = g_file_load_bytes (step->recording_file, NULL, NULL, &read_error)) == NULL)
    {
      g_autofree char *source = g_file_get_parse_name (step->recording_file);

      g_set_error (error, read_error->domain, read_error->code,
                   /* Translators: a recording that could not be copied beside a script */
                   _("Could not read the recording %s: %s"), source, read_error->message);
      return FALSE;
    }

  if (!write_file (target, contents, error))
    return FALSE;

  /* Saved: from now on the step is an ordinary audio step of the script. */
  g_clear_pointer (&step->recording, g_bytes_unref);
  g_clear_object (&step->recording_file);
  g_set_object (&step->step.audio_file, target);
  g_free (step->step.audio_path);
  step->step.audio_path = g_steal_pointer (&name);
  return TRUE;
}

/**
 * playtest_script_save:
 * @self: a #PlaytestScript
 * @file: where to write the script
 * @error: return location for a #GIOError
 *
 * Writes the script to @file, and the recordings of its voice steps beside it as
 * "<name>-step-<n>.wav" (each file replaced atomically). Audio files the script names that are
 * not recordings of a session stay where they are, named by a path relative to @file's folder
 * when they are inside it. The script then belongs to @file: audio paths, errors and
 * playtest_script_get_file() refer to it.
 *
 * Returns: %TRUE when the script and its recordings are written
 */
gboolean
playtest_script_save (PlaytestScript *self,
                      GFile          *file,
                      GError        **error)
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autofree char *stem = NULL;
  char *json;

  g_return_val_if_fail (PLAYTEST_IS_SCRIPT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  folder = g_file_get_parent (file);
  stem = file_stem (file);
  for (guint i = 0; i < self->steps->len; i++)
    {
      ScriptStep *step = g_ptr_array_index (self->steps, i);

      if (step->step.kind == PLAYTEST_STEP_AUDIO &&
          !save_step_audio (step, i + 1, folder, stem, error))
        return FALSE;
    }

  json = playtest_script_to_json (self);
  contents = g_bytes_new_take (json, strlen (json));
  if (!write_file (file, contents, error))
    return FALSE;

  g_set_object (&self->file, file);
  g_set_object (&self->base_folder, folder);
  g_free (self->display_name);
  self->display_name = g_file_get_basename (file);
  return TRUE;
}
