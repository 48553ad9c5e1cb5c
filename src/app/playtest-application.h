/* playtest-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "playtest-client.h"
#include "playtest-history.h"
#include "playtest-secret.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_APPLICATION (playtest_application_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestApplication, playtest_application,
                      PLAYTEST, APPLICATION, AdwApplication)

/* The app: settings, the API key, the history store and one client shared by every window.
 * In demo mode (no key and no --base-url, or --demo) the client talks over HTTP to a demo
 * backend started in-process on a loopback port. Properties `demo` (force demo mode, as
 * --demo does), `base-url` (as --base-url), `character-id` (as --character) are set from
 * the command line; `history-directory` puts the history store elsewhere than
 * $XDG_DATA_HOME/convai-playtest (tests); `demo-mode` and `ready` (the key has been looked
 * up and the client is set up) notify. */
PlaytestApplication *playtest_application_new                    (void);

GSettings           *playtest_application_get_settings           (PlaytestApplication *self);
PlaytestSecret      *playtest_application_get_secret             (PlaytestApplication *self);
PlaytestClient      *playtest_application_get_client             (PlaytestApplication *self);
PlaytestHistory     *playtest_application_get_history            (PlaytestApplication *self);
const GError        *playtest_application_get_history_error      (PlaytestApplication *self);
const GError        *playtest_application_get_key_error          (PlaytestApplication *self);
gboolean             playtest_application_get_demo_mode          (PlaytestApplication *self);
gboolean             playtest_application_get_ready              (PlaytestApplication *self);
const char          *playtest_application_get_character_id       (PlaytestApplication *self);
const char          *playtest_application_get_script_path        (PlaytestApplication *self);
void                 playtest_application_show_preferences       (PlaytestApplication *self,
                                                                  gboolean             focus_key);

G_END_DECLS
