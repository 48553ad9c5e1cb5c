/* playtest-emotion-style.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-emotion.h"

G_BEGIN_DECLS

/* The colour of an emotion, for every view that shows one: the CSS class of its family
 * (playtest_emotion_get_family()) is "emotion-<family>" (style.css). */
const char *playtest_emotion_get_css_class (const char *emotion);
void        playtest_emotion_set_css_class (GtkWidget  *widget,
                                            const char *emotion);

G_END_DECLS
