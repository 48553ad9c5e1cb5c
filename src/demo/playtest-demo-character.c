/* playtest-demo-character.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "playtest-demo-character.h"
#include "playtest-demo-resources.h"

/* A demo character answers by rules, never by chance: the first rule of the current section
 * whose keywords occur in the user's words wins, then the first global rule; if none matches,
 * the section's `default` rule, then the global one. Audio input (no text) is the `voice`
 * intent. Several reply texts are picked by the turn count, so a replayed conversation gets
 * the same answers. */

#define INTENT_DEFAULT "default"
#define INTENT_VOICE   "voice"

/* Clause punctuation splits a streamed sentence only when the piece is already this long. */
#define MIN_CLAUSE_BYTES 48

typedef struct
{
  char       *intent;
  GPtrArray  *keywords;      /* of char **: each keyword phrase as lower-case words */
  char      **replies;
  char       *emotion;
  char      **actions;
  char       *next_section;
} DemoRule;

struct _PlaytestDemoCharacter
{
  GObject            parent_instance;

  char              *id;
  char              *name;
  char              *voice_type;
  char              *backstory;
  char              *start_section_id;
  PlaytestDemoVoice  voice;
  GPtrArray         *sections;
  GPtrArray         *rules;
};

G_DEFINE_TYPE (PlaytestDemoCharacter, playtest_demo_character, G_TYPE_OBJECT)

G_DEFINE_QUARK (playtest-demo-error-quark, playtest_demo_error)

static const char * const known_emotions[] = {
  "joy", "trust", "fear", "surprise", "sadness", "disgust", "anger", "anticipation", "neutral",
  NULL
};

static void
demo_rule_free (DemoRule *rule)
{
  g_free (rule->intent);
  g_clear_pointer (&rule->keywords, g_ptr_array_unref);
  g_strfreev (rule->replies);
  g_free (rule->emotion);
  g_strfreev (rule->actions);
  g_free (rule->next_section);
  g_free (rule);
}

static void
demo_decision_free (PlaytestDemoDecision *decision)
{
  g_free (decision->criteria);
  g_free (decision->next_section_id);
  g_free (decision);
}

static void
demo_section_free (PlaytestDemoSection *section)
{
  g_free (section->section_id);
  g_free (section->section_name);
  g_free (section->objective);
  g_clear_pointer (&section->decisions, g_ptr_array_unref);
  g_clear_pointer (&section->rules, g_ptr_array_unref);
  g_free (section);
}

static void
playtest_demo_character_finalize (GObject *object)
{
  PlaytestDemoCharacter *self = (PlaytestDemoCharacter *)object;

  g_free (self->id);
  g_free (self->name);
  g_free (self->voice_type);
  g_free (self->backstory);
  g_free (self->start_section_id);
  g_free (self->voice.espeak_voice);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);

  G_OBJECT_CLASS (playtest_demo_character_parent_class)->finalize (object);
}

static void
playtest_demo_character_class_init (PlaytestDemoCharacterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = playtest_demo_character_finalize;
}

static void
playtest_demo_character_init (PlaytestDemoCharacter *self)
{
  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) demo_section_free);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) demo_rule_free);
}

/* Words ------------------------------------------------------------------------------------ */

static void
flush_word (GPtrArray *words,
            GString   *word)
{
  /* "ring'" from a quote is the word "ring" */
  while (word->len > 0 && word->str[word->len - 1] == '\'')
    g_string_truncate (word, word->len - 1);

  if (word->len > 0)
    g_ptr_array_add (words, g_strndup (word->str, word->len));

  g_string_truncate (word, 0);
}

/* Lower-case words of @text: runs of letters and digits, with inner apostrophes kept so that
 * "I'll" stays one word. Matching whole words is what keeps "hi" from firing on "this". */
static GPtrArray *
split_words (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *lower = g_utf8_strdown (valid, -1);
  g_autoptr(GString) word = g_string_new (NULL);
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0x2019) /* typographic apostrophe */
        c = '\'';

      if (g_unichar_isalnum (c) || (c == '\'' && word->len > 0))
        g_string_append_unichar (word, c);
      else
        flush_word (words, word);
    }
  flush_word (words, word);

  return words;
}

static gboolean
words_contain_phrase (GPtrArray   *words,
                      char       **phrase)
{
  guint n = g_strv_length (phrase);

  if (n == 0 || n > words->len)
    return FALSE;

  for (guint i = 0; i + n <= words->len; i++)
    {
      guint j = 0;

      while (j < n && g_str_equal (g_ptr_array_index (words, i + j), phrase[j]))
        j++;
      if (j == n)
        return TRUE;
    }

  return FALSE;
}

/* Loading ---------------------------------------------------------------------------------- */

static gboolean
invalid (GError     **error,
         const char  *where,
         const char  *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError     **error,
         const char  *where,
         const char  *format,
         ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, PLAYTEST_DEMO_ERROR, PLAYTEST_DEMO_ERROR_INVALID_DATA,
               _("Invalid demo characters: %s: %s"), where, detail);
  return FALSE;
}

static const char *
get_string (JsonObject  *object,
            const char  *member,
            const char  *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value = NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    value = json_node_get_string (node);

  if (value == NULL || *value == '\0')
    {
      invalid (error, where, _("“%s” must be a non-empty string"), member);
      return NULL;
    }

  return value;
}

static gboolean
get_optional_int (JsonObject  *object,
                  const char  *member,
                  double       fallback,
                  double      *value,
                  const char  *where,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = fallback;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return invalid (error, where, _("“%s” must be a number"), member);

  *value = json_node_get_double (node);
  return TRUE;
}

/* A list of non-empty strings; an absent member is an empty list unless @required. */
static char **
get_string_list (JsonObject  *object,
                 const char  *member,
                 gboolean     required,
                 const char  *where,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL && !required)
    return g_new0 (char *, 1);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (error, where, _("“%s” must be a list of strings"), member);
      return NULL;
    }

  array = json_node_get_array (node);
  if (required && json_array_get_length (array) == 0)
    {
      invalid (error, where, _("“%s” must not be empty"), member);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_STRING ||
          *json_node_get_string (element) == '\0')
        {
          invalid (error, where, _("“%s” must be a list of non-empty strings"), member);
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);
}

static JsonArray *
get_array (JsonObject  *object,
           const char  *member,
           const char  *where,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (error, where, _("“%s” must be a list"), member);
      return NULL;
    }

  return json_node_get_array (node);
}

static JsonObject *
get_element_object (JsonArray   *array,
                    guint        index,
                    const char  *where,
                    GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, where, _("item %u must be an object"), index + 1);
      return NULL;
    }

  return json_node_get_object (node);
}

static GPtrArray *
parse_keywords (char       **keywords,
                const char  *where,
                GError     **error)
{
  g_autoptr(GPtrArray) phrases = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; keywords[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) words = split_words (keywords[i]);

      if (words->len == 0)
        {
          invalid (error, where, _("keyword “%s” has no words"), keywords[i]);
          return NULL;
        }
      g_ptr_array_add (words, NULL);
      g_ptr_array_add (phrases, g_ptr_array_steal (words, NULL));
    }

  return g_steal_pointer (&phrases);
}

static gboolean
is_special_intent (const char *intent)
{
  return g_str_equal (intent, INTENT_DEFAULT) || g_str_equal (intent, INTENT_VOICE);
}

static DemoRule *
rule_from_json (JsonObject  *object,
                const char  *owner,
                guint        index,
                GError     **error)
{
  g_autofree char *where = g_strdup_printf (_("%s, rule %u"), owner, index + 1);
  g_auto(GStrv) keywords = NULL;
  DemoRule *rule;
  const char *intent, *emotion;

  if (!(intent = get_string (object, "intent", where, error)) ||
      !(emotion = get_string (object, "emotion", where, error)) ||
      !(keywords = get_string_list (object, "keywords", FALSE, where, error)))
    return NULL;

  if (!g_strv_contains (known_emotions, emotion))
    {
      invalid (error, where, _("unknown emotion “%s”"), emotion);
      return NULL;
    }

  /* A keyword rule without keywords could never fire; a default or voice rule with
   * keywords would fire in a way nobody reading the file expects. */
  if (is_special_intent (intent) != (keywords[0] == NULL))
    {
      invalid (error, where, is_special_intent (intent)
                               ? _("a “%s” rule takes no keywords")
                               : _("rule “%s” needs keywords"), intent);
      return NULL;
    }

  rule = g_new0 (DemoRule, 1);
  rule->intent = g_strdup (intent);
  rule->emotion = g_strdup (emotion);
  if (!(rule->keywords = parse_keywords (keywords, where, error)) ||
      !(rule->replies = get_string_list (object, "replies", TRUE, where, error)) ||
      !(rule->actions = get_string_list (object, "actions", FALSE, where, error)))
    {
      demo_rule_free (rule);
      return NULL;
    }

  if (json_object_has_member (object, "next_section") &&
      !(rule->next_section = g_strdup (get_string (object, "next_section", where, error))))
    {
      demo_rule_free (rule);
      return NULL;
    }

  return rule;
}

static gboolean
rules_from_json (JsonObject  *object,
                 GPtrArray   *rules,
                 const char  *owner,
                 GError     **error)
{
  JsonArray *array;

  if (!(array = get_array (object, "rules", owner, error)))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *element = get_element_object (array, i, owner, error);
      DemoRule *rule;

      if (element == NULL || !(rule = rule_from_json (element, owner, i, error)))
        return FALSE;
      g_ptr_array_add (rules, rule);
    }

  return TRUE;
}

static gboolean
decisions_from_json (JsonObject           *object,
                     PlaytestDemoSection  *section,
                     const char           *where,
                     GError              **error)
{
  JsonArray *array;

  if (!(array = get_array (object, "decisions", where, error)))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *element = get_element_object (array, i, where, error);
      const char *criteria, *next;
      PlaytestDemoDecision *decision;

      if (element == NULL ||
          !(criteria = get_string (element, "criteria", where, error)) ||
          !(next = get_string (element, "next_section_id", where, error)))
        return FALSE;

      decision = g_new0 (PlaytestDemoDecision, 1);
      decision->criteria = g_strdup (criteria);
      decision->next_section_id = g_strdup (next);
      g_ptr_array_add (section->decisions, decision);
    }

  return TRUE;
}

static PlaytestDemoSection *
section_from_json (JsonObject  *object,
                   const char  *owner,
                   GError     **error)
{
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func ((GDestroyNotify) demo_section_free);
  g_autofree char *where = NULL;
  PlaytestDemoSection *section;
  const char *id, *name, *objective;

  if (!(id = get_string (object, "section_id", owner, error)))
    return NULL;

  where = g_strdup_printf (_("%s, section “%s”"), owner, id);
  if (!(name = get_string (object, "section_name", where, error)) ||
      !(objective = get_string (object, "objective", where, error)))
    return NULL;

  section = g_new0 (PlaytestDemoSection, 1);
  g_ptr_array_add (holder, section);
  section->section_id = g_strdup (id);
  section->section_name = g_strdup (name);
  section->objective = g_strdup (objective);
  section->decisions = g_ptr_array_new_with_free_func ((GDestroyNotify) demo_decision_free);
  section->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) demo_rule_free);

  if (!decisions_from_json (object, section, where, error) ||
      !rules_from_json (object, section->rules, where, error))
    return NULL;

  return g_ptr_array_steal_index (holder, 0);
}

static gboolean
voice_from_json (JsonObject             *object,
                 PlaytestDemoCharacter  *self,
                 const char             *owner,
                 GError                **error)
{
  JsonNode *node = json_object_get_member (object, "voice");
  g_autofree char *where = g_strdup_printf (_("%s, voice"), owner);
  JsonObject *voice;
  double pitch, rate;

  self->voice.espeak_voice = g_strdup ("en");
  self->voice.pitch = 50;
  self->voice.rate = 165;
  self->voice.synthetic_hz = 160.0;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, owner, _("“voice” must be an object"));

  voice = json_node_get_object (node);
  if (json_object_has_member (voice, "espeak"))
    {
      const char *name = get_string (voice, "espeak", where, error);

      if (name == NULL)
        return FALSE;
      g_free (self->voice.espeak_voice);
      self->voice.espeak_voice = g_strdup (name);
    }

  if (!get_optional_int (voice, "pitch", 50, &pitch, where, error) ||
      !get_optional_int (voice, "rate", 165, &rate, where, error) ||
      !get_optional_int (voice, "synthetic_hz", 160, &self->voice.synthetic_hz, where, error))
    return FALSE;

  if (pitch < 0 || pitch > 99 || rate < 80 || rate > 450 ||
      self->voice.synthetic_hz < 50 || self->voice.synthetic_hz > 500)
    return invalid (error, where, _("pitch must be 0–99, rate 80–450 and synthetic_hz 50–500"));

  self->voice.pitch = (int) pitch;
  self->voice.rate = (int) rate;
  return TRUE;
}

static gboolean
has_intent (GPtrArray  *rules,
            const char *intent)
{
  for (guint i = 0; i < rules->len; i++)
    {
      DemoRule *rule = g_ptr_array_index (rules, i);

      if (g_str_equal (rule->intent, intent))
        return TRUE;
    }

  return FALSE;
}

static gboolean
check_rule_targets (PlaytestDemoCharacter *self,
                    GPtrArray             *rules,
                    const char            *where,
                    GError               **error)
{
  for (guint i = 0; i < rules->len; i++)
    {
      DemoRule *rule = g_ptr_array_index (rules, i);

      if (rule->next_section != NULL &&
          playtest_demo_character_lookup_section (self, rule->next_section) == NULL)
        return invalid (error, where, _("rule “%s” moves to unknown section “%s”"),
                        rule->intent, rule->next_section);
    }

  return TRUE;
}

/* Every reference between sections must resolve, or a conversation could end up nowhere. */
static gboolean
check_character (PlaytestDemoCharacter  *self,
                 const char             *where,
                 GError                **error)
{
  if (self->sections->len == 0)
    return invalid (error, where, _("a character needs at least one section"));

  if (!has_intent (self->rules, INTENT_DEFAULT))
    return invalid (error, where, _("the global rules need a “default” rule"));

  if (playtest_demo_character_lookup_section (self, self->start_section_id) == NULL)
    return invalid (error, where, _("start section “%s” does not exist"), self->start_section_id);

  if (!check_rule_targets (self, self->rules, where, error))
    return FALSE;

  for (guint i = 0; i < self->sections->len; i++)
    {
      PlaytestDemoSection *section = g_ptr_array_index (self->sections, i);
      g_autofree char *section_where = g_strdup_printf (_("%s, section “%s”"), where,
                                                        section->section_id);

      for (guint j = 0; j < i; j++)
        {
          PlaytestDemoSection *other = g_ptr_array_index (self->sections, j);

          if (g_str_equal (other->section_id, section->section_id))
            return invalid (error, where, _("section id “%s” is used twice"), other->section_id);
        }

      for (guint j = 0; j < section->decisions->len; j++)
        {
          PlaytestDemoDecision *decision = g_ptr_array_index (section->decisions, j);

          if (playtest_demo_character_lookup_section (self, decision->next_section_id) == NULL)
            return invalid (error, section_where, _("a decision leads to unknown section “%s”"),
                            decision->next_section_id);
        }

      if (!check_rule_targets (self, section->rules, section_where, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
sections_from_json (JsonObject             *object,
                    PlaytestDemoCharacter  *self,
                    const char             *where,
                    GError                **error)
{
  JsonArray *array;

  if (!(array = get_array (object, "sections", where, error)))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *element = get_element_object (array, i, where, error);
      PlaytestDemoSection *section;

      if (element == NULL || !(section = section_from_json (element, where, error)))
        return FALSE;
      g_ptr_array_add (self->sections, section);
    }

  return TRUE;
}

static PlaytestDemoCharacter *
character_from_json (JsonObject  *object,
                     guint        index,
                     GError     **error)
{
  g_autoptr(PlaytestDemoCharacter) self = g_object_new (PLAYTEST_TYPE_DEMO_CHARACTER, NULL);
  g_autofree char *where = g_strdup_printf (_("character %u"), index + 1);
  const char *id, *name, *voice_type, *backstory, *start;

  if (!(id = get_string (object, "id", where, error)))
    return NULL;

  g_free (where);
  where = g_strdup_printf (_("character “%s”"), id);
  if (!(name = get_string (object, "name", where, error)) ||
      !(voice_type = get_string (object, "voice_type", where, error)) ||
      !(backstory = get_string (object, "backstory", where, error)) ||
      !(start = get_string (object, "start_section", where, error)))
    return NULL;

  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->voice_type = g_strdup (voice_type);
  self->backstory = g_strdup (backstory);
  self->start_section_id = g_strdup (start);

  if (!voice_from_json (object, self, where, error) ||
      !sections_from_json (object, self, where, error) ||
      !rules_from_json (object, self->rules, where, error) ||
      !check_character (self, where, error))
    return NULL;

  return g_steal_pointer (&self);
}

static gboolean
add_character (GPtrArray              *characters,
               PlaytestDemoCharacter  *character,
               GError                **error)
{
  for (guint i = 0; i < characters->len; i++)
    {
      PlaytestDemoCharacter *other = g_ptr_array_index (characters, i);

      if (g_str_equal (other->id, character->id))
        {
          g_object_unref (character);
          /* Translators: where in the demo characters file: its list of characters */
          return invalid (error, _("characters"), _("id “%s” is used twice"), other->id);
        }
    }

  g_ptr_array_add (characters, character);
  return TRUE;
}

/**
 * playtest_demo_characters_load_from_data:
 * @json: the JSON text of a demo characters file
 * @length: length of @json in bytes, or -1 if it is nul-terminated
 * @error: return location for a #GError
 *
 * Parses and checks demo characters: every field present, every section reference
 * resolvable, every emotion known, a default rule present. Errors say where the problem is.
 *
 * Returns: (transfer full) (element-type PlaytestDemoCharacter): the characters, in file
 *   order, or %NULL with @error set
 */
GPtrArray *
playtest_demo_characters_load_from_data (const char  *json,
                                         gssize       length,
                                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) characters = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, PLAYTEST_DEMO_ERROR, PLAYTEST_DEMO_ERROR_INVALID_DATA,
                   _("Invalid demo characters: not JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, _("file"), _("the top level must be an object"));
      return NULL;
    }

  if (!(array = get_array (json_node_get_object (root), "characters", _("file"), error)))
    return NULL;

  if (json_array_get_length (array) == 0)
    {
      invalid (error, _("file"), _("there are no characters"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = get_element_object (array, i, _("characters"), error);
      PlaytestDemoCharacter *character;

      if (object == NULL ||
          !(character = character_from_json (object, i, error)) ||
          !add_character (characters, character, error))
        return NULL;
    }

  return g_steal_pointer (&characters);
}

/**
 * playtest_demo_characters_load_default:
 * @error: return location for a #GError
 *
 * Loads the demo characters compiled into the demo library.
 *
 * Returns: (transfer full) (element-type PlaytestDemoCharacter): the characters, or %NULL
 *   with @error set
 */
GPtrArray *
playtest_demo_characters_load_default (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;

  /* Looking up through our own GResource (not the global registry) also makes sure the
   * resource object is linked in from the static library. */
  bytes = g_resource_lookup_data (playtest_demo_get_resource (), PLAYTEST_DEMO_CHARACTERS_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  return playtest_demo_characters_load_from_data (g_bytes_get_data (bytes, NULL),
                                                  g_bytes_get_size (bytes), error);
}

/* Accessors -------------------------------------------------------------------------------- */

/**
 * playtest_demo_character_get_id:
 * @self: a #PlaytestDemoCharacter
 *
 * Returns: the character id, as sent in `charID`
 */
const char *
playtest_demo_character_get_id (PlaytestDemoCharacter *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);
  return self->id;
}

/**
 * playtest_demo_character_get_name:
 * @self: a #PlaytestDemoCharacter
 *
 * Returns: the display name
 */
const char *
playtest_demo_character_get_name (PlaytestDemoCharacter *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);
  return self->name;
}

/**
 * playtest_demo_character_get_voice_type:
 * @self: a #PlaytestDemoCharacter
 *
 * Returns: the voice type, in words
 */
const char *
playtest_demo_character_get_voice_type (PlaytestDemoCharacter *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);
  return self->voice_type;
}

/**
 * playtest_demo_character_get_backstory:
 * @self: a #PlaytestDemoCharacter
 *
 * Returns: the backstory
 */
const char *
playtest_demo_character_get_backstory (PlaytestDemoCharacter *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);
  return self->backstory;
}

/**
 * playtest_demo_character_get_start_section_id:
 * @self: a #PlaytestDemoCharacter
 *
 * Returns: the id of the section a new session starts in
 */
const char *
playtest_demo_character_get_start_section_id (PlaytestDemoCharacter *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);
  return self->start_section_id;
}

/**
 * playtest_demo_character_get_voice:
 * @self: a #PlaytestDemoCharacter
 *
 * Returns: (transfer none): how the character sounds
 */
const PlaytestDemoVoice *
playtest_demo_character_get_voice (PlaytestDemoCharacter *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);
  return &self->voice;
}

/**
 * playtest_demo_character_get_sections:
 * @self: a #PlaytestDemoCharacter
 *
 * Returns: (transfer none) (element-type PlaytestDemoSection): the narrative sections, in order
 */
GPtrArray *
playtest_demo_character_get_sections (PlaytestDemoCharacter *self)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);
  return self->sections;
}

/**
 * playtest_demo_character_lookup_section:
 * @self: a #PlaytestDemoCharacter
 * @id: (nullable): a section id
 *
 * Returns: (transfer none) (nullable): the section with that id, or %NULL
 */
const PlaytestDemoSection *
playtest_demo_character_lookup_section (PlaytestDemoCharacter *self,
                                        const char            *id)
{
  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);

  if (id == NULL)
    return NULL;

  for (guint i = 0; i < self->sections->len; i++)
    {
      PlaytestDemoSection *section = g_ptr_array_index (self->sections, i);

      if (g_str_equal (section->section_id, id))
        return section;
    }

  return NULL;
}

/* Rules ------------------------------------------------------------------------------------ */

static DemoRule *
find_intent (GPtrArray  *rules,
             const char *intent)
{
  for (guint i = 0; i < rules->len; i++)
    {
      DemoRule *rule = g_ptr_array_index (rules, i);

      if (g_str_equal (rule->intent, intent))
        return rule;
    }

  return NULL;
}

static DemoRule *
find_keyword_rule (GPtrArray *rules,
                   GPtrArray *words)
{
  for (guint i = 0; i < rules->len; i++)
    {
      DemoRule *rule = g_ptr_array_index (rules, i);

      for (guint j = 0; j < rule->keywords->len; j++)
        if (words_contain_phrase (words, g_ptr_array_index (rule->keywords, j)))
          return rule;
    }

  return NULL;
}

static DemoRule *
choose_rule (PlaytestDemoCharacter     *self,
             const PlaytestDemoSection *section,
             const char                *user_text)
{
  DemoRule *rule = NULL;

  if (user_text == NULL)
    {
      rule = find_intent (section->rules, INTENT_VOICE);
      if (rule == NULL)
        rule = find_intent (self->rules, INTENT_VOICE);
    }
  else
    {
      g_autoptr(GPtrArray) words = split_words (user_text);

      rule = find_keyword_rule (section->rules, words);
      if (rule == NULL)
        rule = find_keyword_rule (self->rules, words);
    }

  if (rule == NULL)
    rule = find_intent (section->rules, INTENT_DEFAULT);
  if (rule == NULL)
    rule = find_intent (self->rules, INTENT_DEFAULT);

  return rule;
}

/**
 * playtest_demo_character_respond:
 * @self: a #PlaytestDemoCharacter
 * @section_id: (nullable): the section the session is in; %NULL or an unknown id means the
 *   start section
 * @turn: how many turns the session has had before this one
 * @user_text: (nullable): what the user said, or %NULL for audio input (the `voice` intent)
 *
 * Answers one user turn by the character's rules. Pure: the same arguments always give the
 * same response, and nothing is remembered; the caller keeps the session state.
 *
 * Returns: (transfer full): the response
 */
PlaytestDemoResponse *
playtest_demo_character_respond (PlaytestDemoCharacter *self,
                                 const char            *section_id,
                                 guint                  turn,
                                 const char            *user_text)
{
  const PlaytestDemoSection *section;
  PlaytestDemoResponse *response;
  DemoRule *rule;

  g_return_val_if_fail (PLAYTEST_IS_DEMO_CHARACTER (self), NULL);

  section = playtest_demo_character_lookup_section (self, section_id);
  if (section == NULL)
    section = playtest_demo_character_lookup_section (self, self->start_section_id);

  /* Loading guarantees a global default rule, so there is always an answer. */
  rule = choose_rule (self, section, user_text);
  g_assert (rule != NULL);

  response = g_new0 (PlaytestDemoResponse, 1);
  response->intent = g_strdup (rule->intent);
  response->text = g_strdup (rule->replies[turn % g_strv_length (rule->replies)]);
  response->emotion = g_strdup (rule->emotion);
  response->actions = g_strdupv (rule->actions);
  response->section_id = g_strdup (rule->next_section ? rule->next_section : section->section_id);
  response->transitioned = !g_str_equal (response->section_id, section->section_id);

  return response;
}

/**
 * playtest_demo_response_free:
 * @response: (nullable): a #PlaytestDemoResponse
 *
 * Frees @response.
 */
void
playtest_demo_response_free (PlaytestDemoResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->intent);
  g_free (response->text);
  g_free (response->emotion);
  g_strfreev (response->actions);
  g_free (response->section_id);
  g_free (response);
}

/* Streaming pieces ------------------------------------------------------------------------- */

static gsize
sentence_end_length (const char *p)
{
  if (*p == '.' || *p == '!' || *p == '?')
    return 1;
  if (g_str_has_prefix (p, "\xe2\x80\xa6")) /* … */
    return 3;
  return 0;
}

/**
 * playtest_demo_split_text:
 * @text: a reply text
 *
 * Splits a reply into the pieces a stream sends: one per sentence, and long sentences also
 * at commas, semicolons and colons. Whitespace after a break stays with the piece before it,
 * so the pieces joined give back exactly @text.
 *
 * Returns: (transfer full): the pieces, at least one
 */
char **
playtest_demo_split_text (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *start = text;
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  while (*p != '\0')
    {
      gsize end = sentence_end_length (p);
      gboolean clause = (*p == ',' || *p == ';' || *p == ':');

      if (end == 0 && !(clause && (gsize) (p - start) >= MIN_CLAUSE_BYTES))
        {
          p++;
          continue;
        }

      p += MAX (end, 1);
      while (sentence_end_length (p) > 0 || *p == '"' || *p == ')')
        p += MAX (sentence_end_length (p), 1);

      if (g_ascii_isspace (*p))
        {
          while (g_ascii_isspace (*p))
            p++;
          if (*p != '\0')
            {
              g_autofree char *piece = g_strndup (start, p - start);

              g_strv_builder_add (builder, piece);
              start = p;
            }
        }
    }

  if (*start != '\0' || start == text)
    g_strv_builder_add (builder, start);

  return g_strv_builder_end (builder);
}
