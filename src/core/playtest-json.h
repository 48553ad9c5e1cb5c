/* playtest-json.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Members that are `null` when absent, as every JSON the tools write promises. */
void playtest_json_add_string       (JsonBuilder        *builder,
                                     const char         *name,
                                     const char         *value);
void playtest_json_add_optional_int (JsonBuilder        *builder,
                                     const char         *name,
                                     gint64              value);
void playtest_json_add_date_time    (JsonBuilder        *builder,
                                     const char         *name,
                                     GDateTime          *time);
void playtest_json_add_strv         (JsonBuilder        *builder,
                                     const char         *name,
                                     const char * const *values);

G_END_DECLS
