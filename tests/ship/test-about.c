/* test-about.c: the About window, and its release notes from the metainfo (translations merged)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-about.h"

/* As msgfmt --xml writes it: each translated element right after its original. */
static const char metainfo[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<component type=\"desktop-application\">\n"
  "  <description><p>Not the release notes</p></description>\n"
  "  <releases>\n"
  "    <release version=\"0.2.0\" date=\"2026-12-01\">\n"
  "      <description>\n"
  "        <p>Second &amp; better.</p>\n"
  "        <p xml:lang=\"de\">Zweite &amp; bessere.</p>\n"
  "        <ul>\n"
  "          <li>Scripts</li>\n"
  "          <li xml:lang=\"de\">Skripte</li>\n"
  "          <li>Export</li>\n"
  "        </ul>\n"
  "      </description>\n"
  "    </release>\n"
  "    <release version=\"0.1.0\" date=\"2026-11-29\">\n"
  "      <description><p>The first release.</p></description>\n"
  "    </release>\n"
  "  </releases>\n"
  "</component>\n";

#define ENGLISH_NOTES "<p>Second &amp; better.</p><ul><li>Scripts</li><li>Export</li></ul>"

static void
test_about_notes_untranslated (void)
{
  const char * const languages[] = { "C", NULL };
  g_autofree char *version = NULL;
  g_autofree char *notes = playtest_about_dup_release_notes (metainfo, languages, &version);

  g_assert_cmpstr (version, ==, "0.2.0");
  g_assert_cmpstr (notes, ==, ENGLISH_NOTES);
}

static void
test_about_notes_translated (void)
{
  const char * const languages[] = { "de_DE.UTF-8", "de_DE", "de", "C", NULL };
  g_autofree char *notes = playtest_about_dup_release_notes (metainfo, languages, NULL);

  /* "Export" has no translation: it stays in English rather than going missing. */
  g_assert_cmpstr (notes, ==,
                   "<p>Zweite &amp; bessere.</p><ul><li>Skripte</li><li>Export</li></ul>");
}

static void
test_about_notes_other_language (void)
{
  const char * const languages[] = { "fr_FR", "fr", "C", NULL };
  g_autofree char *notes = playtest_about_dup_release_notes (metainfo, languages, NULL);

  g_assert_cmpstr (notes, ==, ENGLISH_NOTES);
}

static void
test_about_notes_none (void)
{
  const char * const languages[] = { "C", NULL };
  g_autofree char *version = NULL;
  g_autofree char *notes = playtest_about_dup_release_notes ("<component><releases/></component>",
                                                             languages, &version);

  g_assert_null (notes);
  g_assert_null (version);
}

/* The metainfo the app ships (compiled into its resources) has notes for this version. */
static void
test_about_notes_shipped (void)
{
  const char * const languages[] = { "C", NULL };
  g_autoptr(GBytes) bytes = g_resources_lookup_data (RESOURCE_PATH "/about.metainfo.xml",
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *text = NULL;
  g_autofree char *version = NULL;
  g_autofree char *notes = NULL;

  g_assert_nonnull (bytes);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  notes = playtest_about_dup_release_notes (text, languages, &version);
  g_assert_cmpstr (version, ==, PACKAGE_VERSION);
  g_assert_nonnull (notes);
  g_assert_true (g_str_has_prefix (notes, "<p>"));
}

/* The window a user opens from the menu: this version, its notes, the links, and debug
 * information naming the libraries it runs with. */
static void
test_about_window (void)
{
  g_autoptr(PlaytestApplication) application = playtest_application_new ();
  GtkWidget *about = playtest_about_window_new (application);
  AdwAboutWindow *window = ADW_ABOUT_WINDOW (about);
  const char *debug_info = adw_about_window_get_debug_info (window);

  g_assert_cmpstr (adw_about_window_get_version (window), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (window), ==, APPLICATION_ID);
  g_assert_cmpint (adw_about_window_get_license_type (window), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_website (window), ==, PACKAGE_WEBSITE);
  g_assert_cmpstr (adw_about_window_get_issue_url (window), ==, PACKAGE_BUGREPORT);
  g_assert_cmpstr (adw_about_window_get_release_notes_version (window), ==, PACKAGE_VERSION);
  g_assert_nonnull (strstr (adw_about_window_get_release_notes (window), "<li>"));
  g_assert_nonnull (strstr (debug_info, PACKAGE_VERSION));
  g_assert_nonnull (strstr (debug_info, "- GTK 4."));
  g_assert_nonnull (strstr (debug_info, "- libadwaita 1."));
  g_assert_nonnull (strstr (debug_info, "- GStreamer 1."));
  g_assert_nonnull (strstr (debug_info, "- SQLite 3."));

  gtk_window_destroy (GTK_WINDOW (about));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/about/notes/untranslated", test_about_notes_untranslated);
  g_test_add_func ("/about/notes/translated", test_about_notes_translated);
  g_test_add_func ("/about/notes/other-language", test_about_notes_other_language);
  g_test_add_func ("/about/notes/none", test_about_notes_none);
  g_test_add_func ("/about/notes/shipped", test_about_notes_shipped);
  g_test_add_func ("/about/window", test_about_window);

  return g_test_run ();
}
