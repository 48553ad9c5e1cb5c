/* playtest-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "playtest-player.h"

#include "playtest-application.h"
#include "playtest-character-list.h"
#include "playtest-conversation.h"
#include "playtest-script-pane.h"
#include "playtest-export.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_WINDOW (playtest_window_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestWindow, playtest_window, PLAYTEST, WINDOW, AdwApplicationWindow)

/* The main window: character selector, session id and New Session in the header, a bar for
 * demo mode and key problems, the conversation with the character state panel beside it,
 * the narrative timeline and the composer. Property `conversation` notifies when another
 * conversation is shown. */
PlaytestWindow        *playtest_window_new                (PlaytestApplication *application);
PlaytestConversation  *playtest_window_get_conversation   (PlaytestWindow      *self);
PlaytestCharacterList *playtest_window_get_character_list (PlaytestWindow      *self);
gboolean               playtest_window_get_presentation   (PlaytestWindow      *self);
PlaytestPlayer        *playtest_window_get_player         (PlaytestWindow      *self);
void                   playtest_window_set_presentation   (PlaytestWindow      *self,
                                                           gboolean             presentation);
void                   playtest_window_open_conversation  (PlaytestWindow      *self,
                                                           const char          *conversation_id,
                                                           gint64               turn_id);
gboolean               playtest_window_open_script        (PlaytestWindow      *self,
                                                           GFile               *file);
PlaytestScriptPane    *playtest_window_get_script_pane    (PlaytestWindow      *self);
gboolean               playtest_window_save_session_as_script (PlaytestWindow  *self,
                                                           GFile               *file,
                                                           GError             **error);
void                   playtest_window_export_session     (PlaytestWindow      *self,
                                                           GFile               *output,
                                                           PlaytestExportFormat format);

G_END_DECLS
