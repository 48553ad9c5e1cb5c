/* playtest-cli-say.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "playtest-audio-convert.h"
#include "playtest-cli-private.h"

#define MAX_TIMEOUT_SECONDS (24 * 60 * 60)

typedef struct
{
  PlaytestCliCommon   common;
  char               *character;
  char               *session;
  gboolean            voice;
  gboolean            stream;
  gboolean            play;
  char               *audio_path;
  char               *timeout;
  char               *save_audio;
  char              **remaining;

  /* Worked out from the options. */
  char               *text;
  guint               timeout_seconds;
  gboolean            printed_piece;
} SayOptions;

static void
say_options_clear (SayOptions *options)
{
  playtest_cli_common_clear (&options->common);
  g_clear_pointer (&options->character, g_free);
  g_clear_pointer (&options->session, g_free);
  g_clear_pointer (&options->audio_path, g_free);
  g_clear_pointer (&options->timeout, g_free);
  g_clear_pointer (&options->save_audio, g_free);
  g_clear_pointer (&options->remaining, g_strfreev);
  g_clear_pointer (&options->text, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SayOptions, say_options_clear)

static GOptionContext *
say_context_new (SayOptions *options)
{
  GOptionContext *context;
  const GOptionEntry entries[] = {
    { "character", 'c', 0, G_OPTION_ARG_STRING, &options->character,
      N_("The character to talk to (required; see the “characters” command)"), N_("ID") },
    { "session", 's', 0, G_OPTION_ARG_STRING, &options->session,
      N_("Continue this session (default: -1, a new session); every reply prints its session"),
      N_("ID") },
    { "voice", 0, 0, G_OPTION_ARG_NONE, &options->voice,
      N_("Ask for the reply as speech too"), NULL },
    { "stream", 0, 0, G_OPTION_ARG_NONE, &options->stream,
      N_("Stream the reply, printing its text as it arrives (with --play, its audio plays as it "
         "arrives too)"), NULL },
    { "play", 0, 0, G_OPTION_ARG_NONE, &options->play,
      N_("Play the spoken reply on the default sound device (implies --voice)"), NULL },
    { "audio", 0, 0, G_OPTION_ARG_FILENAME, &options->audio_path,
      N_("Speak instead of typing: send this recording; any audio file GStreamer can decode "
         "(WAV, Ogg, FLAC, MP3…) is converted to 16 kHz mono first; no TEXT then"),
      N_("FILE") },
    { "timeout", 't', 0, G_OPTION_ARG_STRING, &options->timeout,
      N_("Give up after this many seconds (default: 30)"), N_("SECONDS") },
    { "save-audio", 'o', 0, G_OPTION_ARG_FILENAME, &options->save_audio,
      N_("Save the spoken reply as a WAV file (implies --voice)"), N_("FILE") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->remaining, NULL,
      N_("[TEXT…]") },
    { NULL }
  };

  context = playtest_cli_context_new ("say", NULL,
                                      _("Send one line to a character and print its reply."),
                                      _("Prints the reply, then its emotion, actions, narrative "
                                        "section and session, a line each. Pass the session to "
                                        "--session to go on with the conversation.\n\n"
                                        "With --json, prints one object with the keys text, "
                                        "sessionID, emotion, action, actions, narrativeSectionId, "
                                        "userQuery, audio and timing (null where absent)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  playtest_cli_add_common_options (context, &options->common);

  return context;
}

static gboolean
parse_timeout (SayOptions *options,
               int        *exit_status)
{
  guint64 seconds;

  options->timeout_seconds = PLAYTEST_DEFAULT_TIMEOUT_SECONDS;
  if (options->timeout == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (options->timeout, 10, 1, MAX_TIMEOUT_SECONDS, &seconds, NULL))
    {
      *exit_status = playtest_cli_usage_error ("say",
                                               _("--timeout needs a whole number of seconds "
                                                 "from 1 to %u, not “%s”"),
                                               MAX_TIMEOUT_SECONDS, options->timeout);
      return FALSE;
    }

  options->timeout_seconds = seconds;
  return TRUE;
}

static gboolean
check_save_audio_folder (SayOptions *options,
                         int        *exit_status)
{
  g_autofree char *folder = NULL;

  if (options->save_audio == NULL)
    return TRUE;

  /* Better to refuse now than to spend a turn on a reply that cannot be saved. */
  folder = g_path_get_dirname (options->save_audio);
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (folder);

      *exit_status = playtest_cli_usage_error ("say", _("--save-audio: there is no folder “%s”"),
                                               display);
      return FALSE;
    }

  options->voice = TRUE;
  return TRUE;
}

static gboolean
say_check_options (SayOptions *options,
                   int        *exit_status)
{
  if (options->character == NULL || *options->character == '\0')
    {
      *exit_status = playtest_cli_usage_error ("say", _("Which character? Give --character ID "
                                                        "(the “characters” command lists them)"));
      return FALSE;
    }

  if (options->session != NULL && *options->session == '\0')
    {
      *exit_status = playtest_cli_usage_error ("say", _("--session needs a session id"));
      return FALSE;
    }

  if (options->remaining != NULL)
    options->text = g_strjoinv (" ", options->remaining);

  if (options->audio_path != NULL && options->text != NULL)
    {
      *exit_status = playtest_cli_usage_error ("say", _("Give either TEXT or --audio, not both: a "
                                                        "turn is typed or spoken"));
      return FALSE;
    }

  if (options->audio_path == NULL && (options->text == NULL || *g_strstrip (options->text) == '\0'))
    {
      *exit_status = playtest_cli_usage_error ("say", _("What to say? Give TEXT, or a recording "
                                                        "with --audio FILE"));
      return FALSE;
    }

  if (options->play)
    options->voice = TRUE;

  return parse_timeout (options, exit_status) && check_save_audio_folder (options, exit_status);
}

/* Any audio file GStreamer can decode, as the 16 kHz mono 16-bit WAV a voice turn sends. */
static GBytes *
convert_recording (SayOptions *options,
                   int        *exit_status)
{
  g_auto(PlaytestCliWait) wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (options->audio_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = NULL;

  playtest_cli_wait_init (&wait);
  playtest_audio_convert_file_async (file, wait.cancellable, playtest_cli_wait_cb, &wait);
  result = playtest_cli_wait_run (&wait);
  wav = playtest_audio_convert_file_finish (result, &error);

  if (wav == NULL && wait.interrupted)
    {
      *exit_status = PLAYTEST_CLI_EXIT_INTERRUPTED;
      return NULL;
    }

  if (wav == NULL || !playtest_wav_check_voice_input (wav, NULL, &error))
    {
      /* The converter's messages name the file. */
      g_printerr ("%s: %s\n", PLAYTEST_CLI_NAME, error->message);
      *exit_status = PLAYTEST_CLI_EXIT_USAGE;
      return NULL;
    }

  return g_steal_pointer (&wav);
}

/* The recording to send: the file itself when it already is a WAV the service takes. */
static GBytes *
load_recording (SayOptions *options,
                int        *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (options->audio_path, &contents, &length, &error))
    {
      g_printerr (_("%s: Could not read the recording: %s\n"), PLAYTEST_CLI_NAME,
                  error->message);
      *exit_status = PLAYTEST_CLI_EXIT_USAGE;
      return NULL;
    }

  wav = g_bytes_new_take (contents, length);
  if (playtest_wav_check_voice_input (wav, NULL, NULL))
    return g_steal_pointer (&wav);

  return convert_recording (options, exit_status);
}

static PlaytestTurnRequest *
say_request_new (SayOptions *options,
                 int        *exit_status)
{
  const char *session = options->session != NULL ? options->session : PLAYTEST_NEW_SESSION_ID;
  g_autoptr(PlaytestTurnRequest) request = NULL;

  if (options->audio_path != NULL)
    {
      g_autoptr(GBytes) wav = load_recording (options, exit_status);

      if (wav == NULL)
        return NULL;

      request = playtest_turn_request_new_for_audio (options->character, session, wav);
    }
  else
    {
      request = playtest_turn_request_new (options->character, session, options->text);
    }

  playtest_turn_request_set_voice_response (request, options->voice);
  playtest_turn_request_set_stream (request, options->stream);

  return g_steal_pointer (&request);
}

static void
text_piece_cb (PlaytestTurnRequest *request,
               const char          *piece,
               gpointer             user_data)
{
  SayOptions *options = user_data;

  g_print ("%s", piece);
  fflush (stdout);
  options->printed_piece = TRUE;
}

/* The reply's audio as one WAV file (a streamed reply's chunks joined by the core), or %NULL
 * when it brought none that can be played. */
static GBytes *
reply_dup_audio (PlaytestReply   *reply,
                 PlaytestWavInfo *info)
{
  GBytes *audio = playtest_reply_get_audio (reply);

  if (audio == NULL)
    return NULL;

  *info = *playtest_reply_get_audio_info (reply);
  return g_bytes_ref (audio);
}

static void
add_audio_member (JsonBuilder     *builder,
                  GBytes          *audio,
                  PlaytestWavInfo *info)
{
  json_builder_set_member_name (builder, "audio");
  if (audio == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, g_bytes_get_size (audio));
  json_builder_set_member_name (builder, "rate");
  json_builder_add_int_value (builder, info->sample_rate);
  json_builder_set_member_name (builder, "channels");
  json_builder_add_int_value (builder, info->channels);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_int_value (builder, playtest_wav_info_get_duration_ms (info));
  json_builder_end_object (builder);
}

static void
add_actions_member (JsonBuilder        *builder,
                    const char * const *actions)
{
  json_builder_set_member_name (builder, "actions");
  json_builder_begin_array (builder);
  for (guint i = 0; actions != NULL && actions[i] != NULL; i++)
    json_builder_add_string_value (builder, actions[i]);
  json_builder_end_array (builder);
}

static void
add_milliseconds_member (JsonBuilder *builder,
                         const char  *name,
                         gint64       start,
                         gint64       end)
{
  json_builder_set_member_name (builder, name);
  if (end > 0)
    json_builder_add_int_value (builder, (end - start) / 1000);
  else
    json_builder_add_null_value (builder);
}

static JsonNode *
say_reply_to_json (PlaytestReply   *reply,
                   GBytes          *audio,
                   PlaytestWavInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char * const *actions = playtest_reply_get_actions (reply);
  const PlaytestTimings *timings = playtest_reply_get_timings (reply);
  const PlaytestTimings none = { 0 };
  const struct { const char *key; const char *value; } strings[] = {
    { "text", playtest_reply_get_text (reply) },
    { "sessionID", playtest_reply_get_session_id (reply) },
    { "emotion", playtest_reply_get_emotion (reply) },
    { "action", playtest_reply_get_action (reply) },
    { "narrativeSectionId", playtest_reply_get_narrative_section_id (reply) },
    { "userQuery", playtest_reply_get_user_query (reply) },
  };

  if (timings == NULL)
    timings = &none;

  json_builder_begin_object (builder);

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      playtest_cli_json_add_string (builder, strings[i].key, strings[i].value);

      /* The list goes beside the single action, in the order the keys are documented. */
      if (g_str_equal (strings[i].key, "action"))
        add_actions_member (builder, actions);
    }

  add_audio_member (builder, audio, info);

  json_builder_set_member_name (builder, "timing");
  json_builder_begin_object (builder);
  add_milliseconds_member (builder, "first_byte_ms", timings->request_start, timings->first_byte);
  add_milliseconds_member (builder, "total_ms", timings->request_start, timings->complete);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* `action` and the `actionSequence` list, each action once, in the order they came. */
static char *
reply_dup_actions_line (PlaytestReply *reply)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  const char *action = playtest_reply_get_action (reply);
  const char * const *actions = playtest_reply_get_actions (reply);

  if (action != NULL && *action != '\0')
    g_ptr_array_add (all, (gpointer) action);

  for (guint i = 0; actions != NULL && actions[i] != NULL; i++)
    {
      if (!g_ptr_array_find_with_equal_func (all, actions[i], g_str_equal, NULL))
        g_ptr_array_add (all, (gpointer) actions[i]);
    }

  if (all->len == 0)
    return NULL;

  g_ptr_array_add (all, NULL);
  return g_strjoinv (", ", (char **) all->pdata);
}

static const char *
or_empty (const char *value)
{
  return value != NULL ? value : "";
}

static const char *
or_dash (const char *value)
{
  return value != NULL && *value != '\0' ? value : "—";
}

static void
say_print_plain (SayOptions      *options,
                 PlaytestReply   *reply,
                 GBytes          *audio,
                 PlaytestWavInfo *info)
{
  g_autofree char *actions = reply_dup_actions_line (reply);
  const char *user_query = playtest_reply_get_user_query (reply);

  if (options->printed_piece)
    g_print ("\n");
  else
    g_print ("%s\n", or_empty (playtest_reply_get_text (reply)));

  /* The labels stay in English: scripts read them. */
  g_print ("emotion: %s\n", or_dash (playtest_reply_get_emotion (reply)));
  g_print ("action: %s\n", or_dash (actions));
  g_print ("section: %s\n", or_dash (playtest_reply_get_narrative_section_id (reply)));
  if (user_query != NULL)
    g_print ("transcript: %s\n", user_query);
  if (audio != NULL)
    g_print ("audio: %.1f s, %u Hz, %u ch%s%s\n",
             playtest_wav_info_get_duration_ms (info) / 1000.0, info->sample_rate,
             info->channels, options->save_audio != NULL ? ", saved to " : "",
             options->save_audio != NULL ? options->save_audio : "");
  g_print ("session: %s\n", or_dash (playtest_reply_get_session_id (reply)));
}

static int
say_save_audio (SayOptions *options,
                GBytes     *audio)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (audio == NULL)
    {
      g_printerr (_("%s: The reply brought no usable audio; nothing was saved.\n"),
                  PLAYTEST_CLI_NAME);
      return PLAYTEST_CLI_EXIT_SERVICE;
    }

  /* Written beside and renamed over: a reader never sees half a file. */
  file = g_file_new_for_commandline_arg (options->save_audio);
  if (!g_file_replace_contents (file, g_bytes_get_data (audio, NULL), g_bytes_get_size (audio),
                                NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL,
                                &error))
    {
      g_printerr (_("%s: Could not save the audio: %s\n"), PLAYTEST_CLI_NAME, error->message);
      return PLAYTEST_CLI_EXIT_USAGE;
    }

  return PLAYTEST_CLI_EXIT_OK;
}

static int
say_output (SayOptions    *options,
            PlaytestReply *reply)
{
  const char * const *warnings = playtest_reply_get_warnings (reply);
  PlaytestWavInfo info = { 0 };
  g_autoptr(GBytes) audio = reply_dup_audio (reply, &info);

  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    playtest_cli_warning ("%s", warnings[i]);

  if (options->voice && audio == NULL && (warnings == NULL || warnings[0] == NULL))
    playtest_cli_warning ("%s", _("Speech was asked for, but the reply brought no audio"));

  if (options->common.json)
    {
      g_autoptr(JsonNode) node = say_reply_to_json (reply, audio, &info);

      playtest_cli_print_json (node);
    }
  else
    {
      say_print_plain (options, reply, audio, &info);
    }

  if (options->save_audio != NULL)
    return say_save_audio (options, audio);

  return PLAYTEST_CLI_EXIT_OK;
}

static int
say_run (SayOptions          *options,
         PlaytestClient      *client,
         PlaytestTurnRequest *request)
{
  g_auto(PlaytestCliWait) wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PlaytestReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(PlaytestCliPlayback) playback = { 0 };
  int exit_status;

  if (options->stream && !options->common.json)
    g_signal_connect (request, "text-piece", G_CALLBACK (text_piece_cb), options);

  if (options->play)
    {
      playtest_cli_playback_init (&playback);
      if (options->stream)
        playtest_cli_playback_follow (&playback, request);
    }

  playtest_cli_wait_init (&wait);
  playtest_client_get_response_async (client, request, wait.cancellable, playtest_cli_wait_cb,
                                      &wait);
  result = playtest_cli_wait_run (&wait);
  reply = playtest_client_get_response_finish (client, result, &error);

  if (reply == NULL)
    {
      /* End the line the streamed pieces started before the error goes to stderr. */
      if (options->printed_piece)
        g_print ("\n");
      if (wait.interrupted)
        return PLAYTEST_CLI_EXIT_INTERRUPTED;
      return playtest_cli_report_error (error);
    }

  exit_status = say_output (options, reply);

  /* After the output, so the text is there to read while the voice speaks. */
  if (options->play)
    {
      fflush (stdout);
      playtest_cli_playback_finish (&playback, playtest_reply_get_audio (reply));
    }

  return exit_status;
}

/**
 * playtest_cli_say:
 * @argc: the number of arguments
 * @argv: (array length=argc): the arguments, "say" first
 *
 * `convai-playtest-cli say`: one turn of a conversation.
 *
 * Returns: the exit status, a #PlaytestCliExit
 */
int
playtest_cli_say (int    argc,
                  char **argv)
{
  g_auto(SayOptions) options = { 0 };
  g_autoptr(GOptionContext) context = say_context_new (&options);
  g_autoptr(PlaytestClient) client = NULL;
  g_autoptr(PlaytestTurnRequest) request = NULL;
  int exit_status = PLAYTEST_CLI_EXIT_OK;

  if (!playtest_cli_parse (context, "say", &argc, &argv, &options.common.help, &exit_status))
    return exit_status;

  if (!say_check_options (&options, &exit_status))
    return exit_status;

  client = playtest_cli_client_new (&options.common, "say", &exit_status);
  if (client == NULL)
    return exit_status;
  playtest_client_set_timeout (client, options.timeout_seconds);

  request = say_request_new (&options, &exit_status);
  if (request == NULL)
    return exit_status;

  return say_run (&options, client, request);
}
