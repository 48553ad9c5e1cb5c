/* playtest-search-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "playtest-history.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_SEARCH_WINDOW (playtest_search_window_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestSearchWindow, playtest_search_window, PLAYTEST, SEARCH_WINDOW, AdwWindow)

/* Search across all sessions (Ctrl+F): full-text search in the history store; activating a
 * hit emits `hit-activated` (const char *conversation_id, gint64 turn_id). */
GtkWidget *playtest_search_window_new (GtkWindow       *parent,
                                       PlaytestHistory *history);

G_END_DECLS
