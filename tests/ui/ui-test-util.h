/* ui-test-util.h: a small harness shared by the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "playtest-conversation.h"
#include "playtest-demo-server.h"

G_BEGIN_DECLS

/* Generous: a loaded CI machine under Xvfb is slow. Not a timing assertion, only a guard
 * against hanging forever. */
#define UI_TEST_TIMEOUT_SECONDS 60

typedef gboolean (*UiTestCondition) (gpointer user_data);

void                ui_test_iterate                (void);
gboolean            ui_test_wait_until             (UiTestCondition  condition,
                                                    gpointer         user_data);
void                ui_test_spin_idle              (void);

/* Spins the main loop until EXPR holds; fails the test after UI_TEST_TIMEOUT_SECONDS. */
#define ui_test_wait_for(expr)                                                              \
  G_STMT_START {                                                                            \
    gint64 ui_test_deadline__ = g_get_monotonic_time ()                                     \
                                + UI_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;                 \
    while (!(expr))                                                                         \
      {                                                                                     \
        if (g_get_monotonic_time () > ui_test_deadline__)                                   \
          g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,                 \
                               "timed out waiting for: " #expr);                            \
        ui_test_iterate ();                                                                 \
      }                                                                                     \
  } G_STMT_END

GtkWidget          *ui_test_find_by_label          (GtkWidget       *root,
                                                    const char      *label);
GtkWidget          *ui_test_find_by_type           (GtkWidget       *root,
                                                    GType            type);
GtkWidget          *ui_test_find_by_id             (GtkWidget       *root,
                                                    const char      *buildable_id);
gboolean            ui_test_has_label              (GtkWidget       *widget,
                                                    const char      *label);
GtkWidget          *ui_test_find_text              (GtkWidget       *root,
                                                    const char      *text);
GtkWindow          *ui_test_find_toplevel          (GType            type);

PlaytestDemoServer *ui_test_start_demo_server      (char           **base_url);

/* The character every widget test talks to. */
#define UI_TEST_CHARACTER "demo-mira"

/* A demo backend on loopback with a key, a client holding the key, a conversation with
 * UI_TEST_CHARACTER, and a window to put the widget under test in. */
typedef struct
{
  PlaytestDemoServer   *server;
  PlaytestClient       *client;
  PlaytestConversation *conversation;
  GtkWidget            *window;
} UiTestBackend;

void                ui_test_backend_init           (UiTestBackend   *backend,
                                                    const char      *api_key,
                                                    GtkWidget       *widget,
                                                    int              width,
                                                    int              height);
void                ui_test_backend_clear          (UiTestBackend   *backend);
gboolean            ui_test_turn_is_done           (PlaytestTurn    *turn);
PlaytestTurn       *ui_test_say                    (UiTestBackend   *backend,
                                                    const char      *text);

void                ui_test_wait_for_frames        (GtkWidget       *widget,
                                                    guint            n_frames);
void                ui_test_save_screenshot        (GtkWidget       *widget,
                                                    const char      *name);
GtkCssProvider     *ui_test_load_app_style         (void);

/* The whole app in demo mode, run as a user starts it; see ui_test_with_demo_app(). */
typedef void (*UiTestWindowFunc) (GtkWidget *window,
                                  gpointer   user_data);

void                ui_test_with_demo_app          (const char      *name_template,
                                                    UiTestWindowFunc func,
                                                    gpointer         user_data);
PlaytestTurn       *ui_test_window_send_line       (GtkWidget       *window,
                                                    const char      *text);

char               *ui_test_make_temp_dir          (const char      *name_template);
void                ui_test_remove_tree            (const char      *path);

G_END_DECLS
