/* test-window-de.c: the app's window in German, as a German user starts it
 *
 * Runs the app in process with LANGUAGE=de and the translations compiled into the build tree,
 * on the demo characters: the window, its menu and a conversation of two turns must read in
 * German, and no label in the header bar, the demo bar, the side panel or the composer may be
 * cut short at the default window size (German words are longer); so must Preferences, Keyboard
 * Shortcuts, the script pane and `convai-playtest --help`. With PLAYTEST_SCREENSHOT_DIR set,
 * saves window-de.png (and the others) for people to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "playtest-application.h"
#include "playtest-preferences-window.h"
#include "playtest-window.h"
#include "ui-test-util.h"

static const char *
label_text (PlaytestWindow *window,
            const char     *buildable_id)
{
  GtkWidget *label = ui_test_find_by_id (GTK_WIDGET (window), buildable_id);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The labels under @root that are on screen and shortened with "…" to fit; the session id
 * is left out, it is shortened by design (the copy button beside it has all of it). */
static void
collect_ellipsized (GtkWidget *root,
                    GString   *found)
{
  if (!gtk_widget_get_mapped (root)
      || g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), "session_label") == 0)
    return;

  if (GTK_IS_LABEL (root) && gtk_label_get_ellipsize (GTK_LABEL (root)) != PANGO_ELLIPSIZE_NONE
      && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (root))))
    g_string_append_printf (found, " “%s”", gtk_label_get_text (GTK_LABEL (root)));

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_ellipsized (child, found);
}

static void
assert_nothing_cut_short (GtkWidget  *part,
                          const char *name)
{
  g_autoptr(GString) found = g_string_new (NULL);

  g_assert_nonnull (part);
  collect_ellipsized (part, found);
  if (found->len > 0)
    g_error ("Labels cut short in %s:%s", name, found->str);
}

static void
assert_part_not_cut_short (PlaytestWindow *window,
                           const char     *buildable_id)
{
  assert_nothing_cut_short (ui_test_find_by_id (GTK_WIDGET (window), buildable_id),
                            buildable_id);
}

/* Whether @widget has been drawn: a window just mapped may not have been yet. */
static gboolean
has_drawn (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  return node != NULL;
}

/* Opens a window through @action, waits until it is on screen and checks that it shows
 * @text and that no label in it is cut short; saves @screenshot. */
static void
check_dialog (PlaytestWindow *window,
              const char     *action,
              GType           type,
              const char     *text,
              const char     *screenshot)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  ui_test_wait_for ((dialog = ui_test_find_toplevel (type)) != NULL
                    && gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  ui_test_wait_for (has_drawn (GTK_WIDGET (dialog)));
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (dialog), text));
  assert_nothing_cut_short (GTK_WIDGET (dialog), screenshot);
  ui_test_save_screenshot (GTK_WIDGET (dialog), screenshot);
  gtk_window_destroy (dialog);
}

static void
assert_menu_in_german (PlaytestWindow *window)
{
  GtkWidget *menu_button = ui_test_find_by_id (GTK_WIDGET (window), "menu_button");
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));
  GMenuModel *first_section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_autofree char *first = NULL;

  g_assert_true (g_menu_model_get_item_attribute (first_section, 0, G_MENU_ATTRIBUTE_LABEL,
                                                  "s", &first));
  g_assert_cmpstr (first, ==, "_Neue Sitzung");
  g_object_unref (first_section);
}

static void
window_in_german (GtkWidget *widget,
                  gpointer   user_data)
{
  PlaytestWindow *window = PLAYTEST_WINDOW (widget);
  GtkWidget *new_session = ui_test_find_by_id (GTK_WIDGET (window), "new_session_button");
  PlaytestTurn *turn;

  /* The header bar, the demo bar and the empty conversation. */
  g_assert_true (GTK_IS_BUTTON (new_session));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (new_session)), ==, "Neue Sitzung");
  g_assert_true (ui_test_has_label (new_session, "Neue Sitzung"));
  g_assert_null (ui_test_find_by_label (GTK_WIDGET (window), "New Session"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (new_session), ==,
                   "Eine neue Sitzung beginnen (Strg+N)");
  g_assert_cmpstr (label_text (window, "session_label"), ==, "Neue Sitzung");
  g_assert_nonnull (strstr (label_text (window, "bar_label"), "Demo-Figuren"));
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (window), "Sagen Sie Hallo zu "));
  g_assert_nonnull (ui_test_find_by_label (GTK_WIDGET (window), "Nachricht"));
  assert_menu_in_german (window);

  /* A conversation: the state panel and the timeline speak German too. */
  ui_test_window_send_line (widget, "Good evening!");
  turn = ui_test_window_send_line (widget, "Have you seen a ring?");
  g_assert_nonnull (playtest_turn_get_reply_text (turn));
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (window), "Aktuelle Emotion"));
  g_assert_nonnull (ui_test_find_by_label (GTK_WIDGET (window), "Zeitleiste der Erzählung"));
  g_assert_null (ui_test_find_text (GTK_WIDGET (window), "Current Emotion"));

  ui_test_wait_for_frames (GTK_WIDGET (window), 3);
  assert_part_not_cut_short (window, "header_bar");
  assert_part_not_cut_short (window, "bar_revealer");
  assert_part_not_cut_short (window, "state_panel");
  assert_part_not_cut_short (window, "composer");

  ui_test_save_screenshot (GTK_WIDGET (window), "window-de");

  /* The script pane beside the state panel, with no script yet. */
  gtk_stack_set_visible_child_name (GTK_STACK (ui_test_find_by_id (widget, "side_stack")),
                                    "script");
  ui_test_wait_for_frames (widget, 3);
  g_assert_nonnull (ui_test_find_text (widget, "Kein Skript"));
  assert_part_not_cut_short (window, "script_pane");
  ui_test_save_screenshot (widget, "script-pane-de");

  /* The other windows a user opens from the menu. */
  check_dialog (window, "app.preferences", PLAYTEST_TYPE_PREFERENCES_WINDOW, "Dienstadresse",
                "preferences-de");
  check_dialog (window, "app.shortcuts", GTK_TYPE_SHORTCUTS_WINDOW, "Präsentationsmodus verlassen",
                "shortcuts-de");
}

static void
test_window_in_german (void)
{
  ui_test_with_demo_app ("test-window-de-XXXXXX", window_in_german, NULL);
}

/* `convai-playtest --help`, as GApplication prints it before any window. */
static void
test_app_help_in_german (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(PlaytestApplication) app = playtest_application_new ();
      char *argv[] = { (char *) "convai-playtest", (char *) "--help", NULL };

      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      exit (g_application_run (G_APPLICATION (app), 2, argv));
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*Aufruf:*");
  g_test_trap_assert_stdout ("*--base-url=URL*Mit der Convai-API unter URL sprechen*");
  g_test_trap_assert_stdout ("*--demo*Mit den eingebauten Demo-Figuren sprechen*");
  g_test_trap_assert_stdout ("*Mehr dazu unter »man convai-playtest«.*");
  g_test_trap_assert_stdout_unmatched ("*Talk to*");
}

int
main (int   argc,
      char *argv[])
{
  /* What a German user's session has; LANGUAGE works with the C.UTF-8 locale of the tests,
   * so no German locale needs to be generated on the machine. */
  g_setenv ("LANGUAGE", "de", TRUE);
  setlocale (LC_ALL, "");
  /* The catalogue compiled in the build tree, not the installed one. */
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/i18n/de/window", test_window_in_german);
  g_test_add_func ("/i18n/de/app-help", test_app_help_in_german);

  return g_test_run ();
}
