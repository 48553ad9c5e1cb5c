/* playtest-conversation-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-conversation.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_CONVERSATION_VIEW (playtest_conversation_view_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestConversationView, playtest_conversation_view,
                      PLAYTEST, CONVERSATION_VIEW, GtkWidget)

/* The chat pane: a GtkListView (accessible label "Conversation") over a conversation,
 * rows recycled, sticking to the bottom as turns arrive unless the user scrolled up.
 * Signals: `turn-selected` (PlaytestTurn *) when a row is selected, `retry` (PlaytestTurn *)
 * when a failed row asks to be sent again. */
GtkWidget    *playtest_conversation_view_new                (void);
void          playtest_conversation_view_set_conversation   (PlaytestConversationView *self,
                                                             PlaytestConversation *conversation);
void          playtest_conversation_view_set_model          (PlaytestConversationView *self,
                                                             GListModel               *turns);
void          playtest_conversation_view_set_section_names  (PlaytestConversationView *self,
                                                             GHashTable *section_names);
void          playtest_conversation_view_set_character_name (PlaytestConversationView *self,
                                                             const char               *name);
void          playtest_conversation_view_scroll_to_turn     (PlaytestConversationView *self,
                                                             PlaytestTurn             *turn);
PlaytestTurn *playtest_conversation_view_get_selected_turn  (PlaytestConversationView *self);
void          playtest_conversation_view_set_playing_turn   (PlaytestConversationView *self,
                                                             PlaytestTurn             *turn);

G_END_DECLS
