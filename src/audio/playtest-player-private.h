/* playtest-player-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "playtest-player.h"

G_BEGIN_DECLS

gint64 playtest_player_get_first_buffer_time (PlaytestPlayer *self);

G_END_DECLS
