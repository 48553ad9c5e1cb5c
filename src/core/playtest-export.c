/* playtest-export.c
 *
 * Transcripts of conversations, for people (Markdown) and for tools (JSON).
 *
 * Markdown reads like the chat view: each turn's line and reply, then what came with the
 * reply (emotion, actions, section, timings) on a line of its own. JSON keeps everything a
 * turn holds, so a transcript can be checked by a script; the audio goes into a folder beside
 * the file as WAV files, named after the turns, which the JSON refers to by relative path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "playtest-client-error.h"
#include "playtest-export.h"
#include "playtest-format.h"
#include "playtest-json.h"
#include "playtest-turn-private.h"

#define EXPORT_FORMAT_NAME    "convai-playtest-transcript"
#define EXPORT_FORMAT_VERSION 1
#define AUDIO_FOLDER_SUFFIX   "-audio"

/* Sessions ---------------------------------------------------------------------------------- */

/**
 * playtest_export_session_load:
 * @history: a history store
 * @conversation_id: the store's id of a conversation
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Loads a conversation from the history store for export: what the store knows of it and
 * every turn, oldest first.
 *
 * Returns: (transfer full) (nullable): the session, or %NULL with @error set
 *   (%PLAYTEST_HISTORY_ERROR_NOT_FOUND when the store has no such conversation)
 */
PlaytestExportSession *
playtest_export_session_load (PlaytestHistory *history,
                              const char      *conversation_id,
                              GError         **error)
{
  g_autoptr(PlaytestExportSession) session = g_new0 (PlaytestExportSession, 1);

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (history), NULL);
  g_return_val_if_fail (conversation_id != NULL, NULL);

  session->info = playtest_history_get_conversation (history, conversation_id, error);
  if (session->info == NULL)
    return NULL;

  session->turns = playtest_history_load_turns (history, conversation_id, error);
  if (session->turns == NULL)
    return NULL;

  return g_steal_pointer (&session);
}

/**
 * playtest_export_session_free:
 * @session: (nullable): a session to export
 */
void
playtest_export_session_free (PlaytestExportSession *session)
{
  if (session == NULL)
    return;

  g_clear_pointer (&session->info, playtest_conversation_info_free);
  g_clear_pointer (&session->turns, g_ptr_array_unref);
  g_free (session->title);
  g_free (session->character_name);
  g_free (session);
}

/* Formats ----------------------------------------------------------------------------------- */

/**
 * playtest_export_format_from_name:
 * @name: a format's name as a user types it: `md`, `markdown` or `json`, in any case
 * @format: (out): the format
 *
 * Returns: whether @name is a known format
 */
gboolean
playtest_export_format_from_name (const char           *name,
                                  PlaytestExportFormat *format)
{
  g_return_val_if_fail (format != NULL, FALSE);

  if (name == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (name, "md") == 0 || g_ascii_strcasecmp (name, "markdown") == 0)
    *format = PLAYTEST_EXPORT_MARKDOWN;
  else if (g_ascii_strcasecmp (name, "json") == 0)
    *format = PLAYTEST_EXPORT_JSON;
  else
    return FALSE;

  return TRUE;
}

/**
 * playtest_export_format_from_path:
 * @path: a file name or path
 * @format: (out): the format its extension names
 *
 * Guesses the format from a file's extension: `.md`, `.markdown` or `.json`.
 *
 * Returns: whether the extension names a known format
 */
gboolean
playtest_export_format_from_path (const char           *path,
                                  PlaytestExportFormat *format)
{
  g_autofree char *basename = NULL;
  const char *dot;

  g_return_val_if_fail (format != NULL, FALSE);

  if (path == NULL)
    return FALSE;

  basename = g_path_get_basename (path);
  dot = strrchr (basename, '.');

  return dot != NULL && dot != basename && playtest_export_format_from_name (dot + 1, format);
}

/* Shared by both formats -------------------------------------------------------------------- */

static const char *
turn_reply_text (PlaytestTurn *turn)
{
  const char *text = playtest_turn_get_reply_text (turn);

  return text != NULL && *text != '\0' ? text : NULL;
}

static const char *
session_character_label (PlaytestExportSession *session)
{
  if (session->character_name != NULL && *session->character_name != '\0')
    return session->character_name;

  return session->info->character_id;
}

/* A section change is a move from one known section to another: the first section a session
 * reports says where the character is, not that it moved. */
static gboolean
section_changed (const char *previous_section_id,
                 const char *section_id)
{
  return previous_section_id != NULL && section_id != NULL &&
         g_strcmp0 (previous_section_id, section_id) != 0;
}

static const char *
next_section (const char   *previous_section_id,
              PlaytestTurn *turn)
{
  const char *section_id = playtest_turn_get_narrative_section_id (turn);

  return section_id != NULL ? section_id : previous_section_id;
}

/* The actions of a reply: the list when the service sent one, else the single action. */
static GStrv
turn_actions (PlaytestTurn *turn)
{
  const char * const *actions = playtest_turn_get_actions (turn);
  const char *action = playtest_turn_get_action (turn);

  if (actions[0] != NULL)
    return g_strdupv ((char **) actions);
  if (action != NULL && *action != '\0')
    {
      const char *one[] = { action, NULL };

      return g_strdupv ((char **) one);
    }

  return g_new0 (char *, 1);
}

/* Markdown ---------------------------------------------------------------------------------- */

/* Characters that mean something inline anywhere in a line. */
#define MARKDOWN_INLINE_SPECIALS "\\`*_[]<>|~"

static gboolean
markdown_starts_block (const char *line)
{
  const char *p = line;

  while (*p == ' ')
    p++;
  if (strchr ("#>+-=", *p) != NULL && *p != '\0')
    return TRUE;

  /* "1. text" or "1) text" would become a numbered list. */
  while (g_ascii_isdigit (*p))
    p++;
  return p != line && (*p == '.' || *p == ')');
}

static void
markdown_append_line (GString    *out,
                      const char *line)
{
  if (markdown_starts_block (line))
    g_string_append_c (out, '\\');

  for (const char *p = line; *p != '\0'; p++)
    {
      if (strchr (MARKDOWN_INLINE_SPECIALS, *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

/* What a user or a character wrote, as Markdown that shows it as it was written: specials are
 * escaped (a reply with "*sighs*" keeps its asterisks), and a line break stays one. */
static void
markdown_append_text (GString    *out,
                      const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (i > 0)
        g_string_append (out, "  \n");
      markdown_append_line (out, lines[i]);
    }
}

static void
markdown_append_code (GString    *out,
                      const char *id)
{
  /* Ids never hold backticks; a code span keeps their underscores from turning italic. */
  g_string_append_printf (out, "`%s`", id);
}

static void
markdown_append_session_header (GString               *out,
                                PlaytestExportSession *session)
{
  PlaytestConversationInfo *info = session->info;
  g_autofree char *started = playtest_format_date_time (info->started_at);

  g_string_append (out, "# ");
  if (session->title != NULL)
    markdown_append_text (out, session->title);
  else
    {
      /* Translators: a transcript's heading: the character, then the date and time it began */
      g_autofree char *heading = g_strdup_printf (_("%s, %s"), session_character_label (session),
                                                  started);
      markdown_append_text (out, heading);
    }
  g_string_append (out, "\n\n");

  g_string_append_printf (out, "- **%s** ", _("Session:"));
  if (info->session_id != NULL)
    markdown_append_code (out, info->session_id);
  else
    g_string_append (out, _("none (no reply brought one)"));

  g_string_append_printf (out, "\n- **%s** ", _("Character:"));
  if (session->character_name != NULL)
    {
      markdown_append_text (out, session->character_name);
      g_string_append_c (out, ' ');
    }
  markdown_append_code (out, info->character_id);

  g_string_append_printf (out, "\n- **%s** %s", _("Started:"), started);
  g_string_append_printf (out, "\n- **%s** %u\n\n",
                          _("Turns:"), session->turns != NULL ? session->turns->len : 0);
}

static void
markdown_append_user (GString      *out,
                      PlaytestTurn *turn)
{
  const char *text = playtest_turn_get_user_text (turn);
  const char *query = playtest_turn_get_user_query (turn);

  if (playtest_turn_is_voice (turn))
    {
      guint duration_ms = playtest_turn_get_user_audio_duration_ms (turn);
      g_autofree char *duration =
        playtest_format_duration (duration_ms > 0 ? (gint64) duration_ms : -1);

      /* Translators: the user's line in a transcript when they spoke it; %s is its length */
      g_string_append_printf (out, "**%s** ", _("You:"));
      g_string_append_printf (out, _("(voice, %s)"), duration);
      g_string_append_c (out, ' ');
      if (query != NULL && *query != '\0')
        markdown_append_text (out, query);
      else
        g_string_append_printf (out, "*%s*", _("no transcript"));
    }
  else
    {
      g_string_append_printf (out, "**%s** ", _("You:"));
      markdown_append_text (out, text != NULL ? text : "");
    }

  g_string_append (out, "\n\n");
}

static void
markdown_append_reply (GString               *out,
                       PlaytestExportSession *session,
                       PlaytestTurn          *turn)
{
  const GError *error = playtest_turn_get_error (turn);
  const char *reply = turn_reply_text (turn);

  if (reply != NULL)
    {
      /* Translators: who speaks a reply in a transcript, as in "Mira:" */
      g_autofree char *speaker = g_strdup_printf (_("%s:"), session_character_label (session));

      g_string_append (out, "**");
      markdown_append_line (out, speaker);
      g_string_append (out, "** ");
      markdown_append_text (out, reply);
      g_string_append (out, "\n\n");
    }

  if (playtest_turn_get_state (turn) == PLAYTEST_TURN_FAILED)
    {
      g_string_append_printf (out, "**%s** ", _("Failed:"));
      markdown_append_text (out, error != NULL ? error->message : _("no reply"));
      g_string_append (out, "\n\n");
    }
}

static void
markdown_append_section (GString    *out,
                         GHashTable *section_names,
                         const char *section_id,
                         gboolean    changed)
{
  const char *name = playtest_format_section_name (section_names, section_id);

  g_string_append_printf (out, "%s ", _("Section:"));
  if (name != section_id)
    {
      markdown_append_text (out, name);
      g_string_append (out, " (");
      markdown_append_code (out, section_id);
      g_string_append_c (out, ')');
    }
  else
    markdown_append_code (out, section_id);

  if (changed)
    g_string_append_printf (out, " → %s", _("section changed"));
}

static void
markdown_append_timing (GString      *out,
                        PlaytestTurn *turn)
{
  g_autofree char *latency = playtest_format_duration (playtest_turn_get_latency_ms (turn));

  g_string_append_printf (out, "%s %s", _("Latency:"), latency);
  if (playtest_turn_get_first_audio_ms (turn) >= 0)
    {
      g_autofree char *first_audio =
        playtest_format_duration (playtest_turn_get_first_audio_ms (turn));

      g_string_append_printf (out, " (%s %s)", _("first audio"), first_audio);
    }
}

/* One line under the reply with everything that came with it, in the chat row's order. */
static void
markdown_append_details (GString      *out,
                         GHashTable   *section_names,
                         PlaytestTurn *turn,
                         const char   *previous_section_id)
{
  const char *emotion = playtest_turn_get_emotion (turn);
  const char *section_id = playtest_turn_get_narrative_section_id (turn);
  g_auto(GStrv) actions = turn_actions (turn);
  const char *separator = " · ";
  gsize start = out->len;

  if (emotion != NULL && *emotion != '\0')
    {
      g_string_append_printf (out, "%s ", _("Emotion:"));
      markdown_append_text (out, emotion);
      g_string_append (out, separator);
    }
  if (actions[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", actions);

      g_string_append_printf (out, "%s ", _("Actions:"));
      markdown_append_text (out, joined);
      g_string_append (out, separator);
    }
  if (section_id != NULL)
    {
      markdown_append_section (out, section_names, section_id,
                               section_changed (previous_section_id, section_id));
      g_string_append (out, separator);
    }
  if (playtest_turn_get_latency_ms (turn) >= 0)
    markdown_append_timing (out, turn);
  else if (out->len > start)
    g_string_truncate (out, out->len - strlen (separator));

  if (out->len > start)
    g_string_append (out, "\n\n");
}

static void
markdown_append_turn (GString               *out,
                      PlaytestExportSession *session,
                      GHashTable            *section_names,
                      guint                  index,
                      const char            *previous_section_id)
{
  PlaytestTurn *turn = g_ptr_array_index (session->turns, index);
  g_autofree char *time = playtest_format_clock_time (playtest_turn_get_sent_at (turn));
  const char * const *warnings = playtest_turn_get_warnings (turn);

  /* Translators: a turn's heading in a transcript: its number and the time it was sent */
  g_string_append_printf (out, "## ");
  g_string_append_printf (out, _("Turn %u · %s"), index + 1, time);
  g_string_append (out, "\n\n");

  markdown_append_user (out, turn);
  markdown_append_reply (out, session, turn);
  markdown_append_details (out, section_names, turn, previous_section_id);

  for (guint i = 0; warnings[i] != NULL; i++)
    {
      g_string_append_printf (out, "> %s ", _("Warning:"));
      markdown_append_text (out, warnings[i]);
      g_string_append (out, "\n\n");
    }
}

static void
markdown_append_session (GString               *out,
                         PlaytestExportSession *session,
                         GHashTable            *section_names)
{
  const char *section_id = NULL;

  markdown_append_session_header (out, session);

  for (guint i = 0; session->turns != NULL && i < session->turns->len; i++)
    {
      markdown_append_turn (out, session, section_names, i, section_id);
      section_id = next_section (section_id, g_ptr_array_index (session->turns, i));
    }
}

static char *
markdown_build (GPtrArray  *sessions,
                GHashTable *section_names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < sessions->len; i++)
    {
      if (i > 0)
        g_string_append (out, "---\n\n");
      markdown_append_session (out, g_ptr_array_index (sessions, i), section_names);
    }

  /* Blocks end with a blank line; the file ends with one line break. */
  while (out->len >= 2 && g_str_has_suffix (out->str, "\n\n"))
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/* JSON: audio files ------------------------------------------------------------------------- */

/* Where the audio of one export goes: a folder beside the output, named after it, so that
 * the JSON and its audio travel together ("run.json" and "run-audio/"). */
typedef struct
{
  GFile *folder;
  char  *relative;     /* the folder's name, as the JSON refers to it */
  guint  n_written;
} AudioFolder;

static void
audio_folder_clear (AudioFolder *audio)
{
  g_clear_object (&audio->folder);
  g_clear_pointer (&audio->relative, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AudioFolder, audio_folder_clear)

static void
audio_folder_init (AudioFolder *audio,
                   GFile       *output)
{
  g_autofree char *basename = g_file_get_basename (output);
  g_autoptr(GFile) parent = g_file_get_parent (output);
  char *dot = strrchr (basename, '.');

  if (dot != NULL && dot != basename)
    *dot = '\0';

  audio->relative = g_strconcat (basename, AUDIO_FOLDER_SUFFIX, NULL);
  audio->folder = g_file_get_child (parent, audio->relative);
}

static gboolean
audio_folder_create (AudioFolder  *audio,
                     GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (audio->n_written > 0 ||
      g_file_make_directory_with_parents (audio->folder, NULL, &local_error) ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    return TRUE;

  g_set_error (error, local_error->domain, local_error->code,
               _("Could not create the audio folder %s: %s"),
               g_file_peek_path (audio->folder), local_error->message);
  return FALSE;
}

/* The bytes of a recording: in memory while a live turn holds them, else the history's file. */
static GBytes *
audio_read (GBytes      *bytes,
            const char  *path,
            GError     **error)
{
  char *contents = NULL;
  gsize length = 0;

  if (bytes != NULL)
    return g_bytes_ref (bytes);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  return g_bytes_new_take (contents, length);
}

/* Writes one recording and returns its path relative to the output, for the JSON. */
static char *
audio_folder_write (AudioFolder  *audio,
                    GBytes       *bytes,
                    const char   *path,
                    const char   *name,
                    GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) wav = NULL;
  g_autoptr(GFile) file = NULL;

  if (!audio_folder_create (audio, error))
    return NULL;

  file = g_file_get_child (audio->folder, name);
  wav = audio_read (bytes, path, &local_error);
  if (wav == NULL ||
      !g_file_replace_contents (file, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav),
                                NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not write the recording %s: %s"),
                   g_file_peek_path (file), local_error->message);
      return NULL;
    }

  audio->n_written++;
  return g_build_path ("/", audio->relative, name, NULL);
}

/* JSON: turns ------------------------------------------------------------------------------- */

static const char *
turn_state_name (PlaytestTurnState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (PLAYTEST_TYPE_TURN_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  /* Nicks are static strings of the registered type, alive after the class goes. */
  return value != NULL ? value->value_nick : NULL;
}

static void
json_add_error (JsonBuilder        *builder,
                PlaytestTurn       *turn,
                PlaytestTurnRecord *record)
{
  const GError *error = playtest_turn_get_error (turn);

  json_builder_set_member_name (builder, "error");
  if (error == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  playtest_json_add_string (builder, "domain", g_quark_to_string (error->domain));
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, error->code);
  if (error->domain == PLAYTEST_CLIENT_ERROR)
    playtest_json_add_string (builder, "code_name",
                              playtest_client_error_code_to_string (error->code));
  playtest_json_add_string (builder, "message", error->message);
  json_builder_set_member_name (builder, "http_status");
  if (record->error_status > 0)
    json_builder_add_int_value (builder, record->error_status);
  else
    json_builder_add_null_value (builder);
  playtest_json_add_optional_int (builder, "retry_after_s", record->retry_after);
  json_builder_end_object (builder);
}

/* The reply as the service sent it: nested when it parses, so that tools need not parse a
 * string in a string; as a string otherwise (a truncated body is still evidence). */
static void
json_add_reply (JsonBuilder *builder,
                const char  *reply_json)
{
  g_autoptr(JsonNode) node = reply_json != NULL ? json_from_string (reply_json, NULL) : NULL;

  json_builder_set_member_name (builder, "reply");
  if (node != NULL)
    json_builder_add_value (builder, g_steal_pointer (&node));
  else
    json_builder_add_null_value (builder);

  playtest_json_add_string (builder, "reply_json", node == NULL ? reply_json : NULL);
}

static gboolean
json_add_audio (JsonBuilder  *builder,
                AudioFolder  *audio,
                const char   *member,
                GBytes       *bytes,
                const char   *path,
                const char   *name,
                GError      **error)
{
  g_autofree char *relative = NULL;

  if (audio != NULL && (bytes != NULL || path != NULL))
    {
      relative = audio_folder_write (audio, bytes, path, name, error);
      if (relative == NULL)
        return FALSE;
    }

  playtest_json_add_string (builder, member, relative);
  return TRUE;
}

static char *
audio_file_name (PlaytestTurn *turn,
                 guint         session_index,
                 guint         turn_index,
                 const char   *kind)
{
  gint64 id = playtest_turn_get_id (turn);

  /* Stored turns have ids unique in the whole history; a turn that never reached the store
   * (a runner's turn whose save failed) is named by where it is in the export instead. */
  if (id > 0)
    return g_strdup_printf ("turn-%" G_GINT64_FORMAT "-%s.wav", id, kind);

  return g_strdup_printf ("session-%u-turn-%u-%s.wav", session_index + 1, turn_index + 1, kind);
}

static gboolean
json_add_turn_audio (JsonBuilder  *builder,
                     AudioFolder  *audio,
                     PlaytestTurn *turn,
                     guint         session_index,
                     guint         turn_index,
                     GError      **error)
{
  g_autofree char *user_name = audio_file_name (turn, session_index, turn_index, "user");
  g_autofree char *reply_name = audio_file_name (turn, session_index, turn_index, "reply");

  if (!json_add_audio (builder, audio, "user_audio", playtest_turn_get_user_audio (turn),
                       playtest_turn_get_user_audio_path (turn), user_name, error) ||
      !json_add_audio (builder, audio, "reply_audio", playtest_turn_get_reply_audio (turn),
                       playtest_turn_get_reply_audio_path (turn), reply_name, error))
    return FALSE;

  json_builder_set_member_name (builder, "user_audio_duration_ms");
  json_builder_add_int_value (builder, playtest_turn_get_user_audio_duration_ms (turn));
  json_builder_set_member_name (builder, "reply_audio_duration_ms");
  json_builder_add_int_value (builder, playtest_turn_get_reply_audio_duration_ms (turn));
  return TRUE;
}

static void
json_add_section (JsonBuilder  *builder,
                  GHashTable   *section_names,
                  PlaytestTurn *turn,
                  const char   *previous_section_id)
{
  const char *section_id = playtest_turn_get_narrative_section_id (turn);
  const char *name = playtest_format_section_name (section_names, section_id);

  playtest_json_add_string (builder, "section_id", section_id);
  playtest_json_add_string (builder, "section_name", name != section_id ? name : NULL);
  json_builder_set_member_name (builder, "section_changed");
  json_builder_add_boolean_value (builder, section_changed (previous_section_id, section_id));
}

static void
json_add_timings (JsonBuilder        *builder,
                  PlaytestTurnRecord *record)
{
  playtest_json_add_optional_int (builder, "latency_ms", record->total_ms);
  playtest_json_add_optional_int (builder, "first_audio_ms", record->first_audio_ms);

  json_builder_set_member_name (builder, "timings");
  json_builder_begin_object (builder);
  playtest_json_add_optional_int (builder, "first_byte_ms", record->first_byte_ms);
  playtest_json_add_optional_int (builder, "first_audio_ms", record->first_audio_ms);
  playtest_json_add_optional_int (builder, "complete_ms", record->total_ms);
  json_builder_end_object (builder);
}

static gboolean
json_add_turn (JsonBuilder  *builder,
               GHashTable   *section_names,
               AudioFolder  *audio,
               PlaytestTurn *turn,
               guint         session_index,
               guint         turn_index,
               const char   *previous_section_id,
               GError      **error)
{
  g_auto(GStrv) actions = turn_actions (turn);
  PlaytestTurnRecord record;

  playtest_turn_get_record (turn, &record);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, turn_index + 1);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record.id);
  playtest_json_add_string (builder, "character_id", record.character_id);
  playtest_json_add_string (builder, "session_id", record.session_id);
  playtest_json_add_date_time (builder, "sent_at", record.sent_at);
  playtest_json_add_string (builder, "state", turn_state_name (record.state));
  json_builder_set_member_name (builder, "voice");
  json_builder_add_boolean_value (builder, playtest_turn_is_voice (turn));
  playtest_json_add_string (builder, "user_text", record.user_text);
  playtest_json_add_string (builder, "user_query", record.user_query);
  playtest_json_add_string (builder, "reply_text", record.reply_text);
  playtest_json_add_string (builder, "emotion", record.emotion);
  playtest_json_add_string (builder, "action", record.action);
  playtest_json_add_strv (builder, "actions", (const char * const *) actions);
  json_add_section (builder, section_names, turn, previous_section_id);
  json_add_timings (builder, &record);
  playtest_json_add_strv (builder, "warnings", record.warnings);
  playtest_json_add_string (builder, "request", record.request_description);
  json_add_error (builder, turn, &record);
  json_add_reply (builder, record.reply_json);

  if (!json_add_turn_audio (builder, audio, turn, session_index, turn_index, error))
    return FALSE;

  json_builder_end_object (builder);
  return TRUE;
}

/* JSON: sessions ---------------------------------------------------------------------------- */

static void
json_add_session_info (JsonBuilder           *builder,
                       PlaytestExportSession *session)
{
  PlaytestConversationInfo *info = session->info;

  playtest_json_add_string (builder, "title", session->title);
  playtest_json_add_string (builder, "conversation_id", info->conversation_id);
  playtest_json_add_string (builder, "session_id", info->session_id);
  playtest_json_add_string (builder, "character_id", info->character_id);
  playtest_json_add_string (builder, "character_name", session->character_name);
  playtest_json_add_date_time (builder, "started_at", info->started_at);
  playtest_json_add_date_time (builder, "updated_at", info->updated_at);
  json_builder_set_member_name (builder, "n_turns");
  json_builder_add_int_value (builder, session->turns != NULL ? session->turns->len : 0);
}

static gboolean
json_add_session (JsonBuilder           *builder,
                  PlaytestExportSession *session,
                  GHashTable            *section_names,
                  AudioFolder           *audio,
                  guint                  session_index,
                  GError               **error)
{
  const char *section_id = NULL;

  json_builder_begin_object (builder);
  json_add_session_info (builder, session);

  json_builder_set_member_name (builder, "turns");
  json_builder_begin_array (builder);
  for (guint i = 0; session->turns != NULL && i < session->turns->len; i++)
    {
      PlaytestTurn *turn = g_ptr_array_index (session->turns, i);

      if (!json_add_turn (builder, section_names, audio, turn, session_index, i, section_id,
                          error))
        return FALSE;
      section_id = next_section (section_id, turn);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  return TRUE;
}

/* @audio is %NULL when there is no folder to write to: the audio members are then null. */
static char *
json_build (GPtrArray   *sessions,
            GHashTable  *section_names,
            AudioFolder *audio,
            GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  playtest_json_add_string (builder, "format", EXPORT_FORMAT_NAME);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, EXPORT_FORMAT_VERSION);
  playtest_json_add_date_time (builder, "exported_at", now);
  playtest_json_add_string (builder, "audio_folder", audio != NULL ? audio->relative : NULL);

  json_builder_set_member_name (builder, "sessions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sessions->len; i++)
    if (!json_add_session (builder, g_ptr_array_index (sessions, i), section_names, audio, i,
                           error))
      return NULL;
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

/* Writing ----------------------------------------------------------------------------------- */

/**
 * playtest_export_to_string:
 * @sessions: (element-type PlaytestExportSession): the sessions, in order
 * @format: Markdown or JSON
 * @section_names: (nullable) (element-type utf8 utf8): section id → name
 *
 * The transcript as text, for standard output or a preview. JSON made this way has no audio:
 * its audio members are null (the durations remain); playtest_export_write() writes the
 * files.
 *
 * Returns: (transfer full): the transcript
 */
char *
playtest_export_to_string (GPtrArray            *sessions,
                           PlaytestExportFormat  format,
                           GHashTable           *section_names)
{
  g_return_val_if_fail (sessions != NULL, NULL);

  if (format == PLAYTEST_EXPORT_MARKDOWN)
    return markdown_build (sessions, section_names);

  /* Without an audio folder nothing can fail. */
  return json_build (sessions, section_names, NULL, NULL);
}

/**
 * playtest_export_write:
 * @sessions: (element-type PlaytestExportSession): the sessions, in order
 * @format: Markdown or JSON
 * @section_names: (nullable) (element-type utf8 utf8): section id → name, to name sections
 *   (a section without a name shows its id)
 * @output: the file to write
 * @error: return location for a #GIOError (from the file system), with a message that
 *   names the file
 *
 * Writes @sessions to @output, replacing it atomically: a reader never sees half a file.
 * Markdown is a readable transcript (lines, replies, emotions, actions, sections by name,
 * timings, failures). JSON has everything each turn holds, and writes the audio of every
 * turn as WAV files into a folder beside @output named after it (`run.json` →
 * `run-audio/turn-12-user.wav`, `…-reply.wav`), which the JSON names by relative path.
 * The audio is written first, so that the JSON never names a file that is not there.
 *
 * Returns: %TRUE when written, %FALSE with @error set
 */
gboolean
playtest_export_write (GPtrArray             *sessions,
                       PlaytestExportFormat   format,
                       GHashTable            *section_names,
                       GFile                 *output,
                       GError               **error)
{
  g_auto(AudioFolder) audio = { NULL, };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;

  g_return_val_if_fail (sessions != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (output), FALSE);

  if (format == PLAYTEST_EXPORT_JSON)
    {
      audio_folder_init (&audio, output);
      contents = json_build (sessions, section_names, &audio, error);
      if (contents == NULL)
        return FALSE;
    }
  else
    contents = markdown_build (sessions, section_names);

  if (!g_file_replace_contents (output, contents, strlen (contents), NULL, FALSE,
                                G_FILE_CREATE_NONE, NULL, NULL, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (output);

      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not write the transcript to %s: %s"), name, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Writing without blocking ----------------------------------------------------------------- */

typedef struct
{
  GPtrArray            *sessions;
  PlaytestExportFormat  format;
  GHashTable           *section_names;
  GFile                *output;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_ptr_array_unref (job->sessions);
  g_clear_pointer (&job->section_names, g_hash_table_unref);
  g_object_unref (job->output);
  g_free (job);
}

/* The caller's table may change while the thread reads (the window learns a character's
 * sections late): the thread reads a copy. */
static GHashTable *
copy_section_names (GHashTable *section_names)
{
  GHashTable *copy;
  GHashTableIter iter;
  gpointer id, name;

  if (section_names == NULL)
    return NULL;

  copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, section_names);
  while (g_hash_table_iter_next (&iter, &id, &name))
    g_hash_table_insert (copy, g_strdup (id), g_strdup (name));

  return copy;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;

  if (playtest_export_write (job->sessions, job->format, job->section_names, job->output,
                             &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * playtest_export_write_async:
 * @sessions: (element-type PlaytestExportSession): the sessions, in order; they must not
 *   change until @callback runs (sessions from playtest_export_session_load() are the
 *   caller's alone)
 * @format: Markdown or JSON
 * @section_names: (nullable) (element-type utf8 utf8): section id → name (copied)
 * @output: the file to write
 * @cancellable: (nullable): cancels the wait: the result is then %G_IO_ERROR_CANCELLED,
 *   whether or not the files were written
 * @callback: (scope async): called on this thread's main context when written
 * @user_data: data for @callback
 *
 * Like playtest_export_write(), in a worker thread: copying a long session's audio takes a
 * while, and a window must not freeze meanwhile.
 */
void
playtest_export_write_async (GPtrArray            *sessions,
                             PlaytestExportFormat  format,
                             GHashTable           *section_names,
                             GFile                *output,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteJob *job;

  g_return_if_fail (sessions != NULL);
  g_return_if_fail (G_IS_FILE (output));

  job = g_new0 (WriteJob, 1);
  job->sessions = g_ptr_array_ref (sessions);
  job->format = format;
  job->section_names = copy_section_names (section_names);
  job->output = g_object_ref (output);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, playtest_export_write_async);
  g_task_set_name (task, "[playtest] export");
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (task, write_thread);
}

/**
 * playtest_export_write_finish:
 * @result: the result given to the callback
 * @error: return location for an error, as playtest_export_write()
 *
 * Returns: %TRUE when written, %FALSE with @error set
 */
gboolean
playtest_export_write_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, playtest_export_write_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
