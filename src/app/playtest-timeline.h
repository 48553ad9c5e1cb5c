/* playtest-timeline.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-conversation.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_TIMELINE (playtest_timeline_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestTimeline, playtest_timeline, PLAYTEST, TIMELINE, GtkWidget)

/* The narrative timeline (accessible label "Narrative timeline"): one segment per run of
 * turns in the same section, labelled with the section name (the id when no name is
 * known), a mark per turn; hovering a mark shows the turn, clicking it emits
 * `turn-activated` (PlaytestTurn *). Each segment is an accessible element labelled with the
 * section name. */
GtkWidget *playtest_timeline_new               (void);
void       playtest_timeline_set_conversation  (PlaytestTimeline     *self,
                                                PlaytestConversation *conversation);
void       playtest_timeline_set_section_names (PlaytestTimeline     *self,
                                                GHashTable           *section_names);
guint      playtest_timeline_get_n_segments    (PlaytestTimeline     *self);

G_END_DECLS
