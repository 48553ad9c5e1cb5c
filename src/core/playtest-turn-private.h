/* playtest-turn-private.h
 *
 * A turn as a plain record, for the history store to save and restore.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "playtest-turn.h"

G_BEGIN_DECLS

/* Everything a turn holds, flat. Strings are borrowed. Durations are milliseconds from the
 * moment the request left (-1: never happened), since monotonic times mean nothing once the
 * process has ended. A failed turn has error_code >= 0 in PLAYTEST_CLIENT_ERROR. */
typedef struct
{
  gint64              id;
  const char         *conversation_id;
  const char         *character_id;
  const char         *session_id;
  GDateTime          *sent_at;
  PlaytestTurnState   state;

  const char         *user_text;
  const char         *user_audio_path;
  guint               user_audio_duration_ms;

  const char         *reply_text;
  const char         *user_query;
  const char         *emotion;
  const char         *action;
  const char * const *actions;
  const char         *narrative_section_id;
  const char         *reply_audio_path;
  guint               reply_audio_duration_ms;
  const char         *reply_json;
  const char * const *warnings;
  const char         *request_description;

  gint64              first_byte_ms;
  gint64              first_audio_ms;
  gint64              total_ms;

  int                 error_code;
  guint               error_status;
  const char         *error_message;
  int                 retry_after;
} PlaytestTurnRecord;

PlaytestTurn *playtest_turn_new_from_record (const PlaytestTurnRecord *record);
void          playtest_turn_get_record      (PlaytestTurn             *self,
                                             PlaytestTurnRecord       *record);

G_END_DECLS
