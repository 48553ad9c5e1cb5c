/* playtest-secret.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PLAYTEST_TYPE_SECRET (playtest_secret_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestSecret, playtest_secret, PLAYTEST, SECRET, GObject)

/* The API key: CONVAI_API_KEY from the environment wins; otherwise the keyring (libsecret).
 * Where no keyring service runs, a key the user types is kept for this run only, and
 * `keyring-available` says so. Property `api-key` (nullable) notifies on change. */
PlaytestSecret *playtest_secret_new                (void);
const char     *playtest_secret_get_api_key        (PlaytestSecret       *self);
gboolean        playtest_secret_get_from_environment (PlaytestSecret     *self);
gboolean        playtest_secret_get_keyring_available (PlaytestSecret    *self);
void            playtest_secret_load_async         (PlaytestSecret       *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean        playtest_secret_load_finish        (PlaytestSecret       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void            playtest_secret_store_async        (PlaytestSecret       *self,
                                                    const char           *api_key,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean        playtest_secret_store_finish       (PlaytestSecret       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
