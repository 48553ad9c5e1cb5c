/* playtest-export.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "playtest-history.h"

G_BEGIN_DECLS

typedef enum
{
  PLAYTEST_EXPORT_MARKDOWN,
  PLAYTEST_EXPORT_JSON,
} PlaytestExportFormat;

/* One conversation to export: what the history knows of it and its turns, oldest first. */
typedef struct
{
  PlaytestConversationInfo *info;
  GPtrArray                *turns;       /* PlaytestTurn */
  char                     *title;       /* nullable: "Innkeeper smoke, run 2" in a transcript */
  char                     *character_name; /* nullable: names the speaker; else the id does */
} PlaytestExportSession;

PlaytestExportSession *playtest_export_session_load    (PlaytestHistory        *history,
                                                        const char             *conversation_id,
                                                        GError                **error);
void                   playtest_export_session_free    (PlaytestExportSession  *session);

gboolean               playtest_export_format_from_path (const char            *path,
                                                        PlaytestExportFormat   *format);
gboolean               playtest_export_format_from_name (const char            *name,
                                                        PlaytestExportFormat   *format);

/* Writes @sessions (PlaytestExportSession) to @output atomically. Markdown is a readable
 * transcript (lines, replies, emotions, actions, sections by name, timings); JSON has
 * everything, with the audio written as WAV files in a folder beside @output.
 * @section_names (nullable) maps section ids to names. */
gboolean               playtest_export_write           (GPtrArray              *sessions,
                                                        PlaytestExportFormat    format,
                                                        GHashTable             *section_names,
                                                        GFile                  *output,
                                                        GError                **error);

void                   playtest_export_write_async     (GPtrArray              *sessions,
                                                        PlaytestExportFormat    format,
                                                        GHashTable             *section_names,
                                                        GFile                  *output,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
gboolean               playtest_export_write_finish    (GAsyncResult           *result,
                                                        GError                **error);

/* The transcript as text (standard output); JSON made this way has no audio files. */
char                  *playtest_export_to_string       (GPtrArray              *sessions,
                                                        PlaytestExportFormat    format,
                                                        GHashTable             *section_names);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestExportSession, playtest_export_session_free)

G_END_DECLS
