/* playtest-client-error-private.h
 *
 * What the parsers share: reading JSON that may not be JSON, showing untrusted server text to
 * the user, and telling a `process_failure` reply from a real one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *playtest_json_parse                            (const char *text,
                                                         gssize      length);
gboolean  playtest_json_node_is_string                   (JsonNode   *node);
char     *playtest_text_excerpt                          (const char *text,
                                                         gssize      length,
                                                         guint       max_chars);
gboolean  playtest_client_error_object_is_process_failure (JsonObject *object);

G_END_DECLS
