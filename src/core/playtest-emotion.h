/* playtest-emotion.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Emotion labels as the service sends them ("joy", "happy 2", "Anger:3", an object as JSON):
 * the label split from a trailing 1–3 intensity, and the family it belongs to (joy, trust,
 * fear, surprise, sadness, anger, disgust, anticipation or neutral). */
const char *playtest_emotion_get_family (const char *emotion);
char       *playtest_emotion_parse      (const char *emotion,
                                         guint      *intensity);

G_END_DECLS
