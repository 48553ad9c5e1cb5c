/* playtest-reply.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "playtest-wav.h"

G_BEGIN_DECLS

/**
 * PlaytestTimings:
 * @request_start: monotonic time (µs) when the request was handed to the network
 * @first_byte: when the first byte of the reply body arrived, or 0
 * @first_audio: when the first audio of the reply was complete, or 0
 * @complete: when the whole reply had arrived, or 0
 *
 * Timings of one exchange, from g_get_monotonic_time(). Differences are what matter.
 */
typedef struct
{
  gint64 request_start;
  gint64 first_byte;
  gint64 first_audio;
  gint64 complete;
} PlaytestTimings;

#define PLAYTEST_TYPE_REPLY (playtest_reply_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestReply, playtest_reply, PLAYTEST, REPLY, GObject)

PlaytestReply         *playtest_reply_new_from_json          (const char    *json,
                                                              gssize         length,
                                                              GError       **error);
PlaytestReply         *playtest_reply_new_from_bytes         (GBytes        *body,
                                                              GError       **error);

const char            *playtest_reply_get_text               (PlaytestReply *self);
const char            *playtest_reply_get_session_id         (PlaytestReply *self);
const char            *playtest_reply_get_character_id      (PlaytestReply *self);
const char            *playtest_reply_get_emotion            (PlaytestReply *self);
const char            *playtest_reply_get_action             (PlaytestReply *self);
const char * const    *playtest_reply_get_actions            (PlaytestReply *self);
const char            *playtest_reply_get_narrative_section_id (PlaytestReply *self);
const char            *playtest_reply_get_user_query         (PlaytestReply *self);
const char            *playtest_reply_get_tag                (PlaytestReply *self);
const char            *playtest_reply_get_response           (PlaytestReply *self);
int                    playtest_reply_get_sample_rate_hint   (PlaytestReply *self);
GBytes                *playtest_reply_get_audio              (PlaytestReply *self);
const PlaytestWavInfo *playtest_reply_get_audio_info         (PlaytestReply *self);
GPtrArray             *playtest_reply_get_audio_chunks       (PlaytestReply *self);
const char            *playtest_reply_get_raw_json           (PlaytestReply *self);
const char * const    *playtest_reply_get_warnings           (PlaytestReply *self);
const PlaytestTimings *playtest_reply_get_timings            (PlaytestReply *self);
gboolean               playtest_reply_was_streamed           (PlaytestReply *self);

G_END_DECLS
