/* playtest-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-preferences-window.h"

struct _PlaytestPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  PlaytestSecret       *secret;
  /* Cancelled on dispose so a late keyring reply never touches a dead window. */
  GCancellable         *cancellable;

  AdwPreferencesGroup  *account_group;
  GtkButton            *remove_key_button;
  AdwEntryRow          *api_key_row;
  AdwEntryRow          *base_url_row;
  GtkLabel             *base_url_hint;
  GtkSwitch            *voice_response_switch;
  GtkSwitch            *stream_switch;
  GtkSwitch            *auto_play_switch;
  GtkSpinButton        *request_timeout_spin;
};

G_DEFINE_FINAL_TYPE (PlaytestPreferencesWindow, playtest_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_SECRET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Empty (the default service) or an http(s) address with a host. */
static gboolean
is_valid_base_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (text[0] == '\0')
    return TRUE;

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);

  return (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
         && host != NULL && host[0] != '\0';
}

static void
show_base_url_valid (PlaytestPreferencesWindow *self,
                     gboolean                   valid)
{
  GtkWidget *row = GTK_WIDGET (self->base_url_row);
  GtkWidget *hint = GTK_WIDGET (self->base_url_hint);

  gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               valid ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  if (valid)
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_widget_remove_css_class (hint, "error");
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_label_set_label (self->base_url_hint,
                           _("Leave the address empty for https://api.convai.com; "
                             "set it for a proxy or a staging server."));
    }
  else
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_add_css_class (hint, "error");
      gtk_widget_remove_css_class (hint, "dim-label");
      gtk_label_set_label (self->base_url_hint,
                           _("Enter an address that starts with http:// or https://, "
                             "or leave it empty."));
    }
}

static void
base_url_changed_cb (PlaytestPreferencesWindow *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->base_url_row)));

  show_base_url_valid (self, is_valid_base_url (g_strstrip (text)));
}

/* Saved only on apply, and only when valid: a half-typed address would break every turn. */
static void
base_url_apply_cb (PlaytestPreferencesWindow *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->base_url_row)));

  g_strstrip (text);
  if (!is_valid_base_url (text))
    {
      show_base_url_valid (self, FALSE);
      gtk_widget_error_bell (GTK_WIDGET (self->base_url_row));
      return;
    }

  show_base_url_valid (self, TRUE);
  g_settings_set_string (self->settings, "base-url", text);
}

static void
toast (PlaytestPreferencesWindow *self,
       const char                *title)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (title));
}

/* Says where the key lives, and offers only what can be done about it there. */
static void
update_key_state (PlaytestPreferencesWindow *self)
{
  gboolean from_env = playtest_secret_get_from_environment (self->secret);
  gboolean keyring = playtest_secret_get_keyring_available (self->secret);
  gboolean has_key = playtest_secret_get_api_key (self->secret) != NULL;
  const char *description;

  if (from_env)
    description = _("Set by CONVAI_API_KEY in the environment; it cannot be changed here.");
  else if (!keyring && has_key)
    description = _("Key set. No keyring is available: the key is kept until you quit.");
  else if (!keyring)
    description = _("No keyring is available: the key is kept until you quit.");
  else if (has_key)
    description = _("Stored in your keyring.");
  else
    description = _("No key yet: the app talks to its demo characters. "
                    "A key you add is stored in your keyring.");

  adw_preferences_group_set_description (self->account_group, description);
  gtk_widget_set_sensitive (GTK_WIDGET (self->api_key_row), !from_env);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_key_button), has_key && !from_env);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->api_key_row),
                               has_key && !from_env ? _("Type a new key to replace the stored one")
                                                    : NULL);
}

static void
secret_changed_cb (PlaytestPreferencesWindow *self)
{
  update_key_state (self);
}

static void
api_key_changed_cb (PlaytestPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->api_key_row), "error");
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  PlaytestSecret *secret = PLAYTEST_SECRET (object);
  g_autoptr(PlaytestPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!playtest_secret_store_finish (secret, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The typed key stays in the row so nothing is lost; the row shows it failed. */
      gtk_widget_add_css_class (GTK_WIDGET (self->api_key_row), "error");
      toast (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->api_key_row), "");
  if (playtest_secret_get_api_key (secret) == NULL)
    toast (self, _("API key removed"));
  else if (playtest_secret_get_keyring_available (secret))
    toast (self, _("API key saved in your keyring"));
  else
    toast (self, _("API key kept until you quit"));
}

static void
api_key_apply_cb (PlaytestPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->api_key_row));

  /* Removing is the Remove Key button's job; an empty apply is a slip. */
  if (text[0] == '\0')
    return;

  playtest_secret_store_async (self->secret, text, self->cancellable,
                               store_cb, g_object_ref (self));
}

static void
remove_key_clicked_cb (PlaytestPreferencesWindow *self)
{
  playtest_secret_store_async (self->secret, NULL, self->cancellable,
                               store_cb, g_object_ref (self));
}

static void
bind_settings (PlaytestPreferencesWindow *self)
{
  g_autofree char *base_url = g_settings_get_string (self->settings, "base-url");

  g_settings_bind (self->settings, "voice-response",
                   self->voice_response_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "stream",
                   self->stream_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "auto-play",
                   self->auto_play_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "request-timeout",
                   self->request_timeout_spin, "value", G_SETTINGS_BIND_DEFAULT);

  /* Not bound: the address is saved on apply, once valid. Set before the apply button is
   * enabled so the stored value does not count as an unapplied edit. */
  gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), base_url);
  adw_entry_row_set_show_apply_button (self->base_url_row, TRUE);
}

static void
playtest_preferences_window_constructed (GObject *object)
{
  PlaytestPreferencesWindow *self = (PlaytestPreferencesWindow *)object;

  G_OBJECT_CLASS (playtest_preferences_window_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->settings));
  g_return_if_fail (PLAYTEST_IS_SECRET (self->secret));

  bind_settings (self);

  g_signal_connect_object (self->secret, "notify::api-key",
                           G_CALLBACK (secret_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->secret, "notify::from-environment",
                           G_CALLBACK (secret_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->secret, "notify::keyring-available",
                           G_CALLBACK (secret_changed_cb), self, G_CONNECT_SWAPPED);
  update_key_state (self);
}

static void
playtest_preferences_window_dispose (GObject *object)
{
  PlaytestPreferencesWindow *self = (PlaytestPreferencesWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->secret);

  gtk_widget_dispose_template (GTK_WIDGET (self), PLAYTEST_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (playtest_preferences_window_parent_class)->dispose (object);
}

static void
playtest_preferences_window_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  PlaytestPreferencesWindow *self = PLAYTEST_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_SECRET:
      self->secret = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_preferences_window_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  PlaytestPreferencesWindow *self = PLAYTEST_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_SECRET:
      g_value_set_object (value, self->secret);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_preferences_window_class_init (PlaytestPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = playtest_preferences_window_constructed;
  object_class->dispose = playtest_preferences_window_dispose;
  object_class->get_property = playtest_preferences_window_get_property;
  object_class->set_property = playtest_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRET] =
    g_param_spec_object ("secret", NULL, NULL,
                         PLAYTEST_TYPE_SECRET,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/convai_playtest/Playtest/"
                                               "playtest-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow, account_group);
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow,
                                        remove_key_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow, api_key_row);
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow, base_url_row);
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow, base_url_hint);
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow,
                                        voice_response_switch);
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow, stream_switch);
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow,
                                        auto_play_switch);
  gtk_widget_class_bind_template_child (widget_class, PlaytestPreferencesWindow,
                                        request_timeout_spin);
  gtk_widget_class_bind_template_callback (widget_class, api_key_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, api_key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, base_url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, base_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_key_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
playtest_preferences_window_init (PlaytestPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * playtest_preferences_window_new:
 * @parent: (nullable): the window to stay above
 * @settings: the app's settings
 * @secret: the API key holder
 *
 * Creates the preferences window. Switches and the timeout are bound to @settings; the key
 * is stored through @secret, never in @settings.
 *
 * Returns: (transfer floating): a new #PlaytestPreferencesWindow
 */
GtkWidget *
playtest_preferences_window_new (GtkWindow      *parent,
                                 GSettings      *settings,
                                 PlaytestSecret *secret)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (PLAYTEST_IS_SECRET (secret), NULL);

  return g_object_new (PLAYTEST_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "settings", settings,
                       "secret", secret,
                       NULL);
}

/**
 * playtest_preferences_window_focus_api_key:
 * @self: a #PlaytestPreferencesWindow
 *
 * Moves the focus to the API key row, for the window's "Add Key…" and "Change Key…" buttons.
 */
void
playtest_preferences_window_focus_api_key (PlaytestPreferencesWindow *self)
{
  g_return_if_fail (PLAYTEST_IS_PREFERENCES_WINDOW (self));

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (self), "general");
  gtk_widget_grab_focus (GTK_WIDGET (self->api_key_row));
}
