/* playtest-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "playtest-secret.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_PREFERENCES_WINDOW (playtest_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestPreferencesWindow, playtest_preferences_window,
                      PLAYTEST, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Settings: the API key (keyring, through PlaytestSecret), base URL, voice replies,
 * streaming, auto-play, request timeout (GSettings). */
GtkWidget *playtest_preferences_window_new (GtkWindow      *parent,
                                            GSettings      *settings,
                                            PlaytestSecret *secret);
void       playtest_preferences_window_focus_api_key (PlaytestPreferencesWindow *self);

G_END_DECLS
