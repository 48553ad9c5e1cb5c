/* playtest-emotion.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Emotion labels as the service sends them ("joy", "happy 2", an object as JSON), for every
 * view that colours an emotion: its family (joy, trust, fear, surprise, sadness, anger,
 * disgust, anticipation or neutral), whose CSS class is "emotion-<family>" (style.css),
 * and the label split from a trailing 1–3 intensity. */
const char *playtest_emotion_get_family    (const char *emotion);
const char *playtest_emotion_get_css_class (const char *emotion);
void        playtest_emotion_set_css_class (GtkWidget  *widget,
                                            const char *emotion);
char       *playtest_emotion_parse         (const char *emotion,
                                            guint      *intensity);

G_END_DECLS
