/* playtest-reply-private.h
 *
 * What the client and the stream assembler need to build a reply piece by piece.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "playtest-reply.h"

G_BEGIN_DECLS

PlaytestReply   *playtest_reply_new                (void);

char            *playtest_reply_merge_object       (PlaytestReply  *self,
                                                    JsonObject     *object,
                                                    gboolean        append_text,
                                                    GBytes        **audio_out);
char            *playtest_reply_merge_json         (PlaytestReply  *self,
                                                    const char     *json,
                                                    gsize           length,
                                                    gboolean        append_text,
                                                    GBytes        **audio_out,
                                                    GError        **error);
void             playtest_reply_add_warning        (PlaytestReply  *self,
                                                    const char     *format,
                                                    ...) G_GNUC_PRINTF (2, 3);
void             playtest_reply_set_raw_json       (PlaytestReply  *self,
                                                    const char     *raw_json);
void             playtest_reply_set_streamed       (PlaytestReply  *self,
                                                    gboolean        streamed);
PlaytestTimings *playtest_reply_get_timings_mut    (PlaytestReply  *self);

G_END_DECLS
