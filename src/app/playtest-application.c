/* playtest-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-application.h"
#include "playtest-about.h"
#include "playtest-demo-server.h"
#include "playtest-preferences-window.h"
#include "playtest-window.h"

struct _PlaytestApplication
{
  AdwApplication      parent_instance;

  GSettings          *settings;
  PlaytestSecret     *secret;
  PlaytestClient     *client;
  PlaytestHistory    *history;
  GError             *history_error;
  GError             *key_error;
  PlaytestDemoServer *demo_server;
  GCancellable       *cancellable;

  /* From the command line. */
  char               *history_directory;
  char               *base_url;
  char               *character_id;
  char               *script_path;
  gboolean            demo;

  gboolean            demo_mode;
  gboolean            ready;
  gboolean            activate_pending;
};

G_DEFINE_FINAL_TYPE (PlaytestApplication, playtest_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_CHARACTER_ID,
  PROP_HISTORY_DIRECTORY,
  PROP_DEMO,
  PROP_DEMO_MODE,
  PROP_READY,
  N_PROPS
};

enum {
  CLIENT_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Command line ----------------------------------------------------------------------------- */

static const GOptionEntry option_entries[] = {
  { "base-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Talk to the Convai API at URL (a proxy, staging, or any server speaking the API)"),
    N_("URL") },
  { "character", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Start a conversation with the character ID"), N_("ID") },
  { "script", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open the playthrough script FILE in the script pane, ready to run"), N_("FILE") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Talk to the built-in demo characters, even when a key is set"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

static gboolean
is_http_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return scheme != NULL
         && (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
         && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* --script FILE: kept for the window this process opens, or, when the app already runs,
 * handed to that instance (the options of a second start never reach it otherwise). */
static int
hand_over_script (PlaytestApplication *self,
                  const char          *path)
{
  GApplication *application = G_APPLICATION (self);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GError) error = NULL;

  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (!g_application_get_is_remote (application))
    {
      /* Kept as given: the window resolves it against the folder the app started in. */
      g_free (self->script_path);
      self->script_path = g_strdup (path);
      return -1;
    }

  g_action_group_activate_action (G_ACTION_GROUP (application), "open-script",
                                  g_variant_new_string (uri));
  /* The call is queued on the bus connection; send it before this process exits. */
  g_dbus_connection_flush_sync (g_application_get_dbus_connection (application), NULL, NULL);
  return 0;
}

static int
playtest_application_handle_local_options (GApplication *application,
                                           GVariantDict *options)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (application);
  const char *value;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("convai-playtest %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "base-url", "&s", &value))
    {
      if (!is_http_url (value))
        {
          g_printerr (_("--base-url: “%s” is not an http:// or https:// address\n"), value);
          return 1;
        }
      g_object_set (self, "base-url", value, NULL);
    }
  if (g_variant_dict_lookup (options, "character", "&s", &value))
    g_object_set (self, "character-id", value, NULL);
  if (g_variant_dict_contains (options, "demo"))
    g_object_set (self, "demo", TRUE, NULL);
  if (g_variant_dict_lookup (options, "script", "^&ay", &value))
    return hand_over_script (self, value);

  return -1;
}

/* The client and the demo backend ---------------------------------------------------------- */

static gboolean
start_demo_server (PlaytestApplication *self)
{
  g_autoptr(PlaytestDemoServer) server = playtest_demo_server_new ();
  g_autoptr(GError) error = NULL;

  if (!playtest_demo_server_listen (server, "127.0.0.1", 0, &error))
    {
      g_warning ("Could not start the demo backend: %s", error->message);
      return FALSE;
    }

  self->demo_server = g_steal_pointer (&server);
  return TRUE;
}

static void
stop_demo_server (PlaytestApplication *self)
{
  if (self->demo_server == NULL)
    return;

  playtest_demo_server_disconnect (self->demo_server);
  g_clear_object (&self->demo_server);
}

/* Points the one client at the right server with the right key. Demo mode: --demo, or no
 * key and no --base-url. Conversations keep their client, so they follow along. */
static void
update_client (PlaytestApplication *self)
{
  const char *key = playtest_secret_get_api_key (self->secret);
  gboolean has_key = key != NULL && *key != '\0';
  gboolean demo_mode = self->demo || (!has_key && self->base_url == NULL);
  g_autofree char *url = NULL;

  if (demo_mode && (self->demo_server != NULL || start_demo_server (self)))
    {
      url = playtest_demo_server_dup_base_url (self->demo_server);
      playtest_client_set_api_key (self->client, NULL);
    }
  else
    {
      stop_demo_server (self);
      url = g_strdup (self->base_url);
      if (url == NULL)
        url = g_settings_get_string (self->settings, "base-url");
      if (*url == '\0')
        {
          g_free (url);
          url = g_strdup (PLAYTEST_DEFAULT_BASE_URL);
        }
      playtest_client_set_api_key (self->client, key);
    }

  playtest_client_set_base_url (self->client, url);
  playtest_client_set_timeout (self->client,
                               g_settings_get_uint (self->settings, "request-timeout"));

  if (self->demo_mode != demo_mode)
    {
      self->demo_mode = demo_mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO_MODE]);
    }

  g_signal_emit (self, signals[CLIENT_CHANGED], 0);
}

static void
settings_changed_cb (PlaytestApplication *self,
                     const char          *key,
                     GSettings           *settings)
{
  if (!self->ready)
    return;

  if (g_str_equal (key, "base-url") || g_str_equal (key, "request-timeout"))
    update_client (self);
}

static void
api_key_changed_cb (PlaytestApplication *self,
                    GParamSpec          *pspec,
                    PlaytestSecret      *secret)
{
  if (self->ready)
    update_client (self);
}

/* The key first, then the window ----------------------------------------------------------- */

static void
present_window (PlaytestApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (playtest_window_new (self));

  gtk_window_present (window);
}

static void
secret_load_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PlaytestApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* No keyring is not a failure here: the secret says so itself (keyring-available), and
   * the app runs without a stored key. A keyring that is there but fails is: the window
   * tells the user (playtest_application_get_key_error()), as the key they stored is not
   * used. */
  if (!playtest_secret_load_finish (PLAYTEST_SECRET (object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    self->key_error = g_steal_pointer (&error);

  update_client (self);
  self->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);

  if (self->activate_pending)
    {
      self->activate_pending = FALSE;
      present_window (self);
    }

  g_application_release (G_APPLICATION (self));
}

/* Actions ---------------------------------------------------------------------------------- */

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  playtest_application_show_preferences (PLAYTEST_APPLICATION (user_data), FALSE);
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (playtest_about_window_new (PLAYTEST_APPLICATION (user_data))));
}

static void
shortcuts_action_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  GtkShortcutsWindow *overlay;

  if (!GTK_IS_APPLICATION_WINDOW (window))
    return;

  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  if (overlay != NULL)
    gtk_window_present (GTK_WINDOW (overlay));
}

/* `--script FILE` given to a second `convai-playtest` arrives here, in the instance that
 * runs, as the script's URI. A window still starting up reads it as its own --script. */
static void
open_script_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (user_data);
  const char *uri = g_variant_get_string (parameter, NULL);
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  GtkWindow *window;

  if (!self->ready || gtk_application_get_active_window (GTK_APPLICATION (self)) == NULL)
    {
      g_free (self->script_path);
      self->script_path = g_strdup (uri);
      g_application_activate (G_APPLICATION (self));
      return;
    }

  present_window (self);
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  /* While a script runs the pane keeps it: the window shows the run, and the new script
   * can be opened once it ends. */
  if (PLAYTEST_IS_WINDOW (window))
    playtest_window_open_script (PLAYTEST_WINDOW (window), file);
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing (not destroying) lets each window save its size and cancel its requests. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));

  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action_cb },
  { "about", about_action_cb },
  { "shortcuts", shortcuts_action_cb },
  { "quit", quit_action_cb },
  { "open-script", open_script_action_cb, "s" },
};

static void
set_accels (GtkApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "win.show-help-overlay", { NULL } },
    { "win.new-session", { "<Control>n", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.export-session", { "<Control><Shift>e", NULL } },
    { "win.open-script", { "<Control><Shift>o", NULL } },
    { "win.run-script", { "<Control>r", NULL } },
    { "win.stop-script", { "<Control><Shift>r", NULL } },
    { "win.toggle-side-panel", { "F9", NULL } },
    { "win.presentation", { "F11", NULL } },
    { "win.focus-composer", { "<Control>l", NULL } },
    { "win.copy-session-id", { "<Control><Shift>c", NULL } },
    { "win.stop-audio", { "<Control>period", NULL } },
    { "win.toggle-mute", { "<Control>m", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

/* GApplication ----------------------------------------------------------------------------- */

static void
playtest_application_startup (GApplication *application)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (application);

  G_APPLICATION_CLASS (playtest_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  set_accels (GTK_APPLICATION (self));
  /* Windows show it under X11; the resources hold it for runs from the build tree. */
  gtk_window_set_default_icon_name (APPLICATION_ID);

  self->settings = g_settings_new (SCHEMA_ID);
  if (self->history_directory != NULL)
    self->history = playtest_history_new (self->history_directory, &self->history_error);
  else
    self->history = playtest_history_new_default (&self->history_error);
  self->client = playtest_client_new (NULL, NULL);
  self->secret = playtest_secret_new ();

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->secret, "notify::api-key", G_CALLBACK (api_key_changed_cb),
                           self, G_CONNECT_SWAPPED);

  /* Windows wait for the key: whether it exists decides between the demo and the service. */
  g_application_hold (application);
  playtest_secret_load_async (self->secret, self->cancellable, secret_load_cb,
                              g_object_ref (self));
}

static void
playtest_application_activate (GApplication *application)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (application);

  if (!self->ready)
    {
      self->activate_pending = TRUE;
      return;
    }

  present_window (self);
}

static void
playtest_application_shutdown (GApplication *application)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  stop_demo_server (self);

  G_APPLICATION_CLASS (playtest_application_parent_class)->shutdown (application);
}

/* GObject ---------------------------------------------------------------------------------- */

static void
playtest_application_dispose (GObject *object)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  stop_demo_server (self);
  g_clear_object (&self->settings);
  g_clear_object (&self->secret);
  g_clear_object (&self->client);
  g_clear_object (&self->history);
  g_clear_error (&self->history_error);
  g_clear_error (&self->key_error);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (playtest_application_parent_class)->dispose (object);
}

static void
playtest_application_finalize (GObject *object)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (object);

  g_clear_pointer (&self->history_directory, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->character_id, g_free);
  g_clear_pointer (&self->script_path, g_free);

  G_OBJECT_CLASS (playtest_application_parent_class)->finalize (object);
}

static void
set_string (char       **field,
            const char  *value,
            GObject     *object,
            GParamSpec  *pspec)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (object, pspec);
}

static void
playtest_application_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_CHARACTER_ID:
      g_value_set_string (value, self->character_id);
      break;
    case PROP_HISTORY_DIRECTORY:
      g_value_set_string (value, self->history_directory);
      break;
    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;
    case PROP_DEMO_MODE:
      g_value_set_boolean (value, self->demo_mode);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_application_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  PlaytestApplication *self = PLAYTEST_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      set_string (&self->base_url, g_value_get_string (value), object, pspec);
      break;
    case PROP_CHARACTER_ID:
      set_string (&self->character_id, g_value_get_string (value), object, pspec);
      break;
    case PROP_HISTORY_DIRECTORY:
      set_string (&self->history_directory, g_value_get_string (value), object, pspec);
      break;
    case PROP_DEMO:
      if (self->demo != g_value_get_boolean (value))
        {
          self->demo = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_application_class_init (PlaytestApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = playtest_application_dispose;
  object_class->finalize = playtest_application_finalize;
  object_class->get_property = playtest_application_get_property;
  object_class->set_property = playtest_application_set_property;

  app_class->handle_local_options = playtest_application_handle_local_options;
  app_class->startup = playtest_application_startup;
  app_class->activate = playtest_application_activate;
  app_class->shutdown = playtest_application_shutdown;

  properties[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL, rw);
  properties[PROP_CHARACTER_ID] = g_param_spec_string ("character-id", NULL, NULL, NULL, rw);
  /* Where the history store is; unset for $XDG_DATA_HOME/convai-playtest. Read at startup. */
  properties[PROP_HISTORY_DIRECTORY] = g_param_spec_string ("history-directory", NULL, NULL,
                                                            NULL, rw);
  properties[PROP_DEMO] = g_param_spec_boolean ("demo", NULL, NULL, FALSE, rw);
  properties[PROP_DEMO_MODE] = g_param_spec_boolean ("demo-mode", NULL, NULL, FALSE, ro);
  properties[PROP_READY] = g_param_spec_boolean ("ready", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PlaytestApplication::client-changed:
   * @self: the application
   *
   * The client now talks to another server, with another key, or in or out of demo mode:
   * windows list the characters again.
   */
  signals[CLIENT_CHANGED] = g_signal_new ("client-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
playtest_application_init (PlaytestApplication *self)
{
  self->cancellable = g_cancellable_new ();

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Talk to Convai characters and watch their "
                                              "emotions, actions and narrative."));
  g_application_set_option_context_description (G_APPLICATION (self),
                                                _("Without an API key (in the keyring, set in "
                                                  "Preferences, or in the environment variable "
                                                  "CONVAI_API_KEY) and without --base-url, the "
                                                  "app talks to its built-in demo characters.\n\n"
                                                  "See “man convai-playtest” for more."));
}

/* Public API ------------------------------------------------------------------------------- */

/**
 * playtest_application_new:
 *
 * Returns: (transfer full): the application
 */
PlaytestApplication *
playtest_application_new (void)
{
  /* The base path is fixed so that .Devel builds find the same resources (style.css,
   * gtk/help-overlay.ui). */
  return g_object_new (PLAYTEST_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * playtest_application_get_settings:
 * @self: a #PlaytestApplication
 *
 * Returns: (transfer none): the app's settings (after startup)
 */
GSettings *
playtest_application_get_settings (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * playtest_application_get_secret:
 * @self: a #PlaytestApplication
 *
 * Returns: (transfer none): where the API key is kept
 */
PlaytestSecret *
playtest_application_get_secret (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), NULL);

  return self->secret;
}

/**
 * playtest_application_get_client:
 * @self: a #PlaytestApplication
 *
 * Returns: (transfer none): the client every conversation sends through
 */
PlaytestClient *
playtest_application_get_client (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), NULL);

  return self->client;
}

/**
 * playtest_application_get_history:
 * @self: a #PlaytestApplication
 *
 * Returns: (transfer none) (nullable): the history store, or %NULL when it could not be
 *   opened (see playtest_application_get_history_error())
 */
PlaytestHistory *
playtest_application_get_history (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), NULL);

  return self->history;
}

/**
 * playtest_application_get_history_error:
 * @self: a #PlaytestApplication
 *
 * Returns: (nullable): why the history store could not be opened
 */
const GError *
playtest_application_get_history_error (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), NULL);

  return self->history_error;
}

/**
 * playtest_application_get_key_error:
 * @self: a #PlaytestApplication
 *
 * Returns: (nullable): why the stored API key could not be read, in words for the user;
 *   %NULL when it was read, or there is none, or no keyring runs at all
 */
const GError *
playtest_application_get_key_error (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), NULL);

  return self->key_error;
}

/**
 * playtest_application_get_demo_mode:
 * @self: a #PlaytestApplication
 *
 * Returns: whether the client talks to the in-process demo backend
 */
gboolean
playtest_application_get_demo_mode (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), FALSE);

  return self->demo_mode;
}

/**
 * playtest_application_get_ready:
 * @self: a #PlaytestApplication
 *
 * Returns: whether the key has been looked up and the client set up
 */
gboolean
playtest_application_get_ready (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), FALSE);

  return self->ready;
}

/**
 * playtest_application_get_character_id:
 * @self: a #PlaytestApplication
 *
 * Returns: (nullable): the character asked for with --character
 */
const char *
playtest_application_get_character_id (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), NULL);

  return self->character_id;
}

/**
 * playtest_application_get_script_path:
 * @self: a #PlaytestApplication
 *
 * Returns: (nullable) (type filename): the script asked for with --script, as given
 */
const char *
playtest_application_get_script_path (PlaytestApplication *self)
{
  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (self), NULL);

  return self->script_path;
}

/**
 * playtest_application_show_preferences:
 * @self: a #PlaytestApplication
 * @focus_key: whether to put the focus on the API key
 *
 * Opens the preferences over the active window.
 */
void
playtest_application_show_preferences (PlaytestApplication *self,
                                       gboolean             focus_key)
{
  GtkWindow *parent;
  GtkWidget *preferences;

  g_return_if_fail (PLAYTEST_IS_APPLICATION (self));

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  preferences = playtest_preferences_window_new (parent, self->settings, self->secret);
  if (focus_key)
    playtest_preferences_window_focus_api_key (PLAYTEST_PREFERENCES_WINDOW (preferences));
  gtk_window_present (GTK_WINDOW (preferences));
}
