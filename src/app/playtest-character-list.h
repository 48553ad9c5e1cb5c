/* playtest-character-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "playtest-client.h"

G_BEGIN_DECLS

#define PLAYTEST_TYPE_CHARACTER_LIST (playtest_character_list_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestCharacterList, playtest_character_list,
                      PLAYTEST, CHARACTER_LIST, GObject)

/* The characters to choose from, a GListModel of PlaytestCharacterItem: those of the account
 * (POST /character/list) when a key is set, those the user added by id with a name of their
 * own (saved in GSettings "custom-characters"), and the demo characters in demo mode. */
#define PLAYTEST_TYPE_CHARACTER_ITEM (playtest_character_item_get_type ())
G_DECLARE_FINAL_TYPE (PlaytestCharacterItem, playtest_character_item,
                      PLAYTEST, CHARACTER_ITEM, GObject)

const char          *playtest_character_item_get_id     (PlaytestCharacterItem *self);
const char          *playtest_character_item_get_name   (PlaytestCharacterItem *self);
const char          *playtest_character_item_get_origin (PlaytestCharacterItem *self);

PlaytestCharacterList *playtest_character_list_new      (GSettings             *settings);
void                 playtest_character_list_set_demo   (PlaytestCharacterList *self,
                                                        gboolean               demo);
gboolean             playtest_character_list_get_demo   (PlaytestCharacterList *self);
void                 playtest_character_list_refresh_async (PlaytestCharacterList *self,
                                                        PlaytestClient        *client,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
gboolean             playtest_character_list_refresh_finish (PlaytestCharacterList *self,
                                                        GAsyncResult          *result,
                                                        GError               **error);
void                 playtest_character_list_add_custom (PlaytestCharacterList *self,
                                                        const char            *id,
                                                        const char            *name);
guint                playtest_character_list_find       (PlaytestCharacterList *self,
                                                        const char            *id);
PlaytestCharacterItem *playtest_character_list_lookup   (PlaytestCharacterList *self,
                                                        const char            *id);

G_END_DECLS
