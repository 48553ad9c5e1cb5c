/* playtest-playback.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "playtest-conversation.h"
#include "playtest-player.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_PLAYBACK (playtest_playback_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestPlayback, playtest_playback, PLAYTEST, PLAYBACK, GObject)

/* Which reply is playing: the window's one player, fed with replies as they complete (or
 * chunk by chunk while they stream) and with old turns on request. Views follow
 * #PlaytestPlayback:playing-turn; none of them touches the player. */
PlaytestPlayback *playtest_playback_new              (GSettings            *settings);
PlaytestPlayer   *playtest_playback_get_player       (PlaytestPlayback     *self);
void              playtest_playback_set_conversation (PlaytestPlayback     *self,
                                                      PlaytestConversation *conversation);
PlaytestTurn     *playtest_playback_get_playing_turn (PlaytestPlayback     *self);
gboolean          playtest_playback_can_play         (PlaytestTurn         *turn);
void              playtest_playback_play_turn        (PlaytestPlayback     *self,
                                                      PlaytestTurn         *turn);
void              playtest_playback_play_recording (PlaytestPlayback   *self,
                                                    PlaytestTurn       *turn);
void              playtest_playback_stop             (PlaytestPlayback     *self);

G_END_DECLS
