/* playtest-composer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-recorder.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_COMPOSER (playtest_composer_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestComposer, playtest_composer, PLAYTEST, COMPOSER, GtkWidget)

/* The message box: multi-line; Enter sends, Shift+Enter adds a line, Esc asks to cancel the
 * turn in flight. Emits `send` (const char *text) with the trimmed text and clears itself;
 * emits `cancel` on Esc. Accessible labels: "Message" (the text view) and "Send".
 * "Record voice" (a toggle) records the microphone: click again (or release the push-to-talk
 * key) to emit `send-audio` (GBytes *wav); Esc while recording cancels it; failures (no
 * microphone, too short) are emitted as `error` (GError *) for the window to show. */
GtkWidget  *playtest_composer_new        (void);
char       *playtest_composer_dup_text   (PlaytestComposer *self);
void        playtest_composer_set_text   (PlaytestComposer *self,
                                          const char       *text);
void        playtest_composer_grab_focus (PlaytestComposer *self);

GtkEventController *playtest_composer_new_push_to_talk (PlaytestComposer *self);
PlaytestRecorder   *playtest_composer_get_recorder     (PlaytestComposer *self);

G_END_DECLS
