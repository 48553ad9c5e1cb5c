/* test-preferences.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preferences window: switches and the timeout write GSettings (memory backend), the
 * service address refuses what is not http(s), and the API key goes through PlaytestSecret.
 * A private session bus with no services stands in for a desktop without a keyring, so no
 * test key ever reaches a real keyring.
 */

#include "config.h"

#include <string.h>

#include "playtest-app-resources.h"
#include "playtest-preferences-window.h"
#include "ui-test-util.h"

/* Finds a descendant of @widget of @type whose title (preferences rows and groups) is
 * @title. */
static GtkWidget *
find_titled (GtkWidget  *widget,
             GType       type,
             const char *title)
{
  GtkWidget *child;

  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      const char *found = NULL;

      if (ADW_IS_PREFERENCES_ROW (widget))
        found = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
      else if (ADW_IS_PREFERENCES_GROUP (widget))
        found = adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget));
      else if (GTK_IS_BUTTON (widget))
        found = gtk_button_get_label (GTK_BUTTON (widget));
      if (g_strcmp0 (found, title) == 0)
        return widget;
    }

  for (child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *match = find_titled (child, type, title);

      if (match != NULL)
        return match;
    }

  return NULL;
}

static GtkWidget *
find_row (GtkWidget  *window,
          GType       type,
          const char *title)
{
  GtkWidget *row = find_titled (window, type, title);

  g_assert_nonnull (row);
  return row;
}

typedef struct
{
  GSettings      *settings;
  PlaytestSecret *secret;
  GtkWidget      *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->settings = g_settings_new (SCHEMA_ID);
  fixture->secret = playtest_secret_new ();
  fixture->window = playtest_preferences_window_new (NULL, fixture->settings, fixture->secret);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->secret);

  /* The memory backend is shared by the whole process; start every test from defaults. */
  g_settings_reset (fixture->settings, "voice-response");
  g_settings_reset (fixture->settings, "stream");
  g_settings_reset (fixture->settings, "auto-play");
  g_settings_reset (fixture->settings, "request-timeout");
  g_settings_reset (fixture->settings, "base-url");
  g_clear_object (&fixture->settings);
}

static void
check_switch (Fixture    *fixture,
              const char *title,
              const char *key)
{
  GtkWidget *row = find_row (fixture->window, ADW_TYPE_ACTION_ROW, title);
  GtkWidget *toggle = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));
  gboolean initial = g_settings_get_boolean (fixture->settings, key);

  /* Clicking anywhere on the row flips the switch, and the switch has a label of its own. */
  g_assert_true (GTK_IS_SWITCH (toggle));
  g_assert_true (ui_test_has_label (toggle, title));
  g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (toggle)), ==, initial);

  /* Activating the row (a click or Enter anywhere on it) flips the switch and the setting. */
  gtk_widget_activate (row);
  g_assert_cmpint (g_settings_get_boolean (fixture->settings, key), ==, !initial);

  gtk_switch_set_active (GTK_SWITCH (toggle), initial);
  g_assert_cmpint (g_settings_get_boolean (fixture->settings, key), ==, initial);

  /* And the other way: a change elsewhere shows here. */
  g_settings_set_boolean (fixture->settings, key, !initial);
  g_assert_cmpint (gtk_switch_get_active (GTK_SWITCH (toggle)), ==, !initial);
}

static void
test_preferences_switches (Fixture       *fixture,
                           gconstpointer  data)
{
  g_assert_true (PLAYTEST_IS_PREFERENCES_WINDOW (fixture->window));
  g_assert_true (g_settings_get_boolean (fixture->settings, "voice-response"));
  g_assert_true (g_settings_get_boolean (fixture->settings, "auto-play"));

  check_switch (fixture, "Voice Replies", "voice-response");
  check_switch (fixture, "Stream Replies", "stream");
  check_switch (fixture, "Play Replies Automatically", "auto-play");
}

static void
test_preferences_timeout (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *row = find_row (fixture->window, ADW_TYPE_ACTION_ROW, "Request Timeout");
  GtkWidget *spin_widget = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));
  GtkSpinButton *spin = GTK_SPIN_BUTTON (spin_widget);

  g_assert_true (ui_test_has_label (spin_widget, "Request Timeout"));

  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 30);

  gtk_spin_button_set_value (spin, 120);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "request-timeout"), ==, 120);

  /* The range is the schema's: 5 to 600 seconds. */
  gtk_spin_button_set_value (spin, 1);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "request-timeout"), ==, 5);
  gtk_spin_button_set_value (spin, 100000);
  g_assert_cmpuint (g_settings_get_uint (fixture->settings, "request-timeout"), ==, 600);

  g_settings_set_uint (fixture->settings, "request-timeout", 45);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 45);
}

static void
test_preferences_base_url (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *row = find_row (fixture->window, ADW_TYPE_ENTRY_ROW, "Service Address");
  g_autofree char *saved = NULL;

  g_assert_true (ui_test_has_label (row, "Service Address"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");

  gtk_editable_set_text (GTK_EDITABLE (row), "ftp://x");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  gtk_test_accessible_assert_state (row, GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);
  g_signal_emit_by_name (row, "apply");
  saved = g_settings_get_string (fixture->settings, "base-url");
  g_assert_cmpstr (saved, ==, "");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_clear_pointer (&saved, g_free);

  /* Neither is an address without a host. */
  gtk_editable_set_text (GTK_EDITABLE (row), "https://");
  g_signal_emit_by_name (row, "apply");
  saved = g_settings_get_string (fixture->settings, "base-url");
  g_assert_cmpstr (saved, ==, "");
  g_clear_pointer (&saved, g_free);

  gtk_editable_set_text (GTK_EDITABLE (row), " https://staging.example ");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  gtk_test_accessible_assert_state (row, GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_FALSE);
  g_signal_emit_by_name (row, "apply");
  saved = g_settings_get_string (fixture->settings, "base-url");
  g_assert_cmpstr (saved, ==, "https://staging.example");
  g_clear_pointer (&saved, g_free);

  /* Empty is valid: back to the default service. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  g_signal_emit_by_name (row, "apply");
  saved = g_settings_get_string (fixture->settings, "base-url");
  g_assert_cmpstr (saved, ==, "");
}

static void
test_preferences_base_url_shown (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(PlaytestSecret) secret = playtest_secret_new ();
  GtkWidget *window;
  GtkWidget *row;

  g_settings_set_string (settings, "base-url", "http://127.0.0.1:8080");
  window = playtest_preferences_window_new (NULL, settings, secret);
  row = find_row (window, ADW_TYPE_ENTRY_ROW, "Service Address");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "http://127.0.0.1:8080");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "base-url");
}

static const char *
account_description (Fixture *fixture)
{
  GtkWidget *group = find_row (fixture->window, ADW_TYPE_PREFERENCES_GROUP, "Convai Account");

  return adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group));
}

static void
test_preferences_key_without_keyring (Fixture       *fixture,
                                      gconstpointer  data)
{
  GtkWidget *row = find_row (fixture->window, ADW_TYPE_PASSWORD_ENTRY_ROW, "API Key");
  GtkWidget *remove = find_row (fixture->window, GTK_TYPE_BUTTON, "Remove Key");

  g_assert_true (ui_test_has_label (row, "API Key"));
  g_assert_true (gtk_widget_get_sensitive (row));
  g_assert_false (gtk_widget_get_visible (remove));

  gtk_editable_set_text (GTK_EDITABLE (row), "typed-key");
  g_signal_emit_by_name (row, "apply");
  ui_test_wait_for (playtest_secret_get_api_key (fixture->secret) != NULL);

  g_assert_cmpstr (playtest_secret_get_api_key (fixture->secret), ==, "typed-key");
  g_assert_false (playtest_secret_get_keyring_available (fixture->secret));
  /* The window says where the key lives, and the key leaves the entry. */
  g_assert_nonnull (strstr (account_description (fixture), "No keyring"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  g_assert_true (gtk_widget_get_visible (remove));

  g_signal_emit_by_name (remove, "clicked");
  ui_test_wait_for (playtest_secret_get_api_key (fixture->secret) == NULL);
  g_assert_false (gtk_widget_get_visible (remove));
}

static void
test_preferences_key_from_environment (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  g_autoptr(PlaytestSecret) secret = NULL;
  Fixture fixture = { settings, NULL, NULL };
  GtkWidget *row;
  GtkWidget *remove;

  g_setenv ("CONVAI_API_KEY", "env-key", TRUE);
  secret = playtest_secret_new ();
  playtest_secret_load_async (secret, NULL, NULL, NULL);
  ui_test_wait_for (playtest_secret_get_api_key (secret) != NULL);
  g_unsetenv ("CONVAI_API_KEY");

  fixture.secret = secret;
  fixture.window = playtest_preferences_window_new (NULL, settings, secret);
  row = find_row (fixture.window, ADW_TYPE_PASSWORD_ENTRY_ROW, "API Key");
  remove = find_row (fixture.window, GTK_TYPE_BUTTON, "Remove Key");

  g_assert_false (gtk_widget_get_sensitive (row));
  g_assert_false (gtk_widget_get_visible (remove));
  g_assert_nonnull (strstr (account_description (&fixture), "CONVAI_API_KEY"));
  /* The key itself is never shown. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");

  gtk_window_destroy (GTK_WINDOW (fixture.window));
}

static gboolean
key_row_has_focus (Fixture *fixture)
{
  GtkWidget *row = find_row (fixture->window, ADW_TYPE_PASSWORD_ENTRY_ROW, "API Key");
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));

  return focus != NULL && (focus == row || gtk_widget_is_ancestor (focus, row));
}

static void
test_preferences_focus_api_key (Fixture       *fixture,
                                gconstpointer  data)
{
  GtkWidget *address = find_row (fixture->window, ADW_TYPE_ENTRY_ROW, "Service Address");

  /* The key row is the first thing that can take the focus; start from somewhere else. */
  ui_test_wait_for (gtk_widget_get_mapped (fixture->window));
  ui_test_spin_idle ();
  gtk_widget_grab_focus (address);
  ui_test_wait_for (!key_row_has_focus (fixture));

  playtest_preferences_window_focus_api_key (PLAYTEST_PREFERENCES_WINDOW (fixture->window));
  ui_test_wait_for (key_row_has_focus (fixture));
}

int
main (int   argc,
      char *argv[])
{
  GTestDBus *bus;
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  int status;

  /* Before GTK starts, so every D-Bus user in the process sees the private bus. GTestDBus
   * unsets DISPLAY (against X11 autolaunch); GTK needs it back. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  /* The private bus has no accessibility bus either: GTK's test backend keeps accessible
   * properties checkable without one. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_unsetenv ("CONVAI_API_KEY");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* A switch flips at the end of its animation; without one, at once. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* Referencing the bundle links it (and its registering constructor) out of the static
   * library; the window's template lives there. */
  g_assert_nonnull (playtest_app_get_resource ());

  g_test_add ("/preferences/switches", Fixture, NULL,
              fixture_set_up, test_preferences_switches, fixture_tear_down);
  g_test_add ("/preferences/timeout", Fixture, NULL,
              fixture_set_up, test_preferences_timeout, fixture_tear_down);
  g_test_add ("/preferences/base-url", Fixture, NULL,
              fixture_set_up, test_preferences_base_url, fixture_tear_down);
  g_test_add_func ("/preferences/base-url-shown", test_preferences_base_url_shown);
  g_test_add ("/preferences/key/without-keyring", Fixture, NULL,
              fixture_set_up, test_preferences_key_without_keyring, fixture_tear_down);
  g_test_add_func ("/preferences/key/from-environment", test_preferences_key_from_environment);
  g_test_add ("/preferences/focus-api-key", Fixture, NULL,
              fixture_set_up, test_preferences_focus_api_key, fixture_tear_down);

  status = g_test_run ();

  /* Not g_test_dbus_down(): GTK and libadwaita keep proxies on the session bus for the life
   * of the process, so it would wait for them in vain. GTestDBus's watcher process stops the
   * private daemon when this process exits. */
  (void)bus;

  return status;
}
