/* playtest-run-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "playtest-run-record.h"

/* The reverse of playtest_runner_results_to_json(), for the steps only: the app shows a
 * past run from the history store without parsing JSON itself. Members that are missing or
 * of another type read as absent: a record written by an older version still shows. */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      absent)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return absent;

  return json_node_get_int (node);
}

static PlaytestStepStatus
status_from_nick (const char *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (PLAYTEST_TYPE_STEP_STATUS);
  GEnumValue *value = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return value != NULL ? (PlaytestStepStatus) value->value : PLAYTEST_STEP_STATUS_WAITING;
}

static GPtrArray *
checks_from_array (JsonArray *array)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_check_free);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *key = object != NULL ? member_string (object, "key") : NULL;

      if (key == NULL)
        continue;

      g_ptr_array_add (checks, playtest_check_new (key,
                                                   json_object_get_boolean_member_with_default (
                                                     object, "passed", FALSE),
                                                   member_string (object, "expected"),
                                                   member_string (object, "actual")));
    }

  return checks;
}

static PlaytestStepRecord *
record_from_object (JsonObject *object,
                    guint       index)
{
  PlaytestStepRecord *record = g_new0 (PlaytestStepRecord, 1);
  JsonNode *checks = json_object_get_member (object, "checks");

  record->index = index;
  record->description = g_strdup (member_string (object, "description"));
  record->status = status_from_nick (member_string (object, "status"));
  record->checks = checks_from_array (checks != NULL && JSON_NODE_HOLDS_ARRAY (checks)
                                        ? json_node_get_array (checks) : NULL);
  record->error = g_strdup (member_string (object, "error"));
  record->n_rate_limited = CLAMP (member_int (object, "rate_limited", 0), 0, G_MAXUINT);
  record->turn_id = member_int (object, "turn_id", -1);
  record->conversation_id = g_strdup (member_string (object, "conversation_id"));

  return record;
}

/**
 * playtest_step_record_free:
 * @record: (transfer full): a step record
 */
void
playtest_step_record_free (PlaytestStepRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->description);
  g_clear_pointer (&record->checks, g_ptr_array_unref);
  g_free (record->error);
  g_free (record->conversation_id);
  g_free (record);
}

/**
 * playtest_step_records_from_json:
 * @results_json: a run's results, as playtest_runner_results_to_json() wrote them
 * @error: return location for a #JSON_PARSER_ERROR or %G_IO_ERROR_INVALID_DATA
 *
 * Reads back the steps of a run kept in the history store.
 *
 * Returns: (transfer full) (element-type PlaytestStepRecord) (nullable): the steps in
 *   order, or %NULL with @error set when @results_json is not a run's results
 */
GPtrArray *
playtest_step_records_from_json (const char  *results_json,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) records = NULL;
  JsonNode *root, *steps;
  JsonArray *array;

  g_return_val_if_fail (results_json != NULL, NULL);

  if (!json_parser_load_from_data (parser, results_json, -1, error))
    return NULL;

  root = json_parser_get_root (parser);
  steps = JSON_NODE_HOLDS_OBJECT (root)
            ? json_object_get_member (json_node_get_object (root), "steps") : NULL;
  if (steps == NULL || !JSON_NODE_HOLDS_ARRAY (steps))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The run’s record has no steps"));
      return NULL;
    }

  array = json_node_get_array (steps);
  records = g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_step_record_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (records, record_from_object (json_node_get_object (node),
                                                      records->len));
    }

  return g_steal_pointer (&records);
}
