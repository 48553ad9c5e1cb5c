/* playtest-search-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "playtest-character-list.h"
#include "playtest-history.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_SEARCH_WINDOW (playtest_search_window_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestSearchWindow, playtest_search_window,
                      PLAYTEST, SEARCH_WINDOW, AdwWindow)

/* Search across all sessions (Ctrl+F): full-text search in the history store; activating a
 * hit emits `hit-activated` (const char *conversation_id, gint64 turn_id). Hits name their
 * character from the list given with set_characters() (its id when it is not listed). */
GtkWidget *playtest_search_window_new            (GtkWindow             *parent,
                                                  PlaytestHistory       *history);
void       playtest_search_window_set_characters (PlaytestSearchWindow  *self,
                                                  PlaytestCharacterList *characters);

G_END_DECLS
