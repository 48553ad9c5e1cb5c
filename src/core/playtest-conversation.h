/* playtest-conversation.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "playtest-client.h"
#include "playtest-history.h"
#include "playtest-turn.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_CONVERSATION (playtest_conversation_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestConversation, playtest_conversation, PLAYTEST, CONVERSATION, GObject)

/* One conversation with one character: a GListModel of PlaytestTurn, oldest first. It sends
 * each turn through the client (one at a time, in order), fills the turn from the reply or
 * the error, and commits it to the history store the moment it completes or fails (in the
 * background: ::turn-saved says when it is on disk). */
PlaytestConversation *playtest_conversation_new             (PlaytestClient        *client,
                                                             PlaytestHistory       *history,
                                                             const char            *character_id);
PlaytestConversation *playtest_conversation_new_from_history (PlaytestClient       *client,
                                                             PlaytestHistory       *history,
                                                             const char            *conversation_id,
                                                             GError               **error);

const char           *playtest_conversation_get_id          (PlaytestConversation  *self);
const char           *playtest_conversation_get_character_id (PlaytestConversation *self);
const char           *playtest_conversation_get_session_id  (PlaytestConversation  *self);
gboolean              playtest_conversation_get_busy        (PlaytestConversation  *self);
gboolean              playtest_conversation_get_voice_response (PlaytestConversation *self);
void                  playtest_conversation_set_voice_response (PlaytestConversation *self,
                                                               gboolean              voice);
gboolean              playtest_conversation_get_stream      (PlaytestConversation  *self);
void                  playtest_conversation_set_stream      (PlaytestConversation  *self,
                                                             gboolean               stream);
PlaytestTurn         *playtest_conversation_get_last_turn   (PlaytestConversation  *self);

PlaytestTurn         *playtest_conversation_send_text       (PlaytestConversation  *self,
                                                             const char            *text);
PlaytestTurn         *playtest_conversation_send_audio      (PlaytestConversation  *self,
                                                             GBytes                *wav);
void                  playtest_conversation_retry           (PlaytestConversation  *self,
                                                             PlaytestTurn          *turn);
void                  playtest_conversation_cancel          (PlaytestConversation  *self);

G_END_DECLS
