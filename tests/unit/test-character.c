/* test-character.c: the character list and the narrative sections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "playtest-character.h"
#include "playtest-client-error.h"

static const char *character_list =
  "{\"characters\": ["
  "  {\"character_id\": \"c-mira\", \"character_name\": \"Mira the Innkeeper\","
  "   \"voice_type\": \"WUFemale 1\", \"is_narrative_driven\": true,"
  "   \"start_narrative_section_id\": \"sec-arrival\", \"timestamp\": \"2024-01-01\","
  "   \"backstory\": \"Runs the inn.\"},"
  "  {\"character_id\": \"c-nameless\"},"
  "  {\"character_name\": \"No id, cannot be talked to\"},"
  "  \"not an object\","
  "  {\"character_id\": 42, \"character_name\": \"   \", \"voice_type\": null,"
  "   \"is_narrative_driven\": \"True\"}"
  "]}";

static void
test_character_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = playtest_character_list_parse (character_list, -1, &error);
  PlaytestCharacterInfo *mira, *nameless, *numbered;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);

  mira = g_ptr_array_index (list, 0);
  g_assert_cmpstr (mira->character_id, ==, "c-mira");
  g_assert_cmpstr (mira->character_name, ==, "Mira the Innkeeper");
  g_assert_cmpstr (mira->voice_type, ==, "WUFemale 1");
  g_assert_cmpstr (mira->start_narrative_section_id, ==, "sec-arrival");
  g_assert_true (mira->is_narrative_driven);

  /* A character without a name is shown by its id. */
  nameless = g_ptr_array_index (list, 1);
  g_assert_cmpstr (nameless->character_id, ==, "c-nameless");
  g_assert_cmpstr (nameless->character_name, ==, "c-nameless");
  g_assert_null (nameless->voice_type);
  g_assert_null (nameless->start_narrative_section_id);
  g_assert_false (nameless->is_narrative_driven);

  numbered = g_ptr_array_index (list, 2);
  g_assert_cmpstr (numbered->character_id, ==, "42");
  g_assert_cmpstr (numbered->character_name, ==, "42");
  g_assert_null (numbered->voice_type);
  g_assert_true (numbered->is_narrative_driven);
}

static void
test_character_list_shapes (void)
{
  g_autoptr(GPtrArray) bare = playtest_character_list_parse (
    "[{\"character_id\": \"a\", \"character_name\": \"A\"}, {\"charID\": \"b\", \"name\": \"B\"}]",
    -1, NULL);
  g_autoptr(GPtrArray) empty = playtest_character_list_parse ("{\"characters\": []}", -1, NULL);
  PlaytestCharacterInfo *b;

  g_assert_cmpuint (bare->len, ==, 2);
  b = g_ptr_array_index (bare, 1);
  g_assert_cmpstr (b->character_id, ==, "b");
  g_assert_cmpstr (b->character_name, ==, "B");
  g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_bad_lists (void)
{
  const char *bodies[] = {
    "",
    "not json",
    "{\"characters\": {\"a\": 1}}",
    "{\"error\": \"nope\"}",
    "42",
    "<html><title>502 Bad Gateway</title></html>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) section_error = NULL;
      g_autoptr(GPtrArray) list = playtest_character_list_parse (bodies[i], -1, &error);
      g_autoptr(GPtrArray) sections = playtest_narrative_sections_parse (bodies[i], -1,
                                                                         &section_error);

      g_test_message ("body %u: %s", i, bodies[i]);
      g_assert_null (list);
      g_assert_error (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REPLY);
      g_assert_null (sections);
      g_assert_error (section_error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_REPLY);
    }
}

static const char *sections_json =
  "[{\"section_id\": \"sec-arrival\", \"section_name\": \"Arrival\","
  "  \"objective\": \"Greet the traveller\", \"behavior_tree_code\": \"\","
  "  \"decisions\": [{\"criteria\": \"asks about the ring\", \"next_section_id\": \"sec-ring\"},"
  "                  {\"criteria\": \"the ring again\", \"next_section_id\": \"sec-ring\"},"
  "                  {\"criteria\": \"leaves\", \"next_section_id\": \"sec-farewell\"},"
  "                  {\"criteria\": \"broken\"}, \"junk\", {\"next_section_id\": \"\"}]},"
  " {\"section_id\": \"sec-ring\", \"section_name\": \"The Lost Ring\", \"decisions\": []},"
  " {\"section_id\": \"sec-farewell\"},"
  " {\"section_name\": \"No id\"}]";

static void
test_sections (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sections = playtest_narrative_sections_parse (sections_json, -1, &error);
  PlaytestNarrativeSection *arrival, *ring, *farewell;

  g_assert_no_error (error);
  g_assert_cmpuint (sections->len, ==, 3);

  arrival = g_ptr_array_index (sections, 0);
  g_assert_cmpstr (arrival->section_id, ==, "sec-arrival");
  g_assert_cmpstr (arrival->section_name, ==, "Arrival");
  g_assert_cmpstr (arrival->objective, ==, "Greet the traveller");
  g_assert_cmpstrv (arrival->next_section_ids,
                    ((const char *[]) { "sec-ring", "sec-farewell", NULL }));

  ring = g_ptr_array_index (sections, 1);
  g_assert_cmpstr (ring->section_name, ==, "The Lost Ring");
  g_assert_null (ring->objective);
  g_assert_nonnull (ring->next_section_ids);
  g_assert_null (ring->next_section_ids[0]);

  farewell = g_ptr_array_index (sections, 2);
  g_assert_cmpstr (farewell->section_name, ==, "sec-farewell");
  g_assert_nonnull (farewell->next_section_ids);
  g_assert_null (farewell->next_section_ids[0]);
}

static void
test_sections_wrapped (void)
{
  g_autoptr(GPtrArray) sections = playtest_narrative_sections_parse (
    "{\"sections\": [{\"section_id\": \"s1\", \"section_name\": \"One\"}]}", -1, NULL);
  g_autoptr(GPtrArray) empty = playtest_narrative_sections_parse ("[]", 2, NULL);

  g_assert_cmpuint (sections->len, ==, 1);
  g_assert_cmpstr (((PlaytestNarrativeSection *) g_ptr_array_index (sections, 0))->section_name,
                   ==, "One");
  g_assert_cmpuint (empty->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/character/list", test_character_list);
  g_test_add_func ("/character/list-shapes", test_character_list_shapes);
  g_test_add_func ("/character/bad-lists", test_bad_lists);
  g_test_add_func ("/character/sections", test_sections);
  g_test_add_func ("/character/sections-wrapped", test_sections_wrapped);

  return g_test_run ();
}
