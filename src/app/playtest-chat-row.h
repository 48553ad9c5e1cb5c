/* playtest-chat-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-turn.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_CHAT_ROW (playtest_chat_row_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestChatRow, playtest_chat_row, PLAYTEST, CHAT_ROW, GtkWidget)

/* One turn in the conversation list: the user line, then the character reply (or a typing
 * indicator while pending, or the failure in words with a "Retry" button). Rows are
 * recycled by the list view: set_turn() rebinds a row to another turn. Emits `retry`
 * when Retry is clicked. */
GtkWidget    *playtest_chat_row_new               (void);
PlaytestTurn *playtest_chat_row_get_turn          (PlaytestChatRow *self);
void          playtest_chat_row_set_turn          (PlaytestChatRow *self,
                                                   PlaytestTurn    *turn);
void          playtest_chat_row_set_section_names (PlaytestChatRow *self,
                                                   GHashTable      *section_names);
void          playtest_chat_row_set_character_name (PlaytestChatRow *self,
                                                   const char      *name);
void          playtest_chat_row_set_playing       (PlaytestChatRow *self,
                                                   gboolean         playing);
gboolean      playtest_chat_row_get_playing       (PlaytestChatRow *self);

G_END_DECLS
