/* ui-test-util.c: a small harness shared by the UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-application.h"
#include "playtest-composer.h"
#include "playtest-window.h"
#include "ui-test-util.h"

static gboolean
wake_up_cb (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/**
 * ui_test_iterate:
 *
 * Runs one iteration of the default main context, waking up within a tenth of a second
 * even if nothing happens, so that conditions on state (not on events) are seen.
 */
void
ui_test_iterate (void)
{
  guint wake_up = g_timeout_add (100, wake_up_cb, NULL);

  g_main_context_iteration (NULL, TRUE);
  if (g_main_context_find_source_by_id (NULL, wake_up) != NULL)
    g_source_remove (wake_up);
}

/**
 * ui_test_wait_until:
 * @condition: what to wait for
 * @user_data: passed to @condition
 *
 * Spins the main loop until @condition holds or UI_TEST_TIMEOUT_SECONDS pass.
 *
 * Returns: whether @condition holds
 */
gboolean
ui_test_wait_until (UiTestCondition condition,
                    gpointer        user_data)
{
  gint64 deadline = g_get_monotonic_time () + UI_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      ui_test_iterate ();
    }

  return TRUE;
}

/**
 * ui_test_spin_idle:
 *
 * Dispatches whatever is ready now (idles, pending redraws) without waiting.
 */
void
ui_test_spin_idle (void)
{
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

/**
 * ui_test_has_label:
 * @widget: a widget
 * @label: an accessible label
 *
 * Whether @widget is labelled @label for assistive technologies: its accessible label
 * property, or else its tooltip (which GTK 4.8 also exposes).
 */
gboolean
ui_test_has_label (GtkWidget  *widget,
                   const char *label)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      g_autofree char *mismatch =
        gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, label);

      return mismatch == NULL;
    }

  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), label) == 0;
}

typedef gboolean (*Match) (GtkWidget *widget, gconstpointer data);

/* Depth first over the widget tree, popovers included (they are children in GTK 4). */
static GtkWidget *
find (GtkWidget     *root,
      Match          match,
      gconstpointer  data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
match_label (GtkWidget     *widget,
             gconstpointer  data)
{
  return ui_test_has_label (widget, data);
}

static gboolean
match_type (GtkWidget     *widget,
            gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static gboolean
match_id (GtkWidget     *widget,
          gconstpointer  data)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), data) == 0;
}

/**
 * ui_test_find_by_label:
 * @root: where to look
 * @label: an accessible label
 *
 * Returns: (transfer none) (nullable): the first widget under @root with @label
 */
GtkWidget *
ui_test_find_by_label (GtkWidget  *root,
                       const char *label)
{
  return find (root, match_label, label);
}

/**
 * ui_test_find_by_type:
 * @root: where to look
 * @type: a widget type
 *
 * Returns: (transfer none) (nullable): the first widget under @root of @type
 */
GtkWidget *
ui_test_find_by_type (GtkWidget *root,
                      GType      type)
{
  return find (root, match_type, GSIZE_TO_POINTER (type));
}

/**
 * ui_test_find_by_id:
 * @root: where to look
 * @buildable_id: an id from a .ui file (template children keep theirs)
 *
 * Returns: (transfer none) (nullable): the first widget under @root with that id
 */
GtkWidget *
ui_test_find_by_id (GtkWidget  *root,
                    const char *buildable_id)
{
  return find (root, match_id, buildable_id);
}

static gboolean
match_text (GtkWidget     *widget,
            gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), data) != NULL;
}

/**
 * ui_test_find_text:
 * @root: where to look
 * @text: some words
 *
 * Finds what a person would read: a label showing @text (as part of its text), toasts
 * included while they are shown.
 *
 * Returns: (transfer none) (nullable): the first such label under @root
 */
GtkWidget *
ui_test_find_text (GtkWidget  *root,
                   const char *text)
{
  return find (root, match_text, text);
}

/**
 * ui_test_find_toplevel:
 * @type: a window type
 *
 * Returns: (transfer none) (nullable): an open window of @type (a dialog, the search window)
 */
GtkWindow *
ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;  /* GTK holds it while it is open */
    }

  return NULL;
}

/**
 * ui_test_start_demo_server:
 * @base_url: (out) (optional): where it listens
 *
 * Starts the demo backend on 127.0.0.1 on an ephemeral port, on this thread's main loop.
 *
 * Returns: (transfer full): the server; playtest_demo_server_disconnect() it when done
 */
PlaytestDemoServer *
ui_test_start_demo_server (char **base_url)
{
  g_autoptr(PlaytestDemoServer) server = playtest_demo_server_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (playtest_demo_server_listen (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (playtest_demo_server_get_port (server), >, 0);

  if (base_url != NULL)
    *base_url = playtest_demo_server_dup_base_url (server);

  return g_steal_pointer (&server);
}

/**
 * ui_test_backend_init:
 * @backend: what to fill in
 * @api_key: the key the server wants and the client sends
 * @widget: (transfer floating): the widget under test
 * @width: the window's width
 * @height: the window's height
 *
 * Starts the demo backend, a client and a conversation with UI_TEST_CHARACTER, and shows
 * @widget alone in a window of @width × @height.
 */
void
ui_test_backend_init (UiTestBackend *backend,
                      const char    *api_key,
                      GtkWidget     *widget,
                      int            width,
                      int            height)
{
  g_autofree char *base_url = NULL;

  backend->server = ui_test_start_demo_server (&base_url);
  playtest_demo_server_set_api_key (backend->server, api_key);
  backend->client = playtest_client_new (base_url, api_key);
  backend->conversation = playtest_conversation_new (backend->client, NULL, UI_TEST_CHARACTER);

  backend->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (backend->window), width, height);
  gtk_window_set_child (GTK_WINDOW (backend->window), widget);
  gtk_window_present (GTK_WINDOW (backend->window));
  ui_test_wait_for (gtk_widget_get_mapped (widget));
}

/**
 * ui_test_backend_clear:
 * @backend: a backend from ui_test_backend_init()
 *
 * Closes the window (and the widget under test with it), then stops the backend.
 */
void
ui_test_backend_clear (UiTestBackend *backend)
{
  g_clear_pointer ((GtkWindow **) &backend->window, gtk_window_destroy);
  g_clear_object (&backend->conversation);
  g_clear_object (&backend->client);
  playtest_demo_server_disconnect (backend->server);
  g_clear_object (&backend->server);
}

/**
 * ui_test_turn_is_done:
 * @turn: a turn
 *
 * Returns: whether @turn has its reply or its failure
 */
gboolean
ui_test_turn_is_done (PlaytestTurn *turn)
{
  PlaytestTurnState state = playtest_turn_get_state (turn);

  return state == PLAYTEST_TURN_COMPLETE || state == PLAYTEST_TURN_FAILED;
}

/**
 * ui_test_say:
 * @backend: a backend from ui_test_backend_init()
 * @text: a line for the character
 *
 * Sends @text and waits (generously) for the reply or the failure.
 *
 * Returns: (transfer none): the turn, done
 */
PlaytestTurn *
ui_test_say (UiTestBackend *backend,
             const char    *text)
{
  PlaytestTurn *turn = playtest_conversation_send_text (backend->conversation, text);

  ui_test_wait_for (ui_test_turn_is_done (turn));
  return turn;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/**
 * ui_test_wait_for_frames:
 * @widget: a widget
 * @n_frames: how many frames to let pass
 *
 * Waits until @widget is mapped and @n_frames frames were drawn, so that what changed
 * before is laid out and painted.
 */
void
ui_test_wait_for_frames (GtkWidget *widget,
                         guint      n_frames)
{
  guint frames = 0;
  guint id;

  ui_test_wait_for (gtk_widget_get_mapped (widget));
  id = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  gtk_widget_queue_draw (widget);
  ui_test_wait_for (frames >= n_frames);
  gtk_widget_remove_tick_callback (widget, id);
}

/**
 * ui_test_save_screenshot:
 * @widget: a widget on screen (a window, for the whole of it)
 * @name: a file name without extension
 *
 * Renders @widget as it is now to $PLAYTEST_SCREENSHOT_DIR/@name.png, when that variable is
 * set; does nothing otherwise. For people to look at, not for comparisons.
 */
void
ui_test_save_screenshot (GtkWidget  *widget,
                         const char *name)
{
  const char *dir = g_getenv ("PLAYTEST_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (dir == NULL || *dir == '\0')
    return;

  ui_test_wait_for_frames (widget, 3);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_mkdir_with_parents (dir, 0755);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

/**
 * ui_test_load_app_style:
 *
 * Loads the app's style.css for the whole display, as AdwApplication does for the app;
 * widget tests run without an application.
 *
 * Returns: (transfer full): the provider, to remove with
 *   gtk_style_context_remove_provider_for_display() when a test wants it gone again
 */
GtkCssProvider *
ui_test_load_app_style (void)
{
  GtkCssProvider *provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/convai_playtest/Playtest/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  return provider;
}

/**
 * ui_test_make_temp_dir:
 * @name_template: a directory name ending in XXXXXX
 *
 * Returns: (transfer full): a new, empty directory under the temporary directory; remove it
 *   with ui_test_remove_tree()
 */
char *
ui_test_make_temp_dir (const char *name_template)
{
  g_autoptr(GError) error = NULL;
  char *directory = g_dir_make_tmp (name_template, &error);

  g_assert_no_error (error);
  return directory;
}

static void
remove_file_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL)
         && info != NULL)
    remove_file_tree (child);
  g_file_delete (file, NULL, NULL);
}

/**
 * ui_test_remove_tree:
 * @path: a file or directory
 *
 * Removes @path and everything under it, as far as it can; what a test left behind in the
 * temporary directory is not worth failing it for.
 */
void
ui_test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  remove_file_tree (file);
}

typedef struct
{
  PlaytestApplication *app;
  UiTestWindowFunc     func;
  gpointer             user_data;
} DemoApp;

/* The body runs inside g_application_run(), as the app itself would: startup, the key
 * lookup, activation, and on the way out shutdown. */
static gboolean
demo_app_body_cb (gpointer user_data)
{
  DemoApp *demo = user_data;
  GtkApplication *app = GTK_APPLICATION (demo->app);
  GtkWindow *window;

  ui_test_wait_for (gtk_application_get_active_window (app) != NULL);
  window = gtk_application_get_active_window (app);
  ui_test_wait_for (playtest_window_get_conversation (PLAYTEST_WINDOW (window)) != NULL);

  demo->func (GTK_WIDGET (window), demo->user_data);

  gtk_window_close (window);
  g_application_release (G_APPLICATION (demo->app));
  return G_SOURCE_REMOVE;
}

static void
demo_app_activate_cb (GApplication *app,
                      DemoApp      *demo)
{
  g_application_hold (app);
  g_idle_add (demo_app_body_cb, demo);
}

/**
 * ui_test_with_demo_app:
 * @name_template: a name for the app's history directory, ending in XXXXXX
 * @func: what to do with the window
 * @user_data: passed to @func
 *
 * Runs a new #PlaytestApplication in demo mode (`--demo`) with a history directory of its
 * own, calls @func with its window once the window shows a conversation, then closes it and
 * checks that the app was let go.
 */
void
ui_test_with_demo_app (const char       *name_template,
                       UiTestWindowFunc  func,
                       gpointer          user_data)
{
  g_autofree char *history = ui_test_make_temp_dir (name_template);
  DemoApp demo = { playtest_application_new (), func, user_data };
  PlaytestApplication *app = demo.app;

  g_object_set (app, "history-directory", history, "demo", TRUE, NULL);
  /* Tests run in parallel: no single-instance negotiation on the session bus. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (demo_app_activate_cb), &demo);

  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  g_object_add_weak_pointer (G_OBJECT (app), (gpointer *) &app);
  g_clear_object (&demo.app);
  ui_test_wait_for (app == NULL);
  ui_test_remove_tree (history);
}

/**
 * ui_test_window_send_line:
 * @window: a #PlaytestWindow
 * @text: a line for the character
 *
 * Types @text into the window's composer, sends it and waits for the reply, which must
 * come.
 *
 * Returns: (transfer none): the turn, complete (the conversation holds it)
 */
PlaytestTurn *
ui_test_window_send_line (GtkWidget  *window,
                          const char *text)
{
  PlaytestConversation *conversation = playtest_window_get_conversation (PLAYTEST_WINDOW (window));
  GtkWidget *composer = ui_test_find_by_type (window, PLAYTEST_TYPE_COMPOSER);
  guint position = g_list_model_get_n_items (G_LIST_MODEL (conversation));
  g_autoptr(PlaytestTurn) turn = NULL;

  playtest_composer_set_text (PLAYTEST_COMPOSER (composer), text);
  g_assert_true (gtk_widget_activate_action (composer, "composer.send", NULL));
  turn = g_list_model_get_item (G_LIST_MODEL (conversation), position);
  ui_test_wait_for (ui_test_turn_is_done (turn));
  g_assert_no_error (playtest_turn_get_error (turn));
  g_assert_cmpint (playtest_turn_get_state (turn), ==, PLAYTEST_TURN_COMPLETE);

  return turn;
}
