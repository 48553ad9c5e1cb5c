/* playtest-about.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "playtest-about.h"

#define METAINFO_RESOURCE RESOURCE_PATH "/about.metainfo.xml"

/* Release notes from the metainfo --------------------------------------------------------- */

/* msgfmt merges each translated <p> or <li> in right after its original, with xml:lang set.
 * The notes of the first (newest) release are rebuilt for AdwAboutWindow, taking the
 * translation of an element where one for the user's languages follows it. */
typedef struct
{
  const char * const *languages;
  GString            *notes;
  char               *version;
  char               *pending;   /* the last untranslated element, until its translation */
  GString            *element;   /* the text of the <p> or <li> being read */
  char               *element_lang;
  guint               releases;
  gboolean            in_description;
  gboolean            done;
} NotesParser;

static gboolean
is_wanted_language (NotesParser *parser,
                    const char  *lang)
{
  for (guint i = 0; parser->languages[i] != NULL; i++)
    {
      if (!g_str_equal (parser->languages[i], "C") && g_str_equal (parser->languages[i], lang))
        return TRUE;
    }

  return FALSE;
}

static const char *
lookup_attribute (const char **names,
                  const char **values,
                  const char  *wanted)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], wanted))
        return values[i];
    }

  return NULL;
}

static void
flush_pending (NotesParser *parser)
{
  if (parser->pending != NULL)
    g_string_append (parser->notes, parser->pending);
  g_clear_pointer (&parser->pending, g_free);
}

static void
notes_start_cb (GMarkupParseContext  *context,
                const char           *name,
                const char          **attribute_names,
                const char          **attribute_values,
                gpointer              user_data,
                GError              **error)
{
  NotesParser *parser = user_data;

  if (parser->done)
    return;

  if (g_str_equal (name, "release") && parser->releases++ == 0)
    parser->version = g_strdup (lookup_attribute (attribute_names, attribute_values, "version"));
  else if (g_str_equal (name, "description") && parser->releases == 1)
    parser->in_description = TRUE;
  else if (parser->in_description && (g_str_equal (name, "ul") || g_str_equal (name, "ol")))
    {
      flush_pending (parser);
      g_string_append_printf (parser->notes, "<%s>", name);
    }
  else if (parser->in_description && (g_str_equal (name, "p") || g_str_equal (name, "li")))
    {
      parser->element_lang = g_strdup (lookup_attribute (attribute_names, attribute_values,
                                                         "xml:lang"));
      parser->element = g_string_new (NULL);
    }
}

static void
notes_text_cb (GMarkupParseContext  *context,
               const char           *text,
               gsize                 length,
               gpointer              user_data,
               GError              **error)
{
  NotesParser *parser = user_data;
  g_autofree char *escaped = NULL;

  if (parser->element == NULL)
    return;

  escaped = g_markup_escape_text (text, length);
  g_string_append (parser->element, escaped);
}

static void
finish_element (NotesParser *parser,
                const char  *name)
{
  g_autofree char *markup = g_strdup_printf ("<%s>%s</%s>", name, parser->element->str, name);

  if (parser->element_lang == NULL)
    {
      flush_pending (parser);
      parser->pending = g_steal_pointer (&markup);
    }
  else if (is_wanted_language (parser, parser->element_lang))
    {
      g_clear_pointer (&parser->pending, g_free);
      g_string_append (parser->notes, markup);
    }

  g_string_free (parser->element, TRUE);
  parser->element = NULL;
  g_clear_pointer (&parser->element_lang, g_free);
}

static void
notes_end_cb (GMarkupParseContext  *context,
              const char           *name,
              gpointer              user_data,
              GError              **error)
{
  NotesParser *parser = user_data;

  if (!parser->in_description)
    return;

  if (parser->element != NULL && (g_str_equal (name, "p") || g_str_equal (name, "li")))
    finish_element (parser, name);
  else if (g_str_equal (name, "ul") || g_str_equal (name, "ol"))
    {
      flush_pending (parser);
      g_string_append_printf (parser->notes, "</%s>", name);
    }
  else if (g_str_equal (name, "description"))
    {
      flush_pending (parser);
      parser->in_description = FALSE;
      parser->done = TRUE;
    }
}

/**
 * playtest_about_dup_release_notes:
 * @metainfo: the text of an AppStream metainfo file, translations merged in
 * @languages: the user's languages, best first, as g_get_language_names() gives them
 * @version: (out) (optional) (nullable): the version of the release the notes are of
 *
 * Takes the description of the newest release, in the first of @languages it is translated
 * into (paragraph by paragraph), as the markup AdwAboutWindow:release-notes reads.
 *
 * Returns: (transfer full) (nullable): the notes, or %NULL if there are none
 */
char *
playtest_about_dup_release_notes (const char          *metainfo,
                                  const char * const  *languages,
                                  char               **version)
{
  static const GMarkupParser callbacks = { notes_start_cb, notes_end_cb, notes_text_cb };
  NotesParser parser = { .languages = languages, .notes = g_string_new (NULL) };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;

  context = g_markup_parse_context_new (&callbacks, G_MARKUP_TREAT_CDATA_AS_TEXT, &parser, NULL);
  if (!g_markup_parse_context_parse (context, metainfo, -1, &error)
      || !g_markup_parse_context_end_parse (context, &error))
    g_warning ("The release notes in the metainfo could not be read: %s", error->message);

  g_free (parser.pending);
  g_free (parser.element_lang);
  if (parser.element != NULL)
    g_string_free (parser.element, TRUE);

  if (version != NULL)
    *version = g_steal_pointer (&parser.version);
  g_free (parser.version);

  if (error != NULL || parser.notes->len == 0)
    {
      g_string_free (parser.notes, TRUE);
      return NULL;
    }

  return g_string_free (parser.notes, FALSE);
}

/* Debug information ----------------------------------------------------------------------- */

/**
 * playtest_about_dup_debug_info:
 * @application: the application
 *
 * What a bug report needs: the versions of the libraries the app runs with, the display, the
 * service it talks to (never the key), the language and the audio setting.
 *
 * Returns: (transfer full): plain text
 */
char *
playtest_about_dup_debug_info (PlaytestApplication *application)
{
  PlaytestClient *client = playtest_application_get_client (application);
  GdkDisplay *display = gdk_display_get_default ();
  g_autofree char *gst_version = gst_version_string ();
  GString *info = g_string_new (NULL);

  g_string_append_printf (info, "Convai Playtest %s (%s)\n", PACKAGE_VERSION, APPLICATION_ID);
  g_string_append_printf (info, "Service: %s%s\n",
                          client != NULL ? playtest_client_get_base_url (client) : "-",
                          playtest_application_get_demo_mode (application) ? " (demo)" : "");
  g_string_append (info, "\nLibraries:\n");
  g_string_append_printf (info, "- GLib %u.%u.%u\n", glib_major_version, glib_minor_version,
                          glib_micro_version);
  g_string_append_printf (info, "- GTK %u.%u.%u\n", gtk_get_major_version (),
                          gtk_get_minor_version (), gtk_get_micro_version ());
  g_string_append_printf (info, "- libadwaita %u.%u.%u\n", adw_get_major_version (),
                          adw_get_minor_version (), adw_get_micro_version ());
  g_string_append_printf (info, "- libsoup %u.%u.%u\n", soup_get_major_version (),
                          soup_get_minor_version (), soup_get_micro_version ());
  /* json-glib has no run-time version call. */
  g_string_append_printf (info, "- json-glib %s (built with)\n", JSON_VERSION_S);
  g_string_append_printf (info, "- %s\n", gst_version);
  g_string_append_printf (info, "- SQLite %s\n", sqlite3_libversion ());
  g_string_append (info, "\nEnvironment:\n");
  g_string_append_printf (info, "- Display: %s\n",
                          display != NULL ? G_OBJECT_TYPE_NAME (display) : "none");
  g_string_append_printf (info, "- Flatpak: %s\n",
                          g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ? "yes" : "no");
  g_string_append_printf (info, "- Language: %s\n", g_get_language_names ()[0]);
  g_string_append_printf (info, "- PLAYTEST_AUDIO: %s\n",
                          g_getenv ("PLAYTEST_AUDIO") != NULL ? g_getenv ("PLAYTEST_AUDIO")
                                                               : "(unset)");

  return g_string_free (info, FALSE);
}

/* The window ------------------------------------------------------------------------------ */

static void
set_release_notes (AdwAboutWindow *about)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *metainfo = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *version = NULL;

  bytes = g_resources_lookup_data (METAINFO_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    return;

  metainfo = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  notes = playtest_about_dup_release_notes (metainfo, g_get_language_names (), &version);
  if (notes == NULL)
    return;

  adw_about_window_set_release_notes (about, notes);
  if (version != NULL)
    adw_about_window_set_release_notes_version (about, version);
}

/**
 * playtest_about_window_new:
 * @application: the application
 *
 * Creates the About window, over the active window of @application.
 *
 * Returns: (transfer floating): a new #AdwAboutWindow
 */
GtkWidget *
playtest_about_window_new (PlaytestApplication *application)
{
  static const char *built_with[] = {
    "GTK https://gtk.org",
    "libadwaita https://gnome.pages.gitlab.gnome.org/libadwaita/",
    "GStreamer https://gstreamer.freedesktop.org",
    "libsoup https://libsoup.org",
    "SQLite https://sqlite.org",
    "eSpeak NG https://github.com/espeak-ng/espeak-ng",
    NULL
  };
  g_autofree char *debug_info = playtest_about_dup_debug_info (application);
  const char *developers[] = { _("The Convai Playtest developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for",
                        gtk_application_get_active_window (GTK_APPLICATION (application)),
                        "application-name", _("Convai Playtest"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Convai Playtest developers"),
                        "developers", developers,
                        "copyright", _("© 2026 The Convai Playtest developers"),
                        "comments", _("Talk to Convai characters and see everything that "
                                      "comes back: reply, voice, emotion, actions and the "
                                      "narrative section."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", PACKAGE_WEBSITE,
                        "issue-url", PACKAGE_BUGREPORT,
                        "support-url", PACKAGE_WEBSITE "#troubleshooting",
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        "debug-info", debug_info,
                        "debug-info-filename", "convai-playtest-debug-info.txt",
                        NULL);
  adw_about_window_add_acknowledgement_section (ADW_ABOUT_WINDOW (about), _("Built with"),
                                                built_with);
  set_release_notes (ADW_ABOUT_WINDOW (about));

  return about;
}
