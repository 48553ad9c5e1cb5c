/* playtest-character.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-character.h"
#include "playtest-client-error.h"
#include "playtest-client-error-private.h"

#define EXCERPT_MAX_CHARS 80

/**
 * playtest_character_info_free:
 * @info: (nullable): a character
 */
void
playtest_character_info_free (PlaytestCharacterInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->character_id);
  g_free (info->character_name);
  g_free (info->voice_type);
  g_free (info->start_narrative_section_id);
  g_free (info);
}

/**
 * playtest_narrative_section_free:
 * @section: (nullable): a narrative section
 */
void
playtest_narrative_section_free (PlaytestNarrativeSection *section)
{
  if (section == NULL)
    return;

  g_free (section->section_id);
  g_free (section->section_name);
  g_free (section->objective);
  g_strfreev (section->next_section_ids);
  g_free (section);
}

/* A member as text: strings as they are, numbers as digits (ids sometimes come as numbers),
 * anything else or empty as %NULL. */
static char *
dup_text_member (JsonObject *object,
                 const char *key)
{
  JsonNode *node = json_object_get_member (object, key);
  char *text = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      text = g_strdup (json_node_get_string (node));
      break;
    case G_TYPE_INT64:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      break;
    default:
      break;
    }

  if (text != NULL && g_strstrip (text)[0] == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

static char *
dup_first_text_member (JsonObject         *object,
                       const char * const *keys)
{
  for (guint i = 0; keys[i] != NULL; i++)
    {
      char *text = dup_text_member (object, keys[i]);

      if (text != NULL)
        return text;
    }

  return NULL;
}

static gboolean
get_flag_member (JsonObject *object,
                 const char *key)
{
  JsonNode *node = json_object_get_member (object, key);
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_INT64:
      return json_node_get_int (node) != 0;
    case G_TYPE_STRING:
      text = json_node_get_string (node);
      return g_ascii_strcasecmp (text, "true") == 0 || g_strcmp0 (text, "1") == 0;
    default:
      return FALSE;
    }
}

/* The list of a reply: the body itself if it is an array, else the array under @key. */
static JsonArray *
find_list (JsonNode   *root,
           const char *key)
{
  JsonNode *member;

  if (JSON_NODE_HOLDS_ARRAY (root))
    return json_node_get_array (root);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  member = json_object_get_member (json_node_get_object (root), key);
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    return NULL;

  return json_node_get_array (member);
}

static JsonArray *
parse_list (const char  *json,
            gssize       length,
            const char  *key,
            JsonNode   **root_out,
            GError     **error)
{
  g_autoptr(JsonNode) root = playtest_json_parse (json, length);
  g_autofree char *excerpt = NULL;
  JsonArray *list;

  if (root != NULL && (list = find_list (root, key)) != NULL)
    {
      *root_out = g_steal_pointer (&root);
      return list;
    }

  excerpt = json != NULL ? playtest_text_excerpt (json, length, EXCERPT_MAX_CHARS) : NULL;
  g_set_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REPLY,
               _("The service sent a list that could not be read: “%s”"),
               excerpt != NULL ? excerpt : "");

  return NULL;
}

typedef gpointer (*EntryFromObject) (JsonObject *object);

/* Each object of the list that @from_object accepts, in order; other entries are skipped. */
static GPtrArray *
parse_entries (const char      *json,
               gssize           length,
               const char      *key,
               EntryFromObject  from_object,
               GDestroyNotify   free_entry,
               GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *entries;
  JsonArray *list;

  list = parse_list (json, length, key, &root, error);
  if (list == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func (free_entry);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      gpointer entry;

      if (JSON_NODE_HOLDS_OBJECT (node)
          && (entry = from_object (json_node_get_object (node))) != NULL)
        g_ptr_array_add (entries, entry);
    }

  return entries;
}

static PlaytestCharacterInfo *
character_from_object (JsonObject *object)
{
  static const char * const id_keys[] = { "character_id", "charID", "id", NULL };
  static const char * const name_keys[] = { "character_name", "name", NULL };
  g_autoptr(PlaytestCharacterInfo) info = g_new0 (PlaytestCharacterInfo, 1);

  info->character_id = dup_first_text_member (object, id_keys);
  if (info->character_id == NULL)
    return NULL;

  info->character_name = dup_first_text_member (object, name_keys);
  if (info->character_name == NULL)
    info->character_name = g_strdup (info->character_id);
  info->voice_type = dup_text_member (object, "voice_type");
  info->start_narrative_section_id = dup_text_member (object, "start_narrative_section_id");
  info->is_narrative_driven = get_flag_member (object, "is_narrative_driven");

  return g_steal_pointer (&info);
}

/**
 * playtest_character_list_parse:
 * @json: the body of `POST /character/list`
 * @length: its length, or -1 if NUL-terminated
 * @error: return location for a %PLAYTEST_CLIENT_ERROR_BAD_REPLY
 *
 * Reads `{"characters": [...]}` (or a bare array). Entries without an id cannot be talked
 * to and are skipped; an entry without a name is named by its id.
 *
 * Returns: (transfer full) (element-type PlaytestCharacterInfo): the characters
 */
GPtrArray *
playtest_character_list_parse (const char  *json,
                               gssize       length,
                               GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_entries (json, length, "characters", (EntryFromObject) character_from_object,
                        (GDestroyNotify) playtest_character_info_free, error);
}

/* Where a section's decisions lead, each section once, in the designer's order. */
static char **
next_section_ids (JsonObject *object)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  JsonNode *decisions = json_object_get_member (object, "decisions");
  JsonArray *array;

  if (decisions != NULL && JSON_NODE_HOLDS_ARRAY (decisions))
    {
      array = json_node_get_array (decisions);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          g_autofree char *id = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          id = dup_text_member (json_node_get_object (node), "next_section_id");
          if (id != NULL
              && (ids->len == 0 || !g_strv_contains ((const char * const *) ids->pdata, id)))
            g_ptr_array_add (ids, g_steal_pointer (&id));
        }
    }

  if (ids->len == 0)
    return g_new0 (char *, 1);

  return (char **) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

static PlaytestNarrativeSection *
section_from_object (JsonObject *object)
{
  g_autoptr(PlaytestNarrativeSection) section = g_new0 (PlaytestNarrativeSection, 1);
  static const char * const id_keys[] = { "section_id", "id", NULL };
  static const char * const name_keys[] = { "section_name", "name", NULL };

  section->section_id = dup_first_text_member (object, id_keys);
  if (section->section_id == NULL)
    return NULL;

  section->section_name = dup_first_text_member (object, name_keys);
  if (section->section_name == NULL)
    section->section_name = g_strdup (section->section_id);
  section->objective = dup_text_member (object, "objective");
  section->next_section_ids = next_section_ids (object);

  return g_steal_pointer (&section);
}

/**
 * playtest_narrative_sections_parse:
 * @json: the body of `POST /character/narrative/list-sections`
 * @length: its length, or -1 if NUL-terminated
 * @error: return location for a %PLAYTEST_CLIENT_ERROR_BAD_REPLY
 *
 * Reads the array of sections (or `{"sections": [...]}`). Sections without an id are
 * skipped; a section without a name is named by its id.
 *
 * Returns: (transfer full) (element-type PlaytestNarrativeSection): the sections
 */
GPtrArray *
playtest_narrative_sections_parse (const char  *json,
                                   gssize       length,
                                   GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_entries (json, length, "sections", (EntryFromObject) section_from_object,
                        (GDestroyNotify) playtest_narrative_section_free, error);
}
