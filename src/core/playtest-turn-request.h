/* playtest-turn-request.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The contract's placeholder for `userText` when the user speaks instead of typing. */
#define PLAYTEST_USER_PERFORMED_ACTIONS "(USER_PERFORMED_ACTIONS)"

/* The session id that asks the service to start a new session. */
#define PLAYTEST_NEW_SESSION_ID "-1"

/* A PlaytestTurnRequest is one user line (typed or spoken) on its way to a character. While a
 * streamed reply arrives it emits `text-piece` (const char *piece) for each new piece of text and
 * `audio-chunk` (GBytes *wav) for each little WAV, on the main context of the caller. */

#define PLAYTEST_TYPE_TURN_REQUEST (playtest_turn_request_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestTurnRequest, playtest_turn_request, PLAYTEST, TURN_REQUEST, GObject)

PlaytestTurnRequest *playtest_turn_request_new               (const char          *character_id,
                                                              const char          *session_id,
                                                              const char          *user_text);
PlaytestTurnRequest *playtest_turn_request_new_for_audio     (const char          *character_id,
                                                              const char          *session_id,
                                                              GBytes              *wav);

const char          *playtest_turn_request_get_character_id  (PlaytestTurnRequest *self);
const char          *playtest_turn_request_get_session_id    (PlaytestTurnRequest *self);
void                 playtest_turn_request_set_session_id    (PlaytestTurnRequest *self,
                                                              const char          *session_id);
const char          *playtest_turn_request_get_user_text     (PlaytestTurnRequest *self);
GBytes              *playtest_turn_request_get_audio         (PlaytestTurnRequest *self);
gboolean             playtest_turn_request_get_voice_response (PlaytestTurnRequest *self);
void                 playtest_turn_request_set_voice_response (PlaytestTurnRequest *self,
                                                               gboolean             voice_response);
gboolean             playtest_turn_request_get_stream        (PlaytestTurnRequest *self);
void                 playtest_turn_request_set_stream        (PlaytestTurnRequest *self,
                                                              gboolean             stream);

SoupMultipart       *playtest_turn_request_build_multipart   (PlaytestTurnRequest *self,
                                                              gboolean             with_user_text);

G_END_DECLS
