/* playtest-character.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * PlaytestCharacterInfo:
 * @character_id: the id to send as `charID`
 * @character_name: the display name
 * @voice_type: the voice, or %NULL
 * @start_narrative_section_id: where the narrative starts, or %NULL
 * @is_narrative_driven: whether the character follows a narrative design
 *
 * One character of `POST /character/list`.
 */
typedef struct
{
  char     *character_id;
  char     *character_name;
  char     *voice_type;
  char     *start_narrative_section_id;
  gboolean  is_narrative_driven;
} PlaytestCharacterInfo;

/**
 * PlaytestNarrativeSection:
 * @section_id: the id replies carry as `narrativeSectionId`
 * @section_name: the designer's name for it
 * @objective: what the character pursues there, or %NULL
 * @next_section_ids: (array zero-terminated=1): where its decisions lead
 *
 * One section of `POST /character/narrative/list-sections`.
 */
typedef struct
{
  char  *section_id;
  char  *section_name;
  char  *objective;
  char **next_section_ids;
} PlaytestNarrativeSection;

void       playtest_character_info_free         (PlaytestCharacterInfo    *info);
void       playtest_narrative_section_free      (PlaytestNarrativeSection *section);

GPtrArray *playtest_character_list_parse        (const char               *json,
                                                 gssize                    length,
                                                 GError                  **error);
GPtrArray *playtest_narrative_sections_parse    (const char               *json,
                                                 gssize                    length,
                                                 GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestCharacterInfo, playtest_character_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlaytestNarrativeSection, playtest_narrative_section_free)

G_END_DECLS
