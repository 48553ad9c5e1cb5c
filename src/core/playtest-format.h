/* playtest-format.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char       *playtest_format_duration     (gint64      ms);
char       *playtest_format_clock_time   (GDateTime  *time);
char       *playtest_format_date_time    (GDateTime  *time);
char       *playtest_format_time         (GDateTime  *time);
const char *playtest_format_section_name (GHashTable *section_names,
                                          const char *section_id);
char       *playtest_format_quoted       (const char *text,
                                          guint       max_chars);
char       *playtest_format_quoted_list  (const char * const *items,
                                          guint       max_chars);

G_END_DECLS
