/* playtest-demo-server.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PLAYTEST_TYPE_DEMO_SERVER (playtest_demo_server_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestDemoServer, playtest_demo_server, PLAYTEST, DEMO_SERVER, GObject)

PlaytestDemoServer *playtest_demo_server_new                (void);

void                playtest_demo_server_set_api_key        (PlaytestDemoServer  *self,
                                                             const char          *api_key);
void                playtest_demo_server_set_latency_ms     (PlaytestDemoServer  *self,
                                                             guint                latency_ms);
void                playtest_demo_server_set_reject_text_with_audio
                                                            (PlaytestDemoServer  *self,
                                                             gboolean             reject);
gboolean            playtest_demo_server_listen             (PlaytestDemoServer  *self,
                                                             const char          *host,
                                                             guint                port,
                                                             GError             **error);
guint               playtest_demo_server_get_port           (PlaytestDemoServer  *self);
char               *playtest_demo_server_dup_base_url       (PlaytestDemoServer  *self);
void                playtest_demo_server_disconnect         (PlaytestDemoServer  *self);

G_END_DECLS
