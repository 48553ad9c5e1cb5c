/* test-script.c: playthrough scripts: reading every key, every kind of mistake with the words
 * that name its file, step and key, audio paths, and writing a script back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "playtest-script.h"

static GFile *
scripts_folder (const char *kind)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "scripts", kind, NULL);

  return g_file_new_for_path (path);
}

static PlaytestScript *
load_ok (const char *kind,
         const char *name)
{
  g_autoptr(GFile) folder = scripts_folder (kind);
  g_autoptr(GFile) file = g_file_get_child (folder, name);
  g_autoptr(GError) error = NULL;
  PlaytestScript *script = playtest_script_new_from_file (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (script);
  return script;
}

/* Reads @json as a script called smoke.json whose folder is @folder (the valid examples'
 * when NULL, where greeting.wav is), expecting @code and exactly @message. */
static void
assert_script_error (const char         *json,
                     GFile              *folder,
                     PlaytestScriptError code,
                     const char         *message)
{
  g_autoptr(GFile) valid = scripts_folder ("valid");
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestScript) script = playtest_script_new_from_data (json, -1,
                                                                    folder ? folder : valid,
                                                                    "smoke.json", &error);

  g_assert_null (script);
  g_assert_error (error, PLAYTEST_SCRIPT_ERROR, (int) code);
  g_assert_cmpstr (error->message, ==, message);
}

/* Valid scripts -------------------------------------------------------------------------------- */

static void
test_every_key (void)
{
  g_autoptr(PlaytestScript) script = load_ok ("valid", "innkeeper-smoke.json");
  g_autoptr(GFile) folder = scripts_folder ("valid");
  g_autoptr(GFile) greeting = g_file_get_child (folder, "greeting.wav");
  const PlaytestScriptStep *step;
  const PlaytestExpectations *expect;

  g_assert_cmpstr (playtest_script_get_name (script), ==, "Innkeeper smoke");
  g_assert_cmpstr (playtest_script_get_description (script), ==,
                   "Mira greets the player, reacts to the lost ring, and starts over in a new "
                   "session.");
  g_assert_cmpstr (playtest_script_get_display_name (script), ==, "innkeeper-smoke.json");
  g_assert_cmpstr (playtest_script_get_character_id (script), ==, "demo-mira");
  g_assert_true (playtest_script_get_voice (script));
  g_assert_false (playtest_script_get_stream (script));
  g_assert_nonnull (playtest_script_get_file (script));
  g_assert_cmpuint (playtest_script_get_n_steps (script), ==, 4);

  step = playtest_script_get_step (script, 0);
  g_assert_cmpint (step->kind, ==, PLAYTEST_STEP_SAY);
  g_assert_cmpstr (step->text, ==, "Good evening");
  expect = step->expect;
  g_assert_cmpstr (expect->text_contains, ==, "evening");
  g_assert_cmpstr (expect->text_not_contains, ==, "Goodbye");
  g_assert_cmpstr (expect->text_matches, ==, "^Good (evening|day)");
  g_assert_nonnull (expect->text_regex);
  /* Regular expressions compare without case, like every other text of a script. */
  g_assert_true (g_regex_match (expect->text_regex, "GOOD DAY to you", 0, NULL));
  g_assert_cmpstr (expect->emotion, ==, "joy");
  g_assert_null (expect->emotion_in);
  g_assert_cmpstr (expect->action, ==, "Wave");
  g_assert_cmpstrv (expect->actions_include, ((const char *[]) { "Wave", NULL }));
  g_assert_cmpstr (expect->section, ==, "sec-quest");
  g_assert_cmpint (expect->section_changed, ==, 1);
  g_assert_cmpint (expect->has_audio, ==, 1);
  g_assert_cmpint (expect->max_latency_ms, ==, 5000);
  g_assert_null (expect->user_query_contains);

  step = playtest_script_get_step (script, 1);
  g_assert_cmpint (step->kind, ==, PLAYTEST_STEP_AUDIO);
  g_assert_cmpstr (step->audio_path, ==, "greeting.wav");
  g_assert_true (g_file_equal (step->audio_file, greeting));
  g_assert_cmpstr (step->expect->user_query_contains, ==, "hello");
  g_assert_null (step->expect->emotion);
  g_assert_cmpint (step->expect->section_changed, ==, -1);
  g_assert_cmpint (step->expect->has_audio, ==, -1);
  g_assert_cmpint (step->expect->max_latency_ms, ==, -1);

  step = playtest_script_get_step (script, 2);
  g_assert_cmpint (step->kind, ==, PLAYTEST_STEP_NEW_SESSION);
  g_assert_null (step->expect);

  step = playtest_script_get_step (script, 3);
  g_assert_cmpstrv (step->expect->emotion_in, ((const char *[]) { "joy", "surprise", NULL }));
  g_assert_cmpint (step->expect->section_changed, ==, 0);
  g_assert_cmpint (step->expect->has_audio, ==, 0);
}

static void
test_defaults (void)
{
  g_autoptr(PlaytestScript) script = load_ok ("valid", "minimal.json");
  g_autoptr(PlaytestScript) empty = load_ok ("valid", "empty-expect.json");

  g_assert_null (playtest_script_get_character_id (script));
  g_assert_null (playtest_script_get_description (script));
  g_assert_false (playtest_script_get_voice (script));
  g_assert_false (playtest_script_get_stream (script));
  g_assert_null (playtest_script_get_step (script, 0)->expect);

  /* {"expect": {}} is no expectation at all. */
  g_assert_null (playtest_script_get_step (empty, 1)->expect);
  g_assert_cmpstr (playtest_script_get_step (empty, 2)->audio_path, ==, "./greeting.wav");
}

/* The names of the scripts in valid/ or invalid/. */
static GPtrArray *
list_examples (const char *kind)
{
  g_autoptr(GFile) folder = scripts_folder (kind);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GFileInfo *info;

  children = g_file_enumerate_children (folder, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, &error);
  g_assert_no_error (error);
  while ((info = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      if (g_str_has_suffix (g_file_info_get_name (info), ".json"))
        g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
      g_object_unref (info);
    }
  g_assert_no_error (error);

  return names;
}

/* Every example in valid/ reads, and writes back to what reads the same. */
static void
test_valid_examples (void)
{
  g_autoptr(GFile) folder = scripts_folder ("valid");
  g_autoptr(GPtrArray) names = list_examples ("valid");

  g_assert_cmpuint (names->len, >=, 3);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(PlaytestScript) script = load_ok ("valid", name);
      g_autoptr(PlaytestScript) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *json = playtest_script_to_json (script);
      g_autofree char *json_again = NULL;

      g_test_message ("%s", name);
      again = playtest_script_new_from_data (json, -1, folder, name, &error);
      g_assert_no_error (error);
      json_again = playtest_script_to_json (again);
      g_assert_cmpstr (json, ==, json_again);
    }
}

static void
test_to_json (void)
{
  g_autoptr(PlaytestScript) script = load_ok ("valid", "minimal.json");
  g_autofree char *json = playtest_script_to_json (script);

  /* Indented, keys in the documented order, defaults spelled out. */
  g_assert_cmpstr (json, ==,
                   "{\n"
                   "  \"name\" : \"Minimal\",\n"
                   "  \"voice\" : false,\n"
                   "  \"stream\" : false,\n"
                   "  \"steps\" : [\n"
                   "    {\n"
                   "      \"say\" : \"Hi\"\n"
                   "    }\n"
                   "  ]\n"
                   "}\n");
}

static void
test_describe_step (void)
{
  g_autoptr(PlaytestScript) script = load_ok ("valid", "innkeeper-smoke.json");
  g_autoptr(PlaytestScript) long_line = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *say = playtest_script_describe_step (script, 0);
  g_autofree char *audio = playtest_script_describe_step (script, 1);
  g_autofree char *new_session = playtest_script_describe_step (script, 2);
  g_autofree char *long_say = NULL;

  g_assert_cmpstr (say, ==, "Say “Good evening”");
  g_assert_cmpstr (audio, ==, "Send audio greeting.wav");
  g_assert_cmpstr (new_session, ==, "Start a new session");

  /* A paragraph is cut for the report, on one line. */
  long_line = playtest_script_new_from_data ("{\"name\": \"Long\", \"steps\": [{\"say\": "
                                             "\"Tell me\\nabout the ring, the inn, the road north, "
                                             "the old mill and everyone who has passed through "
                                             "here since the winter began\"}]}",
                                             -1, NULL, "long.json", &error);
  g_assert_no_error (error);
  long_say = playtest_script_describe_step (long_line, 0);
  g_assert_true (g_str_has_prefix (long_say, "Say “Tell me about the ring, the inn,"));
  g_assert_true (g_str_has_suffix (long_say, "…”"));
  g_assert_cmpuint (g_utf8_strlen (long_say, -1), <=, 90);
}

/* Mistakes ------------------------------------------------------------------------------------- */

typedef struct
{
  const char         *file;
  PlaytestScriptError code;
  const char         *message;
} InvalidExample;

/* Every file of invalid/, and what it is told. */
static const InvalidExample invalid_examples[] = {
  { "not-an-object", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "not-an-object.json: a script must be a JSON object with “name” and “steps”" },
  { "missing-name", PLAYTEST_SCRIPT_ERROR_MISSING_KEY,
    "missing-name.json: “name” is missing: give the script a name for its reports" },
  { "empty-name", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "empty-name.json: “name” must not be empty" },
  { "missing-steps", PLAYTEST_SCRIPT_ERROR_MISSING_KEY,
    "missing-steps.json: “steps” is missing: a script needs at least one step" },
  { "empty-steps", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "empty-steps.json: “steps” is empty: a script needs at least one step" },
  { "steps-not-list", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "steps-not-list.json: “steps” must be a list of steps" },
  { "unknown-top-key", PLAYTEST_SCRIPT_ERROR_UNKNOWN_KEY,
    "unknown-top-key.json: unknown key “nmae”; did you mean “name”?" },
  { "wrong-type-voice", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "wrong-type-voice.json: “voice” must be true or false" },
  { "character-null", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "character-null.json: “character” must be a string" },
  { "step-not-object", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "step-not-object.json: step 1: a step must be an object, such as {\"say\": \"Hello\"}" },
  { "no-kind", PLAYTEST_SCRIPT_ERROR_MISSING_KEY,
    "no-kind.json: step 2: a step needs “say”, “audio” or “new_session”" },
  { "say-and-audio", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "say-and-audio.json: step 1: “say” and “audio” cannot be in one step; make them two steps" },
  { "empty-say", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "empty-say.json: step 1: “say” must not be empty" },
  { "say-number", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "say-number.json: step 1: “say” must be a string" },
  { "new-session-false", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "new-session-false.json: step 2: “new_session” can only be true; leave the step out to "
    "stay in the session" },
  { "new-session-expect", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "new-session-expect.json: step 1: a “new_session” step gets no answer, so it cannot have "
    "“expect”" },
  { "unknown-step-key", PLAYTEST_SCRIPT_ERROR_UNKNOWN_KEY,
    "unknown-step-key.json: step 1: unknown key “expcet”; did you mean “expect”?" },
  { "expect-key-at-step", PLAYTEST_SCRIPT_ERROR_UNKNOWN_KEY,
    "expect-key-at-step.json: step 1: “emotion” belongs inside “expect”, as in "
    "{\"say\": \"…\", \"expect\": {\"emotion\": …}}" },
  { "unknown-expect-key", PLAYTEST_SCRIPT_ERROR_UNKNOWN_KEY,
    "unknown-expect-key.json: step 1: unknown key “text_contians”; did you mean "
    "“text_contains”?" },
  { "expect-not-object", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "expect-not-object.json: step 1: “expect” must be an object of expectations, such as "
    "{\"emotion\": \"joy\"}" },
  { "emotion-in-not-list", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "emotion-in-not-list.json: step 2: “emotion_in” must be a list of strings" },
  { "emotion-in-empty", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "emotion-in-empty.json: step 1: “emotion_in” must list at least one value" },
  { "actions-include-numbers", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "actions-include-numbers.json: step 1: “actions_include” must be a list of strings" },
  { "has-audio-string", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "has-audio-string.json: step 1: “has_audio” must be true or false" },
  { "latency-negative", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "latency-negative.json: step 1: “max_latency_ms” must be from 0 to 2147483647 "
    "milliseconds" },
  { "latency-fraction", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "latency-fraction.json: step 1: “max_latency_ms” must be a whole number of milliseconds" },
  { "section-changed-string", PLAYTEST_SCRIPT_ERROR_WRONG_TYPE,
    "section-changed-string.json: step 1: “section_changed” must be true or false" },
  { "empty-contains", PLAYTEST_SCRIPT_ERROR_INVALID_VALUE,
    "empty-contains.json: step 1: “text_contains” must not be empty" },
};

static void
test_invalid_examples (void)
{
  g_autoptr(GFile) folder = scripts_folder ("invalid");
  g_autoptr(GPtrArray) names = list_examples ("invalid");

  for (guint i = 0; i < G_N_ELEMENTS (invalid_examples); i++)
    {
      g_autofree char *name = g_strconcat (invalid_examples[i].file, ".json", NULL);
      g_autoptr(GFile) file = g_file_get_child (folder, name);
      g_autoptr(GError) error = NULL;
      g_autoptr(PlaytestScript) script = playtest_script_new_from_file (file, &error);

      g_test_message ("%s", name);
      g_assert_null (script);
      g_assert_error (error, PLAYTEST_SCRIPT_ERROR, (int) invalid_examples[i].code);
      g_assert_cmpstr (error->message, ==, invalid_examples[i].message);
    }

  /* No file of invalid/ goes untested (the schema test reads them all too). */
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (invalid_examples));
}

static void
test_not_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestScript) script = NULL;

  script = playtest_script_new_from_data ("{\n  \"name\": \"x\",\n  \"steps\": [\n"
                                          "    {\"say\": \"hi\",}\n  ]\n}",
                                          -1, NULL, "smoke.json", &error);
  g_assert_null (script);
  g_assert_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_SYNTAX);
  /* The file, line and column where it breaks, as editors and compilers say it. */
  g_assert_true (g_str_has_prefix (error->message, "smoke.json:4:"));
  g_assert_nonnull (strstr (error->message, "Parse error"));
  g_clear_error (&error);

  script = playtest_script_new_from_data ("", -1, NULL, "empty.json", &error);
  g_assert_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==,
                   "empty.json: a script must be a JSON object with “name” and “steps”");
}

static void
test_unreadable_script (void)
{
  g_autoptr(GFile) folder = scripts_folder ("valid");
  g_autoptr(GFile) missing = g_file_get_child (folder, "missing.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestScript) script = playtest_script_new_from_file (missing, &error);
  g_autofree char *path = g_file_get_parse_name (missing);
  g_autofree char *expected = g_strdup_printf ("missing.json: cannot read the script %s: there "
                                               "is no such file", path);

  g_assert_null (script);
  g_assert_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_READ);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_bad_regex (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestScript) script = NULL;

  script = playtest_script_new_from_data ("{\"name\": \"Regex\", \"steps\": [{\"say\": \"Hi\"},"
                                          " {\"say\": \"Again\", \"expect\": "
                                          "{\"text_matches\": \"^Hel(+o\"}}]}",
                                          -1, NULL, "smoke.json", &error);
  g_assert_null (script);
  g_assert_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_INVALID_VALUE);
  g_assert_true (g_str_has_prefix (error->message, "smoke.json: step 2: “text_matches” is not "
                                                   "a valid regular expression: "));
}

static void
test_default_display_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestScript) script = playtest_script_new_from_data ("{\"name\": \"x\"}", -1,
                                                                    NULL, NULL, &error);

  g_assert_error (error, PLAYTEST_SCRIPT_ERROR, PLAYTEST_SCRIPT_ERROR_MISSING_KEY);
  g_assert_cmpstr (error->message, ==,
                   "untitled script: “steps” is missing: a script needs at least one step");
}

/* Audio files ---------------------------------------------------------------------------------- */

static GFile *
write_temp_wav (const char *folder,
                const char *name)
{
  g_autoptr(GFile) valid = scripts_folder ("valid");
  g_autoptr(GFile) source = g_file_get_child (valid, "greeting.wav");
  g_autofree char *path = g_build_filename (folder, name, NULL);
  GFile *target = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return target;
}

static void
test_audio_paths (void)
{
  g_autofree char *script_dir = g_dir_make_tmp ("test-script-XXXXXX", NULL);
  g_autofree char *other_dir = g_dir_make_tmp ("test-script-XXXXXX", NULL);
  g_autoptr(GFile) base = g_file_new_for_path (script_dir);
  g_autoptr(GFile) near = write_temp_wav (script_dir, "near.wav");
  g_autoptr(GFile) far = write_temp_wav (other_dir, "far.wav");
  g_autofree char *far_path = g_file_get_path (far);
  g_autofree char *json = g_strdup_printf ("{\"name\": \"Paths\", \"steps\": ["
                                           "{\"audio\": \"near.wav\"}, {\"audio\": \"%s\"}]}",
                                           far_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(PlaytestScript) script = playtest_script_new_from_data (json, -1, base, "paths.json",
                                                                    &error);
  g_autofree char *described = NULL;

  g_assert_no_error (error);
  /* Relative to the script's folder, not to where the runner was started. */
  g_assert_true (g_file_equal (playtest_script_get_step (script, 0)->audio_file, near));
  g_assert_true (g_file_equal (playtest_script_get_step (script, 1)->audio_file, far));
  g_assert_cmpstr (playtest_script_get_step (script, 1)->audio_path, ==, far_path);
  described = playtest_script_describe_step (script, 1);
  g_assert_cmpstr (described, ==, "Send audio far.wav");

  g_file_delete (near, NULL, NULL);
  g_file_delete (far, NULL, NULL);
  g_rmdir (script_dir);
  g_rmdir (other_dir);
}

static void
test_unreadable_audio (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-script-XXXXXX", NULL);
  g_autoptr(GFile) base = g_file_new_for_path (dir);
  g_autoptr(GFile) locked = write_temp_wav (dir, "locked.wav");
  g_autofree char *clips = g_build_filename (dir, "clips", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.wav", NULL);
  g_autofree char *expected = NULL;

  expected = g_strdup_printf ("smoke.json: step 2: “audio”: cannot read %s: there is no such "
                              "file", missing);
  assert_script_error ("{\"name\": \"Audio\", \"steps\": [{\"say\": \"Hi\"}, "
                       "{\"audio\": \"missing.wav\"}]}",
                       base, PLAYTEST_SCRIPT_ERROR_READ, expected);

  g_assert_cmpint (g_mkdir (clips, 0700), ==, 0);
  g_free (expected);
  expected = g_strdup_printf ("smoke.json: step 1: “audio”: cannot read %s: it is a folder",
                              clips);
  assert_script_error ("{\"name\": \"Audio\", \"steps\": [{\"audio\": \"clips\"}]}", base,
                       PLAYTEST_SCRIPT_ERROR_READ, expected);

  /* Permissions do not hold back root, who runs some CI containers. */
  g_assert_cmpint (g_chmod (g_file_peek_path (locked), 0), ==, 0);
  if (access (g_file_peek_path (locked), R_OK) != 0)
    {
      g_free (expected);
      expected = g_strdup_printf ("smoke.json: step 1: “audio”: cannot read %s: permission "
                                  "denied", g_file_peek_path (locked));
      assert_script_error ("{\"name\": \"Audio\", \"steps\": [{\"audio\": \"locked.wav\"}]}",
                           base, PLAYTEST_SCRIPT_ERROR_READ, expected);
    }

  g_file_delete (locked, NULL, NULL);
  g_rmdir (clips);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/script/every-key", test_every_key);
  g_test_add_func ("/script/defaults", test_defaults);
  g_test_add_func ("/script/valid-examples", test_valid_examples);
  g_test_add_func ("/script/to-json", test_to_json);
  g_test_add_func ("/script/describe-step", test_describe_step);
  g_test_add_func ("/script/invalid-examples", test_invalid_examples);
  g_test_add_func ("/script/not-json", test_not_json);
  g_test_add_func ("/script/unreadable-script", test_unreadable_script);
  g_test_add_func ("/script/bad-regex", test_bad_regex);
  g_test_add_func ("/script/default-display-name", test_default_display_name);
  g_test_add_func ("/script/audio-paths", test_audio_paths);
  g_test_add_func ("/script/unreadable-audio", test_unreadable_audio);

  return g_test_run ();
}
