/* playtest-json.c
 *
 * Small helpers for the JSON the core writes (transcripts, run reports): a missing value is
 * written as `null` rather than left out, so that readers find every member in every object.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-json.h"

/**
 * playtest_json_add_string:
 * @builder: a builder inside an object
 * @name: the member name
 * @value: (nullable): the string, or %NULL for a JSON null
 */
void
playtest_json_add_string (JsonBuilder *builder,
                          const char  *name,
                          const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * playtest_json_add_optional_int:
 * @builder: a builder inside an object
 * @name: the member name
 * @value: a count or a duration, or a negative number for “never happened”, written as null
 *   rather than as a number that lies
 */
void
playtest_json_add_optional_int (JsonBuilder *builder,
                                const char  *name,
                                gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value >= 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * playtest_json_add_date_time:
 * @builder: a builder inside an object
 * @name: the member name
 * @time: (nullable): a moment, written in ISO 8601 with its offset; %NULL for a JSON null
 */
void
playtest_json_add_date_time (JsonBuilder *builder,
                             const char  *name,
                             GDateTime   *time)
{
  g_autofree char *iso = time != NULL ? g_date_time_format_iso8601 (time) : NULL;

  playtest_json_add_string (builder, name, iso);
}

/**
 * playtest_json_add_strv:
 * @builder: a builder inside an object
 * @name: the member name
 * @values: (nullable) (array zero-terminated=1): strings; %NULL for an empty array
 */
void
playtest_json_add_strv (JsonBuilder        *builder,
                        const char         *name,
                        const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}
