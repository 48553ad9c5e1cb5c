/* playtest-turn.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "playtest-reply.h"
#include "playtest-turn-request.h"

G_BEGIN_DECLS

/**
 * PlaytestTurnState:
 * @PLAYTEST_TURN_PENDING: sent (or about to be), nothing back yet
 * @PLAYTEST_TURN_STREAMING: a streamed reply is arriving; the reply text grows
 * @PLAYTEST_TURN_COMPLETE: the reply arrived
 * @PLAYTEST_TURN_FAILED: the service, the network or the user ended it; see the error
 *
 * Where a turn is in its life. A failed turn keeps everything the user typed or recorded,
 * so it can be sent again.
 */
typedef enum
{
  PLAYTEST_TURN_PENDING,
  PLAYTEST_TURN_STREAMING,
  PLAYTEST_TURN_COMPLETE,
  PLAYTEST_TURN_FAILED,
} PlaytestTurnState;

#define PLAYTEST_TYPE_TURN_STATE (playtest_turn_state_get_type ())
#define PLAYTEST_TYPE_TURN (playtest_turn_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestTurn, playtest_turn, PLAYTEST, TURN, GObject)

GType               playtest_turn_state_get_type          (void) G_GNUC_CONST;

/* One line of the user (typed or spoken) and the character's answer to it: a flat record,
 * so that a turn restored from the history store is the same object as a live one. Every
 * property notifies; views observe turns and never parse replies themselves. */
PlaytestTurn       *playtest_turn_new                     (const char          *character_id,
                                                           const char          *user_text);
PlaytestTurn       *playtest_turn_new_for_audio           (const char          *character_id,
                                                           GBytes              *wav);

gint64              playtest_turn_get_id                  (PlaytestTurn        *self);
void                playtest_turn_set_id                  (PlaytestTurn        *self,
                                                           gint64               id);
const char         *playtest_turn_get_character_id        (PlaytestTurn        *self);
const char         *playtest_turn_get_session_id          (PlaytestTurn        *self);
void                playtest_turn_set_session_id          (PlaytestTurn        *self,
                                                           const char          *session_id);
GDateTime          *playtest_turn_get_sent_at             (PlaytestTurn        *self);
PlaytestTurnState   playtest_turn_get_state               (PlaytestTurn        *self);

/* What the user said. */
const char         *playtest_turn_get_user_text           (PlaytestTurn        *self);
gboolean            playtest_turn_is_voice                (PlaytestTurn        *self);
GBytes             *playtest_turn_get_user_audio          (PlaytestTurn        *self);
const char         *playtest_turn_get_user_audio_path     (PlaytestTurn        *self);
guint               playtest_turn_get_user_audio_duration_ms (PlaytestTurn     *self);

/* What came back. */
const char         *playtest_turn_get_reply_text          (PlaytestTurn        *self);
const char         *playtest_turn_get_user_query          (PlaytestTurn        *self);
const char         *playtest_turn_get_emotion             (PlaytestTurn        *self);
const char         *playtest_turn_get_action              (PlaytestTurn        *self);
const char * const *playtest_turn_get_actions             (PlaytestTurn        *self);
const char         *playtest_turn_get_narrative_section_id (PlaytestTurn      *self);
GBytes             *playtest_turn_get_reply_audio         (PlaytestTurn        *self);
const char         *playtest_turn_get_reply_audio_path    (PlaytestTurn        *self);
guint               playtest_turn_get_reply_audio_duration_ms (PlaytestTurn    *self);
const char         *playtest_turn_get_reply_json          (PlaytestTurn        *self);
const char * const *playtest_turn_get_warnings            (PlaytestTurn        *self);
const PlaytestTimings *playtest_turn_get_timings          (PlaytestTurn        *self);
gint64              playtest_turn_get_latency_ms          (PlaytestTurn        *self);
gint64              playtest_turn_get_first_audio_ms      (PlaytestTurn        *self);
const char         *playtest_turn_get_request_description (PlaytestTurn        *self);

/* Why it failed, when it did. */
const GError       *playtest_turn_get_error               (PlaytestTurn        *self);

/* Used by PlaytestConversation as the turn goes out and comes back. */
PlaytestTurnRequest *playtest_turn_build_request          (PlaytestTurn        *self,
                                                           gboolean             voice_response,
                                                           gboolean             stream);
void                playtest_turn_mark_pending            (PlaytestTurn        *self);
void                playtest_turn_append_text             (PlaytestTurn        *self,
                                                           const char          *piece);
void                playtest_turn_complete                (PlaytestTurn        *self,
                                                           PlaytestReply       *reply);
void                playtest_turn_fail                    (PlaytestTurn        *self,
                                                           const GError        *error);

/* Used by PlaytestHistory, which owns the files. */
void                playtest_turn_set_audio_paths         (PlaytestTurn        *self,
                                                           const char          *user_audio_path,
                                                           const char          *reply_audio_path);
void                playtest_turn_release_audio           (PlaytestTurn        *self);

G_END_DECLS
