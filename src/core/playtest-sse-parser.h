/* playtest-sse-parser.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PlaytestSseParser PlaytestSseParser;

/**
 * PlaytestSseEventFunc:
 * @data: the payload of one event (the `data:` lines joined), or one JSON object of a
 *   `}{`-joined body; always NUL-terminated
 * @length: its length in bytes
 * @user_data: closure
 *
 * Called once per complete event, in arrival order.
 */
typedef void (*PlaytestSseEventFunc) (const char *data,
                                      gsize       length,
                                      gpointer    user_data);

PlaytestSseParser *playtest_sse_parser_new    (PlaytestSseEventFunc  func,
                                               gpointer              user_data);
void               playtest_sse_parser_feed   (PlaytestSseParser    *self,
                                               const char           *data,
                                               gsize                 length);
void               playtest_sse_parser_finish (PlaytestSseParser    *self);
void               playtest_sse_parser_free   (PlaytestSseParser    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestSseParser, playtest_sse_parser_free)

G_END_DECLS
