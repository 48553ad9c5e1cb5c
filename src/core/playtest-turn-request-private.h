/* playtest-turn-request-private.h
 *
 * What the client needs to report streaming progress on a request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "playtest-turn-request.h"

G_BEGIN_DECLS

void playtest_turn_request_emit_text_piece  (PlaytestTurnRequest *self,
                                             const char          *piece);
void playtest_turn_request_emit_audio_chunk (PlaytestTurnRequest *self,
                                             GBytes              *wav);

G_END_DECLS
