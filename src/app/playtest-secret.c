/* playtest-secret.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <string.h>

#include "playtest-secret.h"

#define ENVIRONMENT_VARIABLE "CONVAI_API_KEY"

struct _PlaytestSecret
{
  GObject   parent_instance;

  char     *api_key;
  gboolean  from_environment;
  gboolean  keyring_available;
};

G_DEFINE_FINAL_TYPE (PlaytestSecret, playtest_secret, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API_KEY,
  PROP_FROM_ENVIRONMENT,
  PROP_KEYRING_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One item per user: the attribute only tells our key apart from other apps' secrets. */
static const SecretSchema *
playtest_secret_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.convai_playtest.Playtest.ApiKey", SECRET_SCHEMA_NONE,
    {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* Keys are wiped before they are freed so they do not linger in freed memory. */
static void
wipe_free (char *key)
{
  if (key == NULL)
    return;
  secret_password_wipe (key);
  g_free (key);
}

/* Keys pasted from a web page often carry a stray space or newline. Returns NULL for
 * NULL, "" or only blanks. */
static char *
dup_stripped_key (const char *key)
{
  char *copy;

  if (key == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (key));
  if (copy[0] == '\0')
    g_clear_pointer (&copy, wipe_free);

  return copy;
}

/* Takes ownership of @key; "" counts as no key. */
static void
playtest_secret_take_api_key (PlaytestSecret *self,
                              char           *key)
{
  if (key != NULL && key[0] == '\0')
    g_clear_pointer (&key, wipe_free);

  if (g_strcmp0 (self->api_key, key) == 0)
    {
      wipe_free (key);
      return;
    }

  wipe_free (self->api_key);
  self->api_key = key;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_KEY]);
}

static void
playtest_secret_set_keyring_available (PlaytestSecret *self,
                                       gboolean        available)
{
  available = !!available;
  if (self->keyring_available == available)
    return;

  self->keyring_available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_AVAILABLE]);
}

/* A session without a Secret Service (no D-Bus name org.freedesktop.secrets, no session bus at
 * all) fails with D-Bus or GIO errors; libsecret's own errors mean the service is there but
 * refused, which the user must hear about. */
static gboolean
is_no_keyring_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  return error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR;
}

static void
playtest_secret_finalize (GObject *object)
{
  PlaytestSecret *self = (PlaytestSecret *)object;

  g_clear_pointer (&self->api_key, wipe_free);

  G_OBJECT_CLASS (playtest_secret_parent_class)->finalize (object);
}

static void
playtest_secret_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PlaytestSecret *self = PLAYTEST_SECRET (object);

  switch (prop_id)
    {
    case PROP_API_KEY:
      g_value_set_string (value, self->api_key);
      break;

    case PROP_FROM_ENVIRONMENT:
      g_value_set_boolean (value, self->from_environment);
      break;

    case PROP_KEYRING_AVAILABLE:
      g_value_set_boolean (value, self->keyring_available);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_secret_class_init (PlaytestSecretClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = playtest_secret_finalize;
  object_class->get_property = playtest_secret_get_property;

  /**
   * PlaytestSecret:api-key:
   *
   * The API key, or %NULL when none is known. Never log it.
   */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * PlaytestSecret:from-environment:
   *
   * Whether the key comes from `CONVAI_API_KEY`; it then cannot be stored or removed.
   */
  properties[PROP_FROM_ENVIRONMENT] =
    g_param_spec_boolean ("from-environment", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * PlaytestSecret:keyring-available:
   *
   * %FALSE once the keyring turned out to be missing: a stored key then lives in memory
   * until the app quits.
   */
  properties[PROP_KEYRING_AVAILABLE] =
    g_param_spec_boolean ("keyring-available", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
playtest_secret_init (PlaytestSecret *self)
{
  self->keyring_available = TRUE;
}

/**
 * playtest_secret_new:
 *
 * Creates the key holder. It knows no key until [method@Secret.load_async] finishes.
 *
 * Returns: (transfer full): a new #PlaytestSecret
 */
PlaytestSecret *
playtest_secret_new (void)
{
  return g_object_new (PLAYTEST_TYPE_SECRET, NULL);
}

/**
 * playtest_secret_get_api_key:
 * @self: a #PlaytestSecret
 *
 * Returns: (nullable): the API key, or %NULL when none is set
 */
const char *
playtest_secret_get_api_key (PlaytestSecret *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SECRET (self), NULL);

  return self->api_key;
}

/**
 * playtest_secret_get_from_environment:
 * @self: a #PlaytestSecret
 *
 * Returns: whether the key is set by `CONVAI_API_KEY` (and so cannot be changed)
 */
gboolean
playtest_secret_get_from_environment (PlaytestSecret *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SECRET (self), FALSE);

  return self->from_environment;
}

/**
 * playtest_secret_get_keyring_available:
 * @self: a #PlaytestSecret
 *
 * Returns: %FALSE when no keyring service runs and a key is kept for this run only
 */
gboolean
playtest_secret_get_keyring_available (PlaytestSecret *self)
{
  g_return_val_if_fail (PLAYTEST_IS_SECRET (self), FALSE);

  return self->keyring_available;
}

static void
playtest_secret_lookup_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PlaytestSecret *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  char *found;

  found = secret_password_lookup_finish (result, &error);

  if (error != NULL && is_no_keyring_error (error))
    {
      g_debug ("No keyring: %s", error->message);
      playtest_secret_set_keyring_available (self, FALSE);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("Could not read the API key from the keyring: %s"),
                                 error->message);
      return;
    }

  /* libsecret may hand out secure memory; keep an ordinary copy and free theirs its way. */
  playtest_secret_set_keyring_available (self, TRUE);
  playtest_secret_take_api_key (self, g_strdup (found));
  secret_password_free (found);
  g_task_return_boolean (task, TRUE);
}

/**
 * playtest_secret_load_async:
 * @self: a #PlaytestSecret
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the key is known
 * @user_data: data for @callback
 *
 * Finds the API key: `CONVAI_API_KEY` if set, otherwise the keyring. A missing keyring is not
 * an error: [property@Secret:keyring-available] becomes %FALSE instead.
 */
void
playtest_secret_load_async (PlaytestSecret      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *from_env;

  g_return_if_fail (PLAYTEST_IS_SECRET (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_secret_load_async);

  from_env = dup_stripped_key (g_getenv (ENVIRONMENT_VARIABLE));

  if (from_env != NULL)
    {
      g_object_freeze_notify (G_OBJECT (self));
      if (!self->from_environment)
        {
          self->from_environment = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROM_ENVIRONMENT]);
        }
      playtest_secret_take_api_key (self, from_env);
      g_object_thaw_notify (G_OBJECT (self));
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Not even asked: libsecret shares its set-up between calls, and a call started already
   * cancelled can fail the next caller's with "cancelled" too. */
  if (g_task_return_error_if_cancelled (task))
    return;

  secret_password_lookup (playtest_secret_get_schema (), cancellable,
                          playtest_secret_lookup_cb, g_steal_pointer (&task),
                          "service", "convai",
                          NULL);
}

/**
 * playtest_secret_load_finish:
 * @self: a #PlaytestSecret
 * @result: the result passed to the callback
 * @error: return location for a user-facing error
 *
 * Returns: %TRUE when the key (or its absence) is known
 */
gboolean
playtest_secret_load_finish (PlaytestSecret  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (PLAYTEST_IS_SECRET (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == playtest_secret_load_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Finishes a keyring store or clear: the task's data is the new key (NULL when clearing). */
static void
playtest_secret_write_done (GTask        *task,
                            const GError *error)
{
  PlaytestSecret *self = g_task_get_source_object (task);
  char *key = g_task_get_task_data (task);
  gboolean clearing = key == NULL;

  if (error != NULL && is_no_keyring_error (error))
    {
      g_debug ("No keyring, keeping the key in memory: %s", error->message);
      playtest_secret_set_keyring_available (self, FALSE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }
  else if (error != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               clearing
                               ? _("Could not remove the API key from the keyring: %s")
                               : _("Could not store the API key in the keyring: %s"),
                               error->message);
      return;
    }

  playtest_secret_take_api_key (self, g_strdup (key));
  g_task_return_boolean (task, TRUE);
}

static void
playtest_secret_store_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  secret_password_store_finish (result, &error);
  playtest_secret_write_done (task, error);
}

static void
playtest_secret_clear_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  secret_password_clear_finish (result, &error);
  playtest_secret_write_done (task, error);
}

/**
 * playtest_secret_store_async:
 * @self: a #PlaytestSecret
 * @api_key: (nullable): the new key; %NULL or "" removes it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the key is stored
 * @user_data: data for @callback
 *
 * Stores the key in the keyring, or only in memory for this run when no keyring is
 * available. Fails when the key comes from the environment.
 */
void
playtest_secret_store_async (PlaytestSecret      *self,
                             const char          *api_key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *key;

  g_return_if_fail (PLAYTEST_IS_SECRET (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_secret_store_async);

  if (self->from_environment)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The API key is set by %s in the environment; "
                                 "it cannot be changed here."),
                               ENVIRONMENT_VARIABLE);
      return;
    }

  key = dup_stripped_key (api_key);
  g_task_set_task_data (task, key, (GDestroyNotify)wipe_free);

  if (!self->keyring_available)
    {
      playtest_secret_write_done (task, NULL);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (key == NULL)
    secret_password_clear (playtest_secret_get_schema (), cancellable,
                           playtest_secret_clear_cb, g_steal_pointer (&task),
                           "service", "convai",
                           NULL);
  else
    secret_password_store (playtest_secret_get_schema (), SECRET_COLLECTION_DEFAULT,
                           _("Convai API key"), key, cancellable,
                           playtest_secret_store_cb, g_steal_pointer (&task),
                           "service", "convai",
                           NULL);
}

/**
 * playtest_secret_store_finish:
 * @self: a #PlaytestSecret
 * @result: the result passed to the callback
 * @error: return location for a user-facing error
 *
 * Returns: %TRUE when the key was stored (or removed)
 */
gboolean
playtest_secret_store_finish (PlaytestSecret  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (PLAYTEST_IS_SECRET (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == playtest_secret_store_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
