/* playtest-demo-character.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where the built-in demo characters live inside the demo library. */
#define PLAYTEST_DEMO_CHARACTERS_RESOURCE \
  "/io/github/convai_playtest/Playtest/demo/demo-characters.json"

#define PLAYTEST_DEMO_ERROR (playtest_demo_error_quark ())

/**
 * PlaytestDemoError:
 * @PLAYTEST_DEMO_ERROR_INVALID_DATA: the demo character data is malformed or inconsistent
 *
 * Error codes of #PLAYTEST_DEMO_ERROR.
 */
typedef enum
{
  PLAYTEST_DEMO_ERROR_INVALID_DATA,
} PlaytestDemoError;

/**
 * PlaytestDemoVoice:
 * @espeak_voice: an espeak-ng voice name with optional variant, e.g. `en-gb+f3`
 * @pitch: espeak-ng base pitch, 0–99
 * @rate: speaking rate in words per minute
 * @synthetic_hz: fundamental frequency of the synthetic fallback voice
 *
 * How a demo character sounds.
 */
typedef struct
{
  char   *espeak_voice;
  int     pitch;
  int     rate;
  double  synthetic_hz;
} PlaytestDemoVoice;

/**
 * PlaytestDemoDecision:
 * @criteria: in words, when the narrative moves on
 * @next_section_id: the section it moves on to
 *
 * One way out of a narrative section, as `list-sections` describes it.
 */
typedef struct
{
  char *criteria;
  char *next_section_id;
} PlaytestDemoDecision;

/**
 * PlaytestDemoSection:
 * @section_id: stable id, e.g. `mira-arrival`
 * @section_name: the name shown to the user
 * @objective: what the section is about
 * @decisions: (element-type PlaytestDemoDecision): ways out of the section
 *
 * A narrative section of a demo character. Read-only: owned by its character.
 */
typedef struct _PlaytestDemoSection PlaytestDemoSection;

struct _PlaytestDemoSection
{
  char      *section_id;
  char      *section_name;
  char      *objective;
  GPtrArray *decisions;

  /*< private >*/
  GPtrArray *rules;
};

/**
 * PlaytestDemoResponse:
 * @intent: the intent of the rule that fired (`greeting`, `default`, …)
 * @text: the reply text
 * @emotion: the emotion label of the reply
 * @actions: (array zero-terminated=1): actions that fire, possibly none; never %NULL
 * @section_id: the narrative section after this turn
 * @transitioned: whether this turn moved to another section
 *
 * What a demo character answers to one user turn.
 */
typedef struct
{
  char     *intent;
  char     *text;
  char     *emotion;
  char    **actions;
  char     *section_id;
  gboolean  transitioned;
} PlaytestDemoResponse;

#define PLAYTEST_TYPE_DEMO_CHARACTER (playtest_demo_character_get_type ())

G_DECLARE_FINAL_TYPE (PlaytestDemoCharacter, playtest_demo_character,
                      PLAYTEST, DEMO_CHARACTER, GObject)

GQuark                     playtest_demo_error_quark              (void);

GPtrArray                 *playtest_demo_characters_load_from_data (const char             *json,
                                                                    gssize                  length,
                                                                    GError                **error);
GPtrArray                 *playtest_demo_characters_load_default   (GError                **error);

const char                *playtest_demo_character_get_id          (PlaytestDemoCharacter  *self);
const char                *playtest_demo_character_get_name        (PlaytestDemoCharacter  *self);
const char                *playtest_demo_character_get_voice_type  (PlaytestDemoCharacter  *self);
const char                *playtest_demo_character_get_backstory   (PlaytestDemoCharacter  *self);
const char                *playtest_demo_character_get_start_section_id
                                                                   (PlaytestDemoCharacter  *self);
const PlaytestDemoVoice   *playtest_demo_character_get_voice       (PlaytestDemoCharacter  *self);
GPtrArray                 *playtest_demo_character_get_sections    (PlaytestDemoCharacter  *self);
const PlaytestDemoSection *playtest_demo_character_lookup_section  (PlaytestDemoCharacter  *self,
                                                                    const char             *id);

PlaytestDemoResponse *playtest_demo_character_respond (PlaytestDemoCharacter *self,
                                                       const char            *section_id,
                                                       guint                  turn,
                                                       const char            *user_text);
void                  playtest_demo_response_free     (PlaytestDemoResponse  *response);

char                **playtest_demo_split_text        (const char            *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestDemoResponse, playtest_demo_response_free)

G_END_DECLS
