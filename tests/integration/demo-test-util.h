/* demo-test-util.h: checks shared by the tests that talk to the demo backend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The demo's first reply to "Hello there!" in a new session with Mira. */
#define DEMO_TEST_MIRA_GREETING \
  "Well, hello there, traveller! Welcome to the Gilded Goose. Come in out of the cold."

gboolean  demo_test_is_session_id  (const char *id);
GBytes   *demo_test_make_wav       (guint       rate,
                                    guint       channels,
                                    double      seconds);
void      demo_test_assert_speech  (GBytes     *wav,
                                    guint       min_ms);
void      demo_test_remove_tree    (const char *path);

G_END_DECLS
