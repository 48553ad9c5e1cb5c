/* playtest-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "playtest-character.h"
#include "playtest-client-error.h"
#include "playtest-reply.h"
#include "playtest-turn-request.h"

G_BEGIN_DECLS

#define PLAYTEST_DEFAULT_BASE_URL        "https://api.convai.com"
#define PLAYTEST_DEFAULT_TIMEOUT_SECONDS 30
#define PLAYTEST_DEFAULT_MAX_REPLY_BYTES (64 * 1024 * 1024)

#define PLAYTEST_TYPE_CLIENT (playtest_client_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestClient, playtest_client, PLAYTEST, CLIENT, GObject)

PlaytestClient *playtest_client_new                      (const char           *base_url,
                                                          const char           *api_key);

const char     *playtest_client_get_base_url             (PlaytestClient       *self);
void            playtest_client_set_base_url             (PlaytestClient       *self,
                                                          const char           *base_url);
void            playtest_client_set_api_key              (PlaytestClient       *self,
                                                          const char           *api_key);
gboolean        playtest_client_has_api_key              (PlaytestClient       *self);
guint           playtest_client_get_timeout              (PlaytestClient       *self);
void            playtest_client_set_timeout              (PlaytestClient       *self,
                                                          guint                 seconds);
gsize           playtest_client_get_max_reply_bytes      (PlaytestClient       *self);
void            playtest_client_set_max_reply_bytes      (PlaytestClient       *self,
                                                          gsize                 max_bytes);
gboolean        playtest_client_get_audio_without_text   (PlaytestClient       *self);

void            playtest_client_get_response_async       (PlaytestClient       *self,
                                                          PlaytestTurnRequest  *request,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
PlaytestReply  *playtest_client_get_response_finish      (PlaytestClient       *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

void            playtest_client_list_characters_async    (PlaytestClient       *self,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
GPtrArray      *playtest_client_list_characters_finish   (PlaytestClient       *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

void            playtest_client_list_sections_async      (PlaytestClient       *self,
                                                          const char           *character_id,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
GPtrArray      *playtest_client_list_sections_finish     (PlaytestClient       *self,
                                                          GAsyncResult         *result,
                                                          GError              **error);

G_END_DECLS
