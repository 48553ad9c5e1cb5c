/* playtest-script-pane.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-character-list.h"
#include "playtest-client.h"
#include "playtest-history.h"
#include "playtest-runner.h"
#include "playtest-script.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_SCRIPT_PANE (playtest_script_pane_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestScriptPane, playtest_script_pane, PLAYTEST, SCRIPT_PANE, GtkWidget)

/* The script side pane: a playthrough script's name, character and steps, each step row
 * turning green (passed) or red (failed, with the checks that did not hold) as the run goes;
 * Open Script…, Run, Stop (actions script.open, script.run, script.stop; accessible labels
 * "Open Script", "Run Script", "Stop Script") and a summary of the run. Script errors show
 * in the pane, in words, and nothing is sent. Properties: `script`, `running`, `can-run`,
 * and `conversation`, the one the run talks in now (it changes on a new_session step). */
GtkWidget            *playtest_script_pane_new          (void);
void                  playtest_script_pane_set_backend  (PlaytestScriptPane    *self,
                                                         PlaytestClient        *client,
                                                         PlaytestHistory       *history);
void                  playtest_script_pane_set_character_list
                                                        (PlaytestScriptPane    *self,
                                                         PlaytestCharacterList *characters);
void                  playtest_script_pane_set_default_character_id
                                                        (PlaytestScriptPane    *self,
                                                         const char            *character_id);
gboolean              playtest_script_pane_open_file    (PlaytestScriptPane    *self,
                                                         GFile                 *file);
void                  playtest_script_pane_set_script   (PlaytestScriptPane    *self,
                                                         PlaytestScript        *script);
PlaytestScript       *playtest_script_pane_get_script   (PlaytestScriptPane    *self);
gboolean              playtest_script_pane_get_can_run  (PlaytestScriptPane    *self);
void                  playtest_script_pane_run          (PlaytestScriptPane    *self);
void                  playtest_script_pane_stop         (PlaytestScriptPane    *self);
gboolean              playtest_script_pane_get_running  (PlaytestScriptPane    *self);
PlaytestRunner       *playtest_script_pane_get_runner   (PlaytestScriptPane    *self);
PlaytestConversation *playtest_script_pane_get_conversation
                                                        (PlaytestScriptPane    *self);
gboolean              playtest_script_pane_show_runs_of (PlaytestScriptPane    *self,
                                                         const char            *conversation_id);

G_END_DECLS
