/* playtest-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "playtest-application.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_WINDOW (playtest_window_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestWindow, playtest_window, PLAYTEST, WINDOW, AdwApplicationWindow)

PlaytestWindow *playtest_window_new (PlaytestApplication *application);

G_END_DECLS
