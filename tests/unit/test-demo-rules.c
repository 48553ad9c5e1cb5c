/* test-demo-rules.c: the demo characters' data and rule engine, and injection directives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "playtest-demo-character.h"
#include "playtest-demo-server-private.h"

static GPtrArray *
load_default (void)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *characters = playtest_demo_characters_load_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (characters);
  return characters;
}

static PlaytestDemoCharacter *
find (GPtrArray  *characters,
      const char *id)
{
  for (guint i = 0; i < characters->len; i++)
    if (g_str_equal (playtest_demo_character_get_id (g_ptr_array_index (characters, i)), id))
      return g_ptr_array_index (characters, i);

  g_assert_not_reached ();
}

static void
test_default_data (void)
{
  g_autoptr(GPtrArray) characters = load_default ();

  g_assert_cmpuint (characters->len, >=, 3);

  for (guint i = 0; i < characters->len; i++)
    {
      PlaytestDemoCharacter *character = g_ptr_array_index (characters, i);
      GPtrArray *sections = playtest_demo_character_get_sections (character);
      const PlaytestDemoVoice *voice = playtest_demo_character_get_voice (character);

      g_assert_true (g_str_has_prefix (playtest_demo_character_get_id (character), "demo-"));
      g_assert_cmpstr (playtest_demo_character_get_name (character), !=, "");
      g_assert_cmpstr (playtest_demo_character_get_backstory (character), !=, "");
      g_assert_cmpuint (sections->len, >=, 3);
      g_assert_nonnull (playtest_demo_character_lookup_section (
                          character, playtest_demo_character_get_start_section_id (character)));
      g_assert_nonnull (voice->espeak_voice);

      /* A section with a way out names a section that exists. */
      for (guint j = 0; j < sections->len; j++)
        {
          PlaytestDemoSection *section = g_ptr_array_index (sections, j);

          g_assert_cmpstr (section->section_name, !=, "");
          g_assert_cmpstr (section->objective, !=, "");
          for (guint k = 0; k < section->decisions->len; k++)
            {
              PlaytestDemoDecision *decision = g_ptr_array_index (section->decisions, k);

              g_assert_nonnull (playtest_demo_character_lookup_section (character,
                                                                      decision->next_section_id));
            }
        }
    }

  g_assert_nonnull (find (characters, "demo-mira"));
  g_assert_cmpstr (playtest_demo_character_get_name (find (characters, "demo-mira")), ==,
                   "Mira the Innkeeper");
}

static void
test_greeting (void)
{
  g_autoptr(GPtrArray) characters = load_default ();
  PlaytestDemoCharacter *mira = find (characters, "demo-mira");
  g_autoptr(PlaytestDemoResponse) first = playtest_demo_character_respond (mira, NULL, 0,
                                                                           "Hello there!");
  g_autoptr(PlaytestDemoResponse) second = playtest_demo_character_respond (mira, "mira-arrival",
                                                                            1, "HELLO");
  g_autoptr(PlaytestDemoResponse) third = playtest_demo_character_respond (mira, "mira-arrival",
                                                                           2, "hello");

  g_assert_cmpstr (first->intent, ==, "greeting");
  g_assert_cmpstr (first->emotion, ==, "joy");
  g_assert_cmpstr (first->section_id, ==, "mira-arrival");
  g_assert_false (first->transitioned);
  g_assert_cmpuint (g_strv_length (first->actions), ==, 2);
  g_assert_cmpstr (first->actions[0], ==, "Wave");
  g_assert_true (g_str_has_prefix (first->text, "Well, hello there"));

  /* Case does not matter; the turn count picks among several replies, in order. */
  g_assert_cmpstr (second->intent, ==, "greeting");
  g_assert_cmpstr (second->text, !=, first->text);
  g_assert_cmpstr (third->text, ==, first->text);
}

static void
test_word_boundaries (void)
{
  g_autoptr(GPtrArray) characters = load_default ();
  PlaytestDemoCharacter *mira = find (characters, "demo-mira");
  g_autoptr(PlaytestDemoResponse) this = playtest_demo_character_respond (mira, NULL, 0,
                                                                          "This is nice.");
  g_autoptr(PlaytestDemoResponse) thank = playtest_demo_character_respond (mira, NULL, 0,
                                                                           "I thank nobody");
  g_autoptr(PlaytestDemoResponse) thank_you = playtest_demo_character_respond (mira, NULL, 0,
                                                                               "Thank   you!");
  g_autoptr(PlaytestDemoResponse) quoted = playtest_demo_character_respond (mira, NULL, 0,
                                                                            "'hi'");

  /* "hi" must not fire inside "This"; "thank you" is a phrase, not two loose words. */
  g_assert_cmpstr (this->intent, ==, "default");
  g_assert_cmpstr (this->emotion, ==, "neutral");
  g_assert_cmpstr (thank->intent, ==, "default");
  g_assert_cmpstr (thank_you->intent, ==, "thanks");
  g_assert_cmpstr (quoted->intent, ==, "greeting");
}

static void
test_section_rules_first (void)
{
  g_autoptr(GPtrArray) characters = load_default ();
  PlaytestDemoCharacter *mira = find (characters, "demo-mira");
  g_autoptr(PlaytestDemoResponse) at_start = playtest_demo_character_respond (mira, "mira-arrival",
                                                                              0, "help");
  g_autoptr(PlaytestDemoResponse) in_quest = playtest_demo_character_respond (
    mira, "mira-lost-ring", 0, "Let me help you");

  /* "help" asks for a hint at the door, but offers help once the ring is missing. */
  g_assert_cmpstr (at_start->intent, ==, "help");
  g_assert_false (at_start->transitioned);
  g_assert_cmpstr (in_quest->intent, ==, "offer help");
  g_assert_cmpstr (in_quest->section_id, ==, "mira-cellar-search");
  g_assert_true (in_quest->transitioned);
  g_assert_cmpstr (in_quest->emotion, ==, "trust");
}

/* Each character can be talked from its first section to its last, one section per line. */
static void
test_walkthrough (void)
{
  static const struct {
    const char *id;
    const char *lines[4];
    const char *sections[4];
  } walks[] = {
    { "demo-mira",
      { "What's wrong? You look sad.", "I will help you find it.", "I found it behind the casks!",
        "Tell me a story" },
      { "mira-lost-ring", "mira-cellar-search", "mira-grateful", "mira-grateful" } },
    { "demo-borin",
      { "Forge me a sword", "Deal, I'll go", "Here it is: star-iron ore", "Show me the blade" },
      { "borin-commission", "borin-deepdelve", "borin-masterwork", "borin-masterwork" } },
    { "demo-kestrel",
      { "Status report, please", "Seal the bulkhead!", "Yes, reroute power", "Set a course home" },
      { "kestrel-hull-breach", "kestrel-reroute", "kestrel-safe-harbour",
        "kestrel-safe-harbour" } },
  };
  g_autoptr(GPtrArray) characters = load_default ();
  g_autoptr(GHashTable) emotions = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (walks); i++)
    {
      PlaytestDemoCharacter *character = find (characters, walks[i].id);
      const char *start = playtest_demo_character_get_start_section_id (character);
      g_autofree char *section = g_strdup (start);

      for (guint turn = 0; turn < G_N_ELEMENTS (walks[i].lines); turn++)
        {
          g_autoptr(PlaytestDemoResponse) response =
            playtest_demo_character_respond (character, section, turn, walks[i].lines[turn]);

          g_assert_cmpstr (response->section_id, ==, walks[i].sections[turn]);
          g_assert_cmpstr (response->text, !=, "");
          g_hash_table_add (emotions, (gpointer)g_intern_string (response->emotion));
          g_free (section);
          section = g_strdup (response->section_id);
        }
    }

  /* Over a walk the characters show a range of emotions, not one mood. */
  g_assert_cmpuint (g_hash_table_size (emotions), >=, 4);
}

static void
test_voice_and_unknown_section (void)
{
  g_autoptr(GPtrArray) characters = load_default ();
  PlaytestDemoCharacter *borin = find (characters, "demo-borin");
  g_autoptr(PlaytestDemoResponse) voice = playtest_demo_character_respond (borin, "borin-forge", 3,
                                                                           NULL);
  g_autoptr(PlaytestDemoResponse) lost = playtest_demo_character_respond (borin, "no-such-section",
                                                                          0, "blah");
  g_autoptr(PlaytestDemoResponse) again = playtest_demo_character_respond (borin, "no-such-section",
                                                                           0, "blah");

  g_assert_cmpstr (voice->intent, ==, "voice");
  g_assert_cmpstr (voice->section_id, ==, "borin-forge");
  g_assert_cmpstr (lost->section_id, ==, "borin-forge");
  g_assert_cmpstr (lost->intent, ==, "default");
  g_assert_cmpstr (lost->emotion, ==, "anger");
  g_assert_cmpstr (lost->actions[0], ==, "Hammer Strike");
  g_assert_cmpstr (lost->text, ==, again->text);
}

static void
test_actions_sequence (void)
{
  g_autoptr(GPtrArray) characters = load_default ();
  PlaytestDemoCharacter *borin = find (characters, "demo-borin");
  g_autoptr(PlaytestDemoResponse) response =
    playtest_demo_character_respond (borin, "borin-deepdelve", 0, "I brought the ore");
  g_autoptr(PlaytestDemoResponse) none =
    playtest_demo_character_respond (borin, "borin-forge", 0, "Help");

  g_assert_cmpuint (g_strv_length (response->actions), ==, 4);
  g_assert_cmpstr (response->actions[0], ==, "Take Ore");
  g_assert_cmpstr (response->actions[3], ==, "Quench Blade");
  g_assert_nonnull (none->actions);
  g_assert_cmpuint (g_strv_length (none->actions), ==, 0);
}

/* Invalid data ----------------------------------------------------------------------------- */

#define VALID_RULES \
  "\"rules\": [{\"intent\": \"default\", \"replies\": [\"Hm.\"], \"emotion\": \"neutral\"}]"

#define CHARACTER(extra, sections, rules) \
  "{\"characters\": [{\"id\": \"demo-x\", \"name\": \"X\", \"voice_type\": \"v\", " \
  "\"backstory\": \"b\", \"start_section\": \"x-one\", " extra \
  "\"sections\": [" sections "], " rules "}]}"

#define SECTION(id, decisions, rules) \
  "{\"section_id\": \"" id "\", \"section_name\": \"N\", \"objective\": \"O\", " \
  "\"decisions\": [" decisions "], \"rules\": [" rules "]}"

#define GO_RULE(extra) \
  "{\"intent\": \"go\", \"keywords\": [\"go\"], \"replies\": [\"ok\"], " extra "}"

static void
assert_invalid (const char *json,
                const char *expected_words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) characters = playtest_demo_characters_load_from_data (json, -1, &error);

  g_assert_null (characters);
  g_assert_error (error, PLAYTEST_DEMO_ERROR, PLAYTEST_DEMO_ERROR_INVALID_DATA);
  if (strstr (error->message, expected_words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, expected_words);
}

static void
test_invalid_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) valid = NULL;

  valid = playtest_demo_characters_load_from_data (CHARACTER ("", SECTION ("x-one", "", ""),
                                                              VALID_RULES), -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (valid->len, ==, 1);

  assert_invalid ("{\"characters\": [", "not JSON");
  assert_invalid ("[]", "top level");
  assert_invalid ("{\"characters\": []}", "no characters");
  assert_invalid ("{\"characters\": [{\"name\": \"X\"}]}", "“id”");
  assert_invalid (CHARACTER ("", SECTION ("x-two", "", ""), VALID_RULES), "start section");
  assert_invalid (CHARACTER ("", SECTION ("x-one", "{\"criteria\": \"c\", \"next_section_id\": "
                                                   "\"x-nowhere\"}", ""), VALID_RULES),
                  "x-nowhere");
  assert_invalid (CHARACTER ("", SECTION ("x-one", "",
                                          GO_RULE ("\"emotion\": \"joy\", "
                                                   "\"next_section\": \"x-gone\"")), VALID_RULES),
                  "x-gone");
  assert_invalid (CHARACTER ("", SECTION ("x-one", "", GO_RULE ("\"emotion\": \"glee\"")),
                             VALID_RULES),
                  "glee");
  assert_invalid (CHARACTER ("", SECTION ("x-one", "", "{\"intent\": \"go\", "
                                                       "\"replies\": [\"ok\"], "
                                                       "\"emotion\": \"joy\"}"), VALID_RULES),
                  "needs keywords");
  assert_invalid (CHARACTER ("", SECTION ("x-one", "", "{\"intent\": \"go\", "
                                                       "\"keywords\": [\"go\"], \"replies\": [], "
                                                       "\"emotion\": \"joy\"}"), VALID_RULES),
                  "“replies”");
  assert_invalid (CHARACTER ("", SECTION ("x-one", "", ""), "\"rules\": []"), "default");
  assert_invalid (CHARACTER ("", SECTION ("x-one", "", "") "," SECTION ("x-one", "", ""),
                             VALID_RULES), "used twice");
  assert_invalid (CHARACTER ("\"voice\": {\"pitch\": 400}, ", SECTION ("x-one", "", ""),
                             VALID_RULES), "pitch");
}

/* Streaming pieces ------------------------------------------------------------------------- */

static void
assert_pieces (const char        *text,
               const char * const *expected)
{
  g_auto(GStrv) pieces = playtest_demo_split_text (text);
  g_autofree char *joined = g_strjoinv ("", pieces);

  g_assert_cmpstr (joined, ==, text);
  g_assert_cmpstrv (pieces, expected);
}

static void
test_split_text (void)
{
  assert_pieces ("Hmph.", (const char * const[]) { "Hmph.", NULL });
  assert_pieces ("", (const char * const[]) { "", NULL });
  assert_pieces ("Hi! How are you?  Fine.",
                 (const char * const[]) { "Hi! ", "How are you?  ", "Fine.", NULL });
  assert_pieces ("Is that... it is! Oh, my ring!",
                 (const char * const[]) { "Is that... ", "it is! ", "Oh, my ring!", NULL });
  assert_pieces ("Version 3.5 is out. Trailing space. ",
                 (const char * const[]) { "Version 3.5 is out. ", "Trailing space. ", NULL });
  /* A long sentence also breaks at a comma, once the piece is long enough. */
  assert_pieces ("Rerouting power through the auxiliary conduits now, shields at forty percent.",
                 (const char * const[]) { "Rerouting power through the auxiliary conduits now, ",
                                          "shields at forty percent.", NULL });
}

/* Every reply of every character splits into pieces that join back exactly. */
static void
test_split_all_replies (void)
{
  g_autoptr(GPtrArray) characters = load_default ();
  static const char *lines[] = { "hello", "help", "bye", "thanks", "you idiot", "who are you",
                                 "ring", "sword", "status", "blah", NULL };

  for (guint i = 0; i < characters->len; i++)
    {
      PlaytestDemoCharacter *character = g_ptr_array_index (characters, i);
      GPtrArray *sections = playtest_demo_character_get_sections (character);

      for (guint j = 0; j < sections->len; j++)
        for (guint k = 0; lines[k] != NULL; k++)
          {
            PlaytestDemoSection *section = g_ptr_array_index (sections, j);
            g_autoptr(PlaytestDemoResponse) response =
              playtest_demo_character_respond (character, section->section_id, k, lines[k]);
            g_auto(GStrv) pieces = playtest_demo_split_text (response->text);
            g_autofree char *joined = g_strjoinv ("", pieces);

            g_assert_cmpstr (joined, ==, response->text);
            g_assert_cmpuint (g_strv_length (pieces), >=, 1);
            /* Clients drop a piece that repeats the one before: the data must not have one. */
            for (guint p = 1; pieces[p] != NULL; p++)
              g_assert_cmpstr (pieces[p], !=, pieces[p - 1]);
          }
    }
}

/* Injection directives --------------------------------------------------------------------- */

static void
test_injection_header (void)
{
  PlaytestDemoInjection inject;

  playtest_demo_injection_init (&inject);
  g_assert_false (playtest_demo_injection_is_active (&inject));
  g_assert_cmpint (inject.retry_after, ==, -1);

  playtest_demo_injection_parse (&inject, "delay=1500, status=429; retry-after=3 bogus=1");
  g_assert_true (playtest_demo_injection_is_active (&inject));
  g_assert_cmpuint (inject.delay_ms, ==, 1500);
  g_assert_cmpuint (inject.status, ==, 429);
  g_assert_cmpint (inject.retry_after, ==, 3);
  g_assert_false (inject.html);
  g_assert_false (inject.drop);

  playtest_demo_injection_init (&inject);
  playtest_demo_injection_parse (&inject, "STATUS=502-html,drop");
  g_assert_cmpuint (inject.status, ==, 502);
  g_assert_true (inject.html);
  g_assert_true (inject.drop);

  playtest_demo_injection_init (&inject);
  playtest_demo_injection_parse (&inject, "fail=404-process-failure");
  g_assert_cmpuint (inject.status, ==, 404);
  g_assert_false (inject.html);

  /* Nonsense is ignored, never half-applied. */
  playtest_demo_injection_init (&inject);
  playtest_demo_injection_parse (&inject, "status=42 status=abc delay=-5 delay=99999999999 fail=");
  g_assert_false (playtest_demo_injection_is_active (&inject));
  playtest_demo_injection_parse (&inject, NULL);
  g_assert_false (playtest_demo_injection_is_active (&inject));
}

static void
test_injection_text (void)
{
  PlaytestDemoInjection inject;
  g_autofree char *plain = NULL;
  g_autofree char *middle = NULL;
  g_autofree char *only = NULL;
  g_autofree char *unclosed = NULL;

  playtest_demo_injection_init (&inject);
  plain = playtest_demo_injection_strip_text (&inject, "Hello there");
  g_assert_cmpstr (plain, ==, "Hello there");
  g_assert_false (playtest_demo_injection_is_active (&inject));

  middle = playtest_demo_injection_strip_text (&inject, "Hello [demo:delay=20] there "
                                                        "[DEMO:fail=429,retry-after=7]");
  g_assert_cmpstr (middle, ==, "Hello there");
  g_assert_cmpuint (inject.delay_ms, ==, 20);
  g_assert_cmpuint (inject.status, ==, 429);
  g_assert_cmpint (inject.retry_after, ==, 7);

  playtest_demo_injection_init (&inject);
  only = playtest_demo_injection_strip_text (&inject, "  [demo:drop]  ");
  g_assert_cmpstr (only, ==, "");
  g_assert_true (inject.drop);

  playtest_demo_injection_init (&inject);
  unclosed = playtest_demo_injection_strip_text (&inject, "[demo:delay=5 no end");
  g_assert_cmpstr (unclosed, ==, "[demo:delay=5 no end");
  g_assert_false (playtest_demo_injection_is_active (&inject));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo-rules/default-data", test_default_data);
  g_test_add_func ("/demo-rules/greeting", test_greeting);
  g_test_add_func ("/demo-rules/word-boundaries", test_word_boundaries);
  g_test_add_func ("/demo-rules/section-rules-first", test_section_rules_first);
  g_test_add_func ("/demo-rules/walkthrough", test_walkthrough);
  g_test_add_func ("/demo-rules/voice-and-unknown-section", test_voice_and_unknown_section);
  g_test_add_func ("/demo-rules/action-sequence", test_actions_sequence);
  g_test_add_func ("/demo-rules/invalid-data", test_invalid_data);
  g_test_add_func ("/demo-rules/split-text", test_split_text);
  g_test_add_func ("/demo-rules/split-all-replies", test_split_all_replies);
  g_test_add_func ("/demo-rules/injection-header", test_injection_header);
  g_test_add_func ("/demo-rules/injection-text", test_injection_text);

  return g_test_run ();
}
