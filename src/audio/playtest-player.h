/* playtest-player.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PLAYTEST_TYPE_PLAYER (playtest_player_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestPlayer, playtest_player, PLAYTEST, PLAYER, GObject)

PlaytestPlayer *playtest_player_new          (void);

void            playtest_player_play_wav     (PlaytestPlayer *self,
                                              GBytes         *wav);

void            playtest_player_begin_stream (PlaytestPlayer *self);
void            playtest_player_push_chunk   (PlaytestPlayer *self,
                                              GBytes         *wav);
void            playtest_player_end_stream   (PlaytestPlayer *self);

void            playtest_player_stop         (PlaytestPlayer *self);

gboolean        playtest_player_get_playing  (PlaytestPlayer *self);
gboolean        playtest_player_get_muted    (PlaytestPlayer *self);
void            playtest_player_set_muted    (PlaytestPlayer *self,
                                              gboolean        muted);

G_END_DECLS
