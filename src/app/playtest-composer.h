/* playtest-composer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PLAYTEST_TYPE_COMPOSER (playtest_composer_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestComposer, playtest_composer, PLAYTEST, COMPOSER, GtkWidget)

/* The message box: multi-line; Enter sends, Shift+Enter adds a line, Esc asks to cancel the
 * turn in flight. Emits `send` (const char *text) with the trimmed text and clears itself;
 * emits `cancel` on Esc. Accessible labels: "Message" (the text view) and "Send". */
GtkWidget  *playtest_composer_new        (void);
char       *playtest_composer_dup_text   (PlaytestComposer *self);
void        playtest_composer_set_text   (PlaytestComposer *self,
                                          const char       *text);
void        playtest_composer_grab_focus (PlaytestComposer *self);

G_END_DECLS
