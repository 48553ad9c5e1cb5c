/* playtest-script.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "playtest-expectation.h"

G_BEGIN_DECLS

#define PLAYTEST_SCRIPT_ERROR (playtest_script_error_quark ())

/* Every error names the file, the step (1-based) and the key, before anything is sent:
 * "greeting.json: step 2: “emotion_in” must be a list of strings". */
typedef enum
{
  PLAYTEST_SCRIPT_ERROR_READ,          /* the script or an audio file it names cannot be read */
  PLAYTEST_SCRIPT_ERROR_SYNTAX,        /* not JSON */
  PLAYTEST_SCRIPT_ERROR_UNKNOWN_KEY,
  PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
  PLAYTEST_SCRIPT_ERROR_MISSING_KEY,
  PLAYTEST_SCRIPT_ERROR_INVALID_VALUE, /* a bad regular expression, no steps, say and audio both */
} PlaytestScriptError;

typedef enum
{
  PLAYTEST_STEP_SAY,
  PLAYTEST_STEP_AUDIO,
  PLAYTEST_STEP_NEW_SESSION,
} PlaytestStepKind;

typedef struct
{
  PlaytestStepKind      kind;
  char                 *text;         /* PLAYTEST_STEP_SAY */
  char                 *audio_path;   /* PLAYTEST_STEP_AUDIO, as written in the script */
  GFile                *audio_file;   /* resolved against the script's folder */
  PlaytestExpectations *expect;       /* NULL when the step expects nothing */
} PlaytestScriptStep;

#define PLAYTEST_TYPE_SCRIPT (playtest_script_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestScript, playtest_script, PLAYTEST, SCRIPT, GObject)

GQuark              playtest_script_error_quark      (void);

PlaytestScript     *playtest_script_new_from_file    (GFile               *file,
                                                      GError             **error);
PlaytestScript     *playtest_script_new_from_data    (const char          *data,
                                                      gssize               length,
                                                      GFile               *base_folder,
                                                      const char          *display_name,
                                                      GError             **error);

const char         *playtest_script_get_name         (PlaytestScript      *self);
const char         *playtest_script_get_description  (PlaytestScript      *self);
const char         *playtest_script_get_display_name (PlaytestScript      *self);
GFile              *playtest_script_get_file         (PlaytestScript      *self);
const char         *playtest_script_get_character_id (PlaytestScript      *self);
gboolean            playtest_script_get_voice        (PlaytestScript      *self);
gboolean            playtest_script_get_stream       (PlaytestScript      *self);
guint               playtest_script_get_n_steps      (PlaytestScript      *self);
const PlaytestScriptStep *playtest_script_get_step   (PlaytestScript      *self,
                                                      guint                index);
char               *playtest_script_describe_step    (PlaytestScript      *self,
                                                      guint                index);

/* "Save session as script": what was observed becomes what is expected. @turns are
 * PlaytestTurn in order; a change of session id between turns becomes a new_session step.
 * Voice turns keep their recording, written beside the script by _save(). */
PlaytestScript     *playtest_script_new_from_turns   (const char          *name,
                                                      const char          *character_id,
                                                      GPtrArray           *turns,
                                                      gboolean             voice,
                                                      gboolean             stream);
char               *playtest_script_to_json          (PlaytestScript      *self);
gboolean            playtest_script_save             (PlaytestScript      *self,
                                                      GFile               *file,
                                                      GError             **error);

G_END_DECLS
