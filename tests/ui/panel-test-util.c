/* panel-test-util.c: what the state panel and timeline tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "panel-test-util.h"
#include "ui-test-util.h"

/* Starts the backend and shows @widget alone in a window of @width × @height. */
void
panel_test_backend_init (PanelTestBackend *backend,
                         const char       *api_key,
                         GtkWidget        *widget,
                         int               width,
                         int               height)
{
  g_autofree char *base_url = NULL;

  backend->server = ui_test_start_demo_server (&base_url);
  playtest_demo_server_set_api_key (backend->server, api_key);
  backend->client = playtest_client_new (base_url, api_key);
  backend->conversation = playtest_conversation_new (backend->client, NULL,
                                                     PANEL_TEST_CHARACTER);

  backend->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (backend->window), width, height);
  gtk_window_set_child (GTK_WINDOW (backend->window), widget);
  gtk_window_present (GTK_WINDOW (backend->window));
  ui_test_wait_for (gtk_widget_get_mapped (widget));
}

void
panel_test_backend_clear (PanelTestBackend *backend)
{
  g_clear_pointer ((GtkWindow **) &backend->window, gtk_window_destroy);
  g_clear_object (&backend->conversation);
  g_clear_object (&backend->client);
  playtest_demo_server_disconnect (backend->server);
  g_clear_object (&backend->server);
}

gboolean
panel_test_turn_is_done (PlaytestTurn *turn)
{
  PlaytestTurnState state = playtest_turn_get_state (turn);

  return state == PLAYTEST_TURN_COMPLETE || state == PLAYTEST_TURN_FAILED;
}

/* Sends @text and waits (generously) for the reply or the failure. */
PlaytestTurn *
panel_test_say (PanelTestBackend *backend,
                const char       *text)
{
  PlaytestTurn *turn = playtest_conversation_send_text (backend->conversation, text);

  ui_test_wait_for (panel_test_turn_is_done (turn));
  return turn;
}
