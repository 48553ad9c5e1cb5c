/* panel-test-util.h: what the state panel and timeline tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-conversation.h"
#include "playtest-demo-server.h"

G_BEGIN_DECLS

#define PANEL_TEST_CHARACTER "demo-mira"

/* A demo backend on loopback with a key, a client holding the key, a conversation with
 * Mira, and a window to put the widget under test in. */
typedef struct
{
  PlaytestDemoServer   *server;
  PlaytestClient       *client;
  PlaytestConversation *conversation;
  GtkWidget            *window;
} PanelTestBackend;

void          panel_test_backend_init  (PanelTestBackend *backend,
                                        const char       *api_key,
                                        GtkWidget        *widget,
                                        int               width,
                                        int               height);
void          panel_test_backend_clear (PanelTestBackend *backend);
gboolean      panel_test_turn_is_done  (PlaytestTurn     *turn);
PlaytestTurn *panel_test_say           (PanelTestBackend *backend,
                                        const char       *text);

G_END_DECLS
