/* playtest-state-panel.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-conversation.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_STATE_PANEL (playtest_state_panel_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestStatePanel, playtest_state_panel, PLAYTEST, STATE_PANEL, GtkWidget)

/* The character state side panel: emotion (label, colour, intensity, history of this
 * session; accessible label "Emotion"), the latest action and action sequence, highlighted
 * when a turn triggers one ("Action"), the narrative section by name and id, and an
 * inspector of the selected turn (request fields, raw reply JSON with audio shortened and
 * the key redacted, timings). */
GtkWidget *playtest_state_panel_new               (void);
void       playtest_state_panel_set_conversation  (PlaytestStatePanel   *self,
                                                   PlaytestConversation *conversation);
void       playtest_state_panel_set_section_names (PlaytestStatePanel   *self,
                                                   GHashTable           *section_names);
void       playtest_state_panel_set_selected_turn (PlaytestStatePanel   *self,
                                                   PlaytestTurn         *turn);
void       playtest_state_panel_set_speaking_level (PlaytestStatePanel  *self,
                                                   double                level);

G_END_DECLS
