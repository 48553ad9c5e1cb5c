/* playtest-character-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-character-list.h"

/* PlaytestCharacterItem: one entry of the selector. */

struct _PlaytestCharacterItem
{
  GObject  parent_instance;

  char    *id;
  char    *name;
  char    *origin;
};

G_DEFINE_FINAL_TYPE (PlaytestCharacterItem, playtest_character_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_ID,
  ITEM_PROP_NAME,
  ITEM_PROP_ORIGIN,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
playtest_character_item_finalize (GObject *object)
{
  PlaytestCharacterItem *self = PLAYTEST_CHARACTER_ITEM (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->origin, g_free);

  G_OBJECT_CLASS (playtest_character_item_parent_class)->finalize (object);
}

static void
playtest_character_item_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  PlaytestCharacterItem *self = PLAYTEST_CHARACTER_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case ITEM_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case ITEM_PROP_ORIGIN:
      g_value_set_string (value, self->origin);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_character_item_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  PlaytestCharacterItem *self = PLAYTEST_CHARACTER_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case ITEM_PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case ITEM_PROP_ORIGIN:
      self->origin = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_character_item_class_init (PlaytestCharacterItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS;

  object_class->finalize = playtest_character_item_finalize;
  object_class->get_property = playtest_character_item_get_property;
  object_class->set_property = playtest_character_item_set_property;

  item_properties[ITEM_PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  item_properties[ITEM_PROP_ORIGIN] = g_param_spec_string ("origin", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
playtest_character_item_init (PlaytestCharacterItem *self)
{
}

static PlaytestCharacterItem *
playtest_character_item_new (const char *id,
                             const char *name,
                             const char *origin)
{
  /* A character with no name of its own still needs something to show. */
  if (name == NULL || *name == '\0')
    name = id;

  return g_object_new (PLAYTEST_TYPE_CHARACTER_ITEM,
                       "id", id,
                       "name", name,
                       "origin", origin,
                       NULL);
}

/**
 * playtest_character_item_get_id:
 * @self: a #PlaytestCharacterItem
 *
 * Returns: the id sent as `charID`
 */
const char *
playtest_character_item_get_id (PlaytestCharacterItem *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CHARACTER_ITEM (self), NULL);

  return self->id;
}

/**
 * playtest_character_item_get_name:
 * @self: a #PlaytestCharacterItem
 *
 * Returns: the name to show (the id when the character has none)
 */
const char *
playtest_character_item_get_name (PlaytestCharacterItem *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CHARACTER_ITEM (self), NULL);

  return self->name;
}

/**
 * playtest_character_item_get_origin:
 * @self: a #PlaytestCharacterItem
 *
 * Returns: where the character comes from: "account", "custom" or "demo"
 */
const char *
playtest_character_item_get_origin (PlaytestCharacterItem *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CHARACTER_ITEM (self), NULL);

  return self->origin;
}

/* PlaytestCharacterList */

struct _PlaytestCharacterList
{
  GObject    parent_instance;

  GSettings *settings;
  GPtrArray *remote;  /* account or demo characters, from the last refresh */
  GPtrArray *custom;  /* added by id, from the settings */
  GPtrArray *items;   /* what the list shows: remote, then custom, each id once */
  gboolean   demo;
};

static void playtest_character_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PlaytestCharacterList, playtest_character_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      playtest_character_list_model_init))

enum {
  PROP_0,
  PROP_DEMO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
playtest_character_list_get_item_type (GListModel *model)
{
  return PLAYTEST_TYPE_CHARACTER_ITEM;
}

static guint
playtest_character_list_get_n_items (GListModel *model)
{
  return PLAYTEST_CHARACTER_LIST (model)->items->len;
}

static gpointer
playtest_character_list_get_item (GListModel *model,
                                  guint       position)
{
  PlaytestCharacterList *self = PLAYTEST_CHARACTER_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
playtest_character_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = playtest_character_list_get_item_type;
  iface->get_n_items = playtest_character_list_get_n_items;
  iface->get_item = playtest_character_list_get_item;
}

static gboolean
items_contain (GPtrArray  *items,
               const char *id)
{
  for (guint i = 0; i < items->len; i++)
    {
      PlaytestCharacterItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->id, id) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
append_unique (GPtrArray *into,
               GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    {
      PlaytestCharacterItem *item = g_ptr_array_index (from, i);

      if (!items_contain (into, item->id))
        g_ptr_array_add (into, g_object_ref (item));
    }
}

/* The whole list is replaced at once: it holds a handful of characters, and one
 * items-changed lets the selector keep its choice in a single step. */
static void
rebuild (PlaytestCharacterList *self)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->items);

  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  append_unique (self->items, self->remote);
  append_unique (self->items, self->custom);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, self->items->len);
}

static void
load_custom (PlaytestCharacterList *self)
{
  g_autoptr(GVariant) pairs = g_settings_get_value (self->settings, "custom-characters");
  GVariantIter iter;
  const char *id;
  const char *name;

  g_ptr_array_set_size (self->custom, 0);
  g_variant_iter_init (&iter, pairs);
  while (g_variant_iter_next (&iter, "(&s&s)", &id, &name))
    if (*id != '\0' && !items_contain (self->custom, id))
      g_ptr_array_add (self->custom, playtest_character_item_new (id, name, "custom"));
}

static void
custom_characters_changed_cb (PlaytestCharacterList *self,
                              const char            *key,
                              GSettings             *settings)
{
  load_custom (self);
  rebuild (self);
}

static void
playtest_character_list_finalize (GObject *object)
{
  PlaytestCharacterList *self = PLAYTEST_CHARACTER_LIST (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->remote, g_ptr_array_unref);
  g_clear_pointer (&self->custom, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (playtest_character_list_parent_class)->finalize (object);
}

static void
playtest_character_list_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  PlaytestCharacterList *self = PLAYTEST_CHARACTER_LIST (object);

  switch (prop_id)
    {
    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_character_list_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  PlaytestCharacterList *self = PLAYTEST_CHARACTER_LIST (object);

  switch (prop_id)
    {
    case PROP_DEMO:
      playtest_character_list_set_demo (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_character_list_class_init (PlaytestCharacterListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = playtest_character_list_finalize;
  object_class->get_property = playtest_character_list_get_property;
  object_class->set_property = playtest_character_list_set_property;

  properties[PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
playtest_character_list_init (PlaytestCharacterList *self)
{
  self->remote = g_ptr_array_new_with_free_func (g_object_unref);
  self->custom = g_ptr_array_new_with_free_func (g_object_unref);
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * playtest_character_list_new:
 * @settings: the app's settings, where characters added by id are kept
 *
 * Returns: (transfer full): a list holding the characters added by id; call
 *   playtest_character_list_refresh_async() for the account's or the demo's
 */
PlaytestCharacterList *
playtest_character_list_new (GSettings *settings)
{
  PlaytestCharacterList *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PLAYTEST_TYPE_CHARACTER_LIST, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::custom-characters",
                           G_CALLBACK (custom_characters_changed_cb), self,
                           G_CONNECT_SWAPPED);
  load_custom (self);
  rebuild (self);

  return self;
}

/**
 * playtest_character_list_set_demo:
 * @self: a #PlaytestCharacterList
 * @demo: whether the client talks to the in-process demo backend
 *
 * In demo mode a refresh lists the demo characters (origin "demo") even without a key.
 * Switching drops the characters of the other mode until the next refresh.
 */
void
playtest_character_list_set_demo (PlaytestCharacterList *self,
                                  gboolean               demo)
{
  g_return_if_fail (PLAYTEST_IS_CHARACTER_LIST (self));

  demo = !!demo;
  if (self->demo == demo)
    return;

  self->demo = demo;
  g_ptr_array_set_size (self->remote, 0);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO]);
}

/**
 * playtest_character_list_get_demo:
 * @self: a #PlaytestCharacterList
 *
 * Returns: whether the list is in demo mode
 */
gboolean
playtest_character_list_get_demo (PlaytestCharacterList *self)
{
  g_return_val_if_fail (PLAYTEST_IS_CHARACTER_LIST (self), FALSE);

  return self->demo;
}

static void
list_characters_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PlaytestCharacterList *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) error = NULL;
  const char *origin = GPOINTER_TO_INT (g_task_get_task_data (task)) ? "demo" : "account";

  infos = playtest_client_list_characters_finish (PLAYTEST_CLIENT (object), result, &error);
  if (infos == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_set_size (self->remote, 0);
  for (guint i = 0; i < infos->len; i++)
    {
      PlaytestCharacterInfo *info = g_ptr_array_index (infos, i);

      if (info->character_id != NULL && *info->character_id != '\0'
          && !items_contain (self->remote, info->character_id))
        g_ptr_array_add (self->remote,
                         playtest_character_item_new (info->character_id, info->character_name,
                                                      origin));
    }
  rebuild (self);

  g_task_return_boolean (task, TRUE);
}

/**
 * playtest_character_list_refresh_async:
 * @self: a #PlaytestCharacterList
 * @client: the client to ask
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the list is up to date
 * @user_data: data for @callback
 *
 * Asks the service for the account's characters, or the demo backend for its own (in demo
 * mode); the characters added by id come after them. On failure the list keeps what it had.
 */
void
playtest_character_list_refresh_async (PlaytestCharacterList *self,
                                       PlaytestClient        *client,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PLAYTEST_IS_CHARACTER_LIST (self));
  g_return_if_fail (PLAYTEST_IS_CLIENT (client));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_character_list_refresh_async);
  g_task_set_task_data (task, GINT_TO_POINTER (self->demo), NULL);

  /* Without a key too: outside demo mode that means --base-url, a server of the user's
   * choosing that may well list its characters without one (or say why not). */
  playtest_client_list_characters_async (client, cancellable, list_characters_cb,
                                         g_steal_pointer (&task));
}

/**
 * playtest_character_list_refresh_finish:
 * @self: a #PlaytestCharacterList
 * @result: the result given to the callback
 * @error: return location for the service's error
 *
 * Returns: whether the list was refreshed
 */
gboolean
playtest_character_list_refresh_finish (PlaytestCharacterList *self,
                                        GAsyncResult          *result,
                                        GError               **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == playtest_character_list_refresh_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
save_custom (PlaytestCharacterList *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < self->custom->len; i++)
    {
      PlaytestCharacterItem *item = g_ptr_array_index (self->custom, i);

      g_variant_builder_add (&builder, "(ss)", item->id, item->name);
    }
  g_settings_set_value (self->settings, "custom-characters", g_variant_builder_end (&builder));
}

/**
 * playtest_character_list_add_custom:
 * @self: a #PlaytestCharacterList
 * @id: the character id to send as `charID`
 * @name: (nullable): the name to show; the id when %NULL or empty
 *
 * Adds a character by id, or renames one added before, and saves it in the settings.
 */
void
playtest_character_list_add_custom (PlaytestCharacterList *self,
                                    const char            *id,
                                    const char            *name)
{
  g_autofree char *clean_id = NULL;
  g_autofree char *clean_name = NULL;

  g_return_if_fail (PLAYTEST_IS_CHARACTER_LIST (self));
  g_return_if_fail (id != NULL);

  clean_id = g_strstrip (g_strdup (id));
  clean_name = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (*clean_id == '\0')
    return;

  for (guint i = 0; i < self->custom->len; i++)
    {
      PlaytestCharacterItem *item = g_ptr_array_index (self->custom, i);

      if (g_str_equal (item->id, clean_id))
        {
          g_ptr_array_remove_index (self->custom, i);
          break;
        }
    }
  g_ptr_array_add (self->custom, playtest_character_item_new (clean_id, clean_name, "custom"));

  /* Saving emits changed::custom-characters too (perhaps later, from the main loop); the
   * list shows the character at once either way. */
  save_custom (self);
  rebuild (self);
}

/**
 * playtest_character_list_find:
 * @self: a #PlaytestCharacterList
 * @id: a character id
 *
 * Returns: the position of the character, or %GTK_INVALID_LIST_POSITION (G_MAXUINT)
 */
guint
playtest_character_list_find (PlaytestCharacterList *self,
                              const char            *id)
{
  g_return_val_if_fail (PLAYTEST_IS_CHARACTER_LIST (self), G_MAXUINT);

  for (guint i = 0; id != NULL && i < self->items->len; i++)
    {
      PlaytestCharacterItem *item = g_ptr_array_index (self->items, i);

      if (g_str_equal (item->id, id))
        return i;
    }

  return G_MAXUINT;
}

/**
 * playtest_character_list_lookup:
 * @self: a #PlaytestCharacterList
 * @id: a character id
 *
 * Returns: (transfer none) (nullable): the character with this id, if listed
 */
PlaytestCharacterItem *
playtest_character_list_lookup (PlaytestCharacterList *self,
                                const char            *id)
{
  guint position = playtest_character_list_find (self, id);

  if (position == G_MAXUINT)
    return NULL;

  return g_ptr_array_index (self->items, position);
}
