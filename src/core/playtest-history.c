/* playtest-history.c
 *
 * The history store: every turn of every conversation in one SQLite database, in WAL mode,
 * with the audio of each turn beside it as WAV files and an FTS5 index over what was said.
 *
 * A store is used from one thread, its owner's (the UI thread in the app). Reads happen there;
 * turns are committed by a writer thread with a connection of its own (see “Writing”), so
 * the owner never waits for an fsync unless it asks to (playtest_history_save_turn()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "playtest-client-error.h"
#include "playtest-history.h"
#include "playtest-turn-private.h"

#define DATABASE_NAME  "history.db"
#define AUDIO_DIR_NAME "audio"
#define BUSY_TIMEOUT_MS 5000
#define SNIPPET_TOKENS 12

/* One SQLite connection and its prepared statements. */
typedef struct
{
  sqlite3    *db;
  GHashTable *statements;   /* const char *sql (a literal, by address) → sqlite3_stmt * */
  const char *path;         /* the store's, for messages */
} HistoryDb;

struct _PlaytestHistory
{
  GObject     parent_instance;

  char       *directory;
  char       *path;
  /* Two connections to one database, each used by one thread only. The store's owner reads
   * (and starts conversations) on `reader`; turns are written on `writer`, by the writer
   * thread alone (see “Writing” below). WAL lets a reader see the last commit while a write
   * is under way, without either waiting: one shared connection behind a mutex would make a
   * search wait for an fsync, which is what moving the writes out was for. */
  HistoryDb   reader;
  HistoryDb   writer;
  GHashTable *saving;       /* PlaytestTurn * → TurnSlot *: turns with a save on its way */
};

G_DEFINE_FINAL_TYPE (PlaytestHistory, playtest_history, G_TYPE_OBJECT)

G_DEFINE_QUARK (playtest-history-error-quark, playtest_history_error)

static void history_db_close        (HistoryDb *db);
static void history_wait_for_writes (void);

/* A cached statement in use: leaving the scope resets it (it is finalized with the store). */
typedef sqlite3_stmt HistoryStatement;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HistoryStatement, sqlite3_reset)

typedef enum
{
  ACTION_OPEN,
  ACTION_READ,
  ACTION_WRITE,
} HistoryAction;

/* Each step takes the schema from version i to i + 1 (PRAGMA user_version); a store
 * written by an older build is brought up to date on open, one transaction per step. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE conversations ("
  "  id           TEXT PRIMARY KEY,"
  "  character_id TEXT NOT NULL,"
  "  session_id   TEXT,"
  "  created_at   INTEGER NOT NULL,"   /* unix µs, UTC */
  "  updated_at   INTEGER NOT NULL,"
  "  n_turns      INTEGER NOT NULL DEFAULT 0,"
  /* Order of last change: the wall clock can step back and two saves can share a µs. */
  "  change_seq   INTEGER NOT NULL"
  ");"
  "CREATE INDEX conversations_by_change ON conversations (change_seq);"
  "CREATE INDEX conversations_by_character ON conversations (character_id, change_seq);"
  "CREATE TABLE turns ("
  "  id                      INTEGER PRIMARY KEY,"
  "  conversation_id         TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  character_id            TEXT,"
  "  session_id              TEXT,"
  "  sent_at                 INTEGER,"   /* unix µs, UTC */
  "  state                   INTEGER NOT NULL,"
  "  user_text               TEXT,"
  "  user_audio_path         TEXT,"      /* relative to the store's directory */
  "  user_audio_duration_ms  INTEGER NOT NULL DEFAULT 0,"
  "  reply_text              TEXT,"
  "  user_query              TEXT,"      /* the service's transcript of a voice turn */
  "  emotion                 TEXT,"
  "  action                  TEXT,"
  "  actions                 TEXT,"      /* one per line */
  "  narrative_section_id    TEXT,"
  "  reply_audio_path        TEXT,"
  "  reply_audio_duration_ms INTEGER NOT NULL DEFAULT 0,"
  "  reply_json              TEXT,"
  "  warnings                TEXT,"      /* one per line */
  "  request_description     TEXT,"
  "  first_byte_ms           INTEGER,"   /* NULL: never happened */
  "  first_audio_ms          INTEGER,"
  "  total_ms                INTEGER,"
  "  error_code              INTEGER,"   /* PLAYTEST_CLIENT_ERROR code; NULL: no error */
  "  error_status            INTEGER,"
  "  error_message           TEXT,"
  "  retry_after             INTEGER"
  ");"
  "CREATE INDEX turns_by_conversation ON turns (conversation_id, id);"
  "CREATE VIRTUAL TABLE turns_fts USING fts5 ("
  "  user_text, user_query, reply_text,"
  "  content = 'turns', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'"
  ");"
  "CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN"
  "  INSERT INTO turns_fts (rowid, user_text, user_query, reply_text)"
  "    VALUES (new.id, new.user_text, new.user_query, new.reply_text);"
  "END;"
  "CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN"
  "  INSERT INTO turns_fts (turns_fts, rowid, user_text, user_query, reply_text)"
  "    VALUES ('delete', old.id, old.user_text, old.user_query, old.reply_text);"
  "END;"
  "CREATE TRIGGER turns_fts_update AFTER UPDATE OF user_text, user_query, reply_text ON turns"
  "  BEGIN"
  "  INSERT INTO turns_fts (turns_fts, rowid, user_text, user_query, reply_text)"
  "    VALUES ('delete', old.id, old.user_text, old.user_query, old.reply_text);"
  "  INSERT INTO turns_fts (rowid, user_text, user_query, reply_text)"
  "    VALUES (new.id, new.user_text, new.user_query, new.reply_text);"
  "END;",

  /* 1 → 2: script runs, each linked to the conversations it recorded, so that a past
   * session shows the run that made it. */
  "CREATE TABLE script_runs ("
  "  id           INTEGER PRIMARY KEY,"
  "  script_name  TEXT NOT NULL,"
  "  script_path  TEXT,"
  "  started_at   INTEGER NOT NULL,"   /* unix µs, UTC */
  "  finished_at  INTEGER,"
  "  n_steps      INTEGER NOT NULL,"
  "  n_passed     INTEGER NOT NULL,"
  "  n_failed     INTEGER NOT NULL,"
  "  n_errors     INTEGER NOT NULL,"
  "  n_skipped    INTEGER NOT NULL,"
  "  results_json TEXT NOT NULL"
  ");"
  "CREATE TABLE script_run_conversations ("
  "  run_id          INTEGER NOT NULL REFERENCES script_runs (id) ON DELETE CASCADE,"
  "  position        INTEGER NOT NULL,"
  "  conversation_id TEXT NOT NULL,"
  "  PRIMARY KEY (run_id, position)"
  ");"
  "CREATE INDEX script_runs_by_conversation ON script_run_conversations (conversation_id);",
};

#define SCHEMA_VERSION ((int) G_N_ELEMENTS (migrations))

/* The columns of a PlaytestConversationInfo, in its order. */
#define CONVERSATION_COLUMNS \
  "SELECT c.id, c.character_id, c.session_id," \
  "  COALESCE ((SELECT t.sent_at FROM turns t WHERE t.conversation_id = c.id" \
  "             ORDER BY t.id LIMIT 1), c.created_at)," \
  "  c.updated_at, c.n_turns," \
  "  (SELECT COALESCE (NULLIF (t.user_text, ''), t.user_query) FROM turns t" \
  "   WHERE t.conversation_id = c.id ORDER BY t.id LIMIT 1)" \
  " FROM conversations c "

/* The columns of a turn, in the order of TurnColumn. */
#define TURN_COLUMNS \
  "id, conversation_id, character_id, session_id, sent_at, state, user_text," \
  " user_audio_path, user_audio_duration_ms, reply_text, user_query, emotion, action, actions," \
  " narrative_section_id, reply_audio_path, reply_audio_duration_ms, reply_json, warnings," \
  " request_description, first_byte_ms, first_audio_ms, total_ms, error_code, error_status," \
  " error_message, retry_after"

typedef enum
{
  COL_ID, COL_CONVERSATION_ID, COL_CHARACTER_ID, COL_SESSION_ID, COL_SENT_AT, COL_STATE,
  COL_USER_TEXT, COL_USER_AUDIO_PATH, COL_USER_AUDIO_DURATION, COL_REPLY_TEXT, COL_USER_QUERY,
  COL_EMOTION, COL_ACTION, COL_ACTIONS, COL_SECTION_ID, COL_REPLY_AUDIO_PATH,
  COL_REPLY_AUDIO_DURATION, COL_REPLY_JSON, COL_WARNINGS, COL_REQUEST_DESCRIPTION,
  COL_FIRST_BYTE_MS, COL_FIRST_AUDIO_MS, COL_TOTAL_MS, COL_ERROR_CODE, COL_ERROR_STATUS,
  COL_ERROR_MESSAGE, COL_RETRY_AFTER,
} TurnColumn;

static const char sql_save_turn[] =
  "INSERT INTO turns (" TURN_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
  " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)"
  " ON CONFLICT (id) DO UPDATE SET"
  " character_id = excluded.character_id, session_id = excluded.session_id,"
  " sent_at = excluded.sent_at, state = excluded.state, user_text = excluded.user_text,"
  " user_audio_path = excluded.user_audio_path,"
  " user_audio_duration_ms = excluded.user_audio_duration_ms,"
  " reply_text = excluded.reply_text, user_query = excluded.user_query,"
  " emotion = excluded.emotion, action = excluded.action, actions = excluded.actions,"
  " narrative_section_id = excluded.narrative_section_id,"
  " reply_audio_path = excluded.reply_audio_path,"
  " reply_audio_duration_ms = excluded.reply_audio_duration_ms,"
  " reply_json = excluded.reply_json, warnings = excluded.warnings,"
  " request_description = excluded.request_description,"
  " first_byte_ms = excluded.first_byte_ms, first_audio_ms = excluded.first_audio_ms,"
  " total_ms = excluded.total_ms, error_code = excluded.error_code,"
  " error_status = excluded.error_status, error_message = excluded.error_message,"
  " retry_after = excluded.retry_after"
  " WHERE turns.conversation_id = excluded.conversation_id";

static const char sql_touch_conversation[] =
  "UPDATE conversations SET session_id = COALESCE (?1, session_id), updated_at = ?2,"
  " n_turns = n_turns + ?3,"
  " change_seq = (SELECT MAX (change_seq) FROM conversations) + 1"
  " WHERE id = ?4";

static const char sql_set_audio_paths[] =
  "UPDATE turns SET user_audio_path = ?1, reply_audio_path = ?2 WHERE id = ?3";

static const char sql_new_conversation[] =
  "INSERT INTO conversations (id, character_id, created_at, updated_at, change_seq)"
  " VALUES (?1, ?2, ?3, ?3, (SELECT COALESCE (MAX (change_seq), 0) + 1 FROM conversations))";

static const char sql_get_conversation[] = CONVERSATION_COLUMNS "WHERE c.id = ?1";

static const char sql_list_conversations[] =
  CONVERSATION_COLUMNS "WHERE ?1 IS NULL OR c.character_id = ?1"
  " ORDER BY c.change_seq DESC LIMIT ?2";

static const char sql_last_conversation[] =
  CONVERSATION_COLUMNS "ORDER BY c.change_seq DESC LIMIT 1";

static const char sql_load_turns[] =
  "SELECT " TURN_COLUMNS " FROM turns WHERE conversation_id = ?1 ORDER BY id";

static const char sql_search[] =
  "SELECT t.conversation_id, t.id, COALESCE (t.character_id, c.character_id), t.sent_at,"
  "  snippet (turns_fts, -1, '«', '»', '…', " G_STRINGIFY (SNIPPET_TOKENS) ")"
  " FROM turns_fts JOIN turns t ON t.id = turns_fts.rowid"
  " JOIN conversations c ON c.id = t.conversation_id"
  " WHERE turns_fts MATCH ?1 ORDER BY t.sent_at DESC, t.id DESC LIMIT ?2";

static const char sql_save_script_run[] =
  "INSERT INTO script_runs (script_name, script_path, started_at, finished_at, n_steps,"
  " n_passed, n_failed, n_errors, n_skipped, results_json)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

static const char sql_save_script_run_conversation[] =
  "INSERT INTO script_run_conversations (run_id, position, conversation_id) VALUES (?1, ?2, ?3)";

/* The conversations of a run come back as lines, in the run's order. */
static const char sql_list_script_runs[] =
  "SELECT r.id, r.script_name, r.script_path, r.started_at, r.finished_at, r.n_steps,"
  "  r.n_passed, r.n_failed, r.n_errors, r.n_skipped, r.results_json,"
  "  (SELECT group_concat (conversation_id, char (10)) FROM"
  "    (SELECT conversation_id FROM script_run_conversations WHERE run_id = r.id"
  "     ORDER BY position))"
  " FROM script_runs r"
  " WHERE ?1 IS NULL"
  "  OR r.id IN (SELECT run_id FROM script_run_conversations WHERE conversation_id = ?1)"
  " ORDER BY r.started_at DESC, r.id DESC";

/**
 * playtest_conversation_info_free:
 * @info: (nullable): a conversation's summary
 */
void
playtest_conversation_info_free (PlaytestConversationInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->conversation_id);
  g_free (info->character_id);
  g_free (info->session_id);
  g_clear_pointer (&info->started_at, g_date_time_unref);
  g_clear_pointer (&info->updated_at, g_date_time_unref);
  g_free (info->first_line);
  g_free (info);
}

/**
 * playtest_search_hit_free:
 * @hit: (nullable): a search hit
 */
void
playtest_search_hit_free (PlaytestSearchHit *hit)
{
  if (hit == NULL)
    return;

  g_free (hit->conversation_id);
  g_free (hit->character_id);
  g_clear_pointer (&hit->sent_at, g_date_time_unref);
  g_free (hit->snippet);
  g_free (hit);
}

/**
 * playtest_script_run_free:
 * @run: (nullable): a script run
 */
void
playtest_script_run_free (PlaytestScriptRun *run)
{
  if (run == NULL)
    return;

  g_free (run->script_name);
  g_free (run->script_path);
  g_strfreev (run->conversation_ids);
  g_clear_pointer (&run->started_at, g_date_time_unref);
  g_clear_pointer (&run->finished_at, g_date_time_unref);
  g_free (run->results_json);
  g_free (run);
}

static void
playtest_history_finalize (GObject *object)
{
  PlaytestHistory *self = (PlaytestHistory *) object;

  /* Every save holds the store (its GTask's source object) until its result is back on the
   * owner's thread, so no write is running or waiting here. */
  g_assert (g_hash_table_size (self->saving) == 0);
  g_clear_pointer (&self->saving, g_hash_table_unref);
  history_db_close (&self->writer);
  history_db_close (&self->reader);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (playtest_history_parent_class)->finalize (object);
}

static void
playtest_history_class_init (PlaytestHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = playtest_history_finalize;
}

static void
playtest_history_init (PlaytestHistory *self)
{
  self->reader.statements = g_hash_table_new_full (NULL, NULL, NULL,
                                                   (GDestroyNotify) sqlite3_finalize);
  self->writer.statements = g_hash_table_new_full (NULL, NULL, NULL,
                                                   (GDestroyNotify) sqlite3_finalize);
  self->saving = g_hash_table_new (NULL, NULL);
}

/* Errors ----------------------------------------------------------------------------------- */

static gboolean
history_set_error (HistoryDb     *db,
                   GError       **error,
                   HistoryAction  action,
                   int            rc)
{
  g_autofree char *where = g_filename_display_name (db->path);
  const char *why = db->db != NULL ? sqlite3_errmsg (db->db) : sqlite3_errstr (rc);

  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
    g_set_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_CORRUPT,
                 _("The history at %s is damaged or is not a history file: %s"), where, why);
  else if (action == ACTION_WRITE)
    g_set_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_WRITE,
                 _("Could not save to the history at %s: %s"), where, why);
  else if (action == ACTION_READ)
    g_set_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_OPEN,
                 _("Could not read the history at %s: %s"), where, why);
  else
    g_set_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_OPEN,
                 _("Could not open the history at %s: %s"), where, why);

  return FALSE;
}

static gboolean
history_set_not_found (GError    **error,
                       const char *conversation_id)
{
  g_set_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_NOT_FOUND,
               _("The conversation %s is not in the history"), conversation_id);
  return FALSE;
}

/* Statements ------------------------------------------------------------------------------- */

static gboolean
bind_values (sqlite3_stmt *stmt,
             va_list       args)
{
  int index = 1;
  int type;
  int rc = SQLITE_OK;

  while (rc == SQLITE_OK && (type = va_arg (args, int)) != 0)
    {
      const char *text;
      gint64 number;

      switch (type)
        {
        case 's':
          text = va_arg (args, const char *);
          rc = text != NULL ? sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT)
                            : sqlite3_bind_null (stmt, index);
          break;
        case 'i':
          rc = sqlite3_bind_int (stmt, index, va_arg (args, int));
          break;
        case 'x':
          rc = sqlite3_bind_int64 (stmt, index, va_arg (args, gint64));
          break;
        case 'o':
          number = va_arg (args, gint64);
          rc = number >= 0 ? sqlite3_bind_int64 (stmt, index, number)
                           : sqlite3_bind_null (stmt, index);
          break;
        default:
          g_assert_not_reached ();
        }
      index++;
    }

  return rc == SQLITE_OK;
}

/* Prepares @sql once (cached by its address, so it must be a static string) and binds the
 * values that follow, each as a type character and a value, ending with 0:
 * 's' a string (NULL binds NULL), 'i' an int, 'x' a gint64, 'o' a gint64 where a negative
 * value (“never”, “none”) binds NULL. Returns a statement to use with g_autoptr
 * (HistoryStatement), or %NULL with @error set. */
static sqlite3_stmt *
history_prepare (HistoryDb     *db,
                 HistoryAction  action,
                 GError       **error,
                 const char    *sql,
                 ...)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  gboolean bound;
  va_list args;
  int rc;

  if (stmt == NULL)
    {
      rc = sqlite3_prepare_v3 (db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        return history_set_error (db, error, action, rc), NULL;
      g_hash_table_insert (db->statements, (gpointer) sql, stmt);
    }

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  va_start (args, sql);
  bound = bind_values (stmt, args);
  va_end (args);

  if (!bound)
    return history_set_error (db, error, action, sqlite3_errcode (db->db)), NULL;

  return stmt;
}

/* Steps @stmt: SQLITE_ROW or SQLITE_DONE, or 0 with @error set. */
static int
history_step (HistoryDb     *db,
              sqlite3_stmt  *stmt,
              HistoryAction  action,
              GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  history_set_error (db, error, action, rc);
  return 0;
}

static gboolean
history_exec (HistoryDb     *db,
              const char    *sql,
              HistoryAction  action,
              GError       **error)
{
  int rc = sqlite3_exec (db->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return history_set_error (db, error, action, rc);

  return TRUE;
}

static void
history_rollback (HistoryDb *db)
{
  if (!sqlite3_get_autocommit (db->db))
    sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Values ----------------------------------------------------------------------------------- */

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static gint64
column_optional (sqlite3_stmt *stmt,
                 int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return -1;

  return sqlite3_column_int64 (stmt, column);
}

static gint64
datetime_to_usec (GDateTime *datetime)
{
  if (datetime == NULL)
    return -1;

  return g_date_time_to_unix (datetime) * G_USEC_PER_SEC
         + g_date_time_get_microsecond (datetime);
}

static GDateTime *
datetime_from_column (sqlite3_stmt *stmt,
                      int           column)
{
  gint64 usec = column_optional (stmt, column);
  g_autoptr(GDateTime) seconds = NULL;

  if (usec < 0)
    return NULL;

  seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

/* A list as lines, or NULL when empty. */
static char *
join_lines (const char * const *strv)
{
  if (strv == NULL || strv[0] == NULL)
    return NULL;

  return g_strjoinv ("\n", (char **) strv);
}

static char **
split_lines (const char *text)
{
  if (text == NULL || text[0] == '\0')
    return g_new0 (char *, 1);

  return g_strsplit (text, "\n", -1);
}

/* Paths are stored relative to the store's directory, so that the whole folder can move. */
static char *
relative_path (PlaytestHistory *self,
               const char      *path)
{
  gsize length = strlen (self->directory);

  if (path != NULL && g_str_has_prefix (path, self->directory) && path[length] == G_DIR_SEPARATOR)
    return g_strdup (path + length + 1);

  return g_strdup (path);
}

static char *
absolute_path (PlaytestHistory *self,
               const char      *stored)
{
  if (stored == NULL || g_path_is_absolute (stored))
    return g_strdup (stored);

  return g_build_filename (self->directory, stored, NULL);
}

/* Opening ---------------------------------------------------------------------------------- */

static gboolean
history_make_directories (PlaytestHistory *self,
                          GError         **error)
{
  g_autofree char *audio = g_build_filename (self->directory, AUDIO_DIR_NAME, NULL);
  g_autofree char *where = g_filename_display_name (self->path);

  if (g_mkdir_with_parents (audio, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_OPEN,
                   _("Could not open the history at %s: %s"), where, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Statements first: sqlite3_close refuses a connection with live statements. The last
 * close checkpoints the WAL into the database. */
static void
history_db_close (HistoryDb *db)
{
  g_clear_pointer (&db->statements, g_hash_table_unref);
  g_clear_pointer (&db->db, sqlite3_close);
}

static gboolean
history_open_database (PlaytestHistory *self,
                       HistoryDb       *db,
                       GError         **error)
{
  int rc = sqlite3_open_v2 (self->path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            NULL);

  db->path = self->path;
  if (rc != SQLITE_OK)
    {
      history_set_error (db, error, ACTION_OPEN, rc);
      g_clear_pointer (&db->db, sqlite3_close);
      return FALSE;
    }

  sqlite3_extended_result_codes (db->db, TRUE);
  sqlite3_busy_timeout (db->db, BUSY_TIMEOUT_MS);

  /* WAL: a commit appends to the log instead of rewriting pages, and readers never block the
   * writer. synchronous=NORMAL would already keep a committed turn through a crash of the app
   * (the log is written before the commit returns); FULL also fsyncs the log at every commit,
   * so the turn survives a power cut or a kernel crash too: a tester's record is worth the
   * few milliseconds, once per turn. The first statement is also where SQLite finds out the
   * file is not a database. */
  return history_exec (db, "PRAGMA journal_mode = WAL", ACTION_OPEN, error)
         && history_exec (db, "PRAGMA synchronous = FULL", ACTION_OPEN, error)
         && history_exec (db, "PRAGMA foreign_keys = ON", ACTION_OPEN, error);
}

static int
history_get_schema_version (HistoryDb  *db,
                            GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;
  int rc = sqlite3_prepare_v2 (db->db, "PRAGMA user_version", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  else
    history_set_error (db, error, ACTION_OPEN, rc);

  sqlite3_finalize (stmt);
  return version;
}

static gboolean
history_migrate (PlaytestHistory *self,
                 GError         **error)
{
  HistoryDb *db = &self->reader;
  int version = history_get_schema_version (db, error);

  if (version < 0)
    return FALSE;

  if (version > SCHEMA_VERSION)
    {
      g_autofree char *where = g_filename_display_name (self->path);

      g_set_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_OPEN,
                   _("Could not open the history at %s: it was written by a newer version of "
                     "Convai Playtest"), where);
      return FALSE;
    }

  for (; version < SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!history_exec (db, "BEGIN IMMEDIATE", ACTION_OPEN, error))
        return FALSE;

      if (!history_exec (db, migrations[version], ACTION_OPEN, error)
          || !history_exec (db, bump, ACTION_OPEN, error)
          || !history_exec (db, "COMMIT", ACTION_OPEN, error))
        {
          history_rollback (db);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * playtest_history_new:
 * @directory: the folder of the store; created when missing
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Opens the history store in @directory (the database `history.db` and an `audio` folder),
 * creating or upgrading it as needed. A file that is not a usable database gives
 * %PLAYTEST_HISTORY_ERROR_CORRUPT and is left as it is.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
PlaytestHistory *
playtest_history_new (const char *directory,
                      GError    **error)
{
  g_autoptr(PlaytestHistory) self = NULL;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (PLAYTEST_TYPE_HISTORY, NULL);
  self->directory = g_canonicalize_filename (directory, NULL);
  self->path = g_build_filename (self->directory, DATABASE_NAME, NULL);

  /* What any store of this process was asked to save is in the file before this one reads
   * it: a store reopened right after the last one was let go finds its last turn. */
  history_wait_for_writes ();

  if (!history_make_directories (self, error)
      || !history_open_database (self, &self->reader, error)
      || !history_migrate (self, error)
      || !history_open_database (self, &self->writer, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * playtest_history_new_default:
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Opens the user's history store, in `$XDG_DATA_HOME/convai-playtest`.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
PlaytestHistory *
playtest_history_new_default (GError **error)
{
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "convai-playtest",
                                                 NULL);

  return playtest_history_new (directory, error);
}

/**
 * playtest_history_get_directory:
 * @self: a store
 *
 * Returns: the absolute path of the store's folder
 */
const char *
playtest_history_get_directory (PlaytestHistory *self)
{
  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);

  return self->directory;
}

/**
 * playtest_history_get_database_path:
 * @self: a store
 *
 * Returns: the absolute path of the SQLite database file
 */
const char *
playtest_history_get_database_path (PlaytestHistory *self)
{
  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);

  return self->path;
}

/* Conversations ---------------------------------------------------------------------------- */

/**
 * playtest_history_new_conversation:
 * @self: a store
 * @character_id: who the conversation is with
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Starts a conversation in the store. It becomes the last conversation
 * (playtest_history_get_last_conversation()) until another one changes.
 *
 * Returns: (transfer full) (nullable): the new conversation's id, or %NULL with @error set
 */
char *
playtest_history_new_conversation (PlaytestHistory *self,
                                   const char      *character_id,
                                   GError         **error)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr(HistoryStatement) stmt = NULL;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);
  g_return_val_if_fail (character_id != NULL, NULL);

  stmt = history_prepare (&self->reader, ACTION_WRITE, error, sql_new_conversation,
                          's', id, 's', character_id, 'x', g_get_real_time (), 0);
  if (stmt == NULL || !history_step (&self->reader, stmt, ACTION_WRITE, error))
    return NULL;

  return g_steal_pointer (&id);
}

static gpointer
conversation_info_from_row (PlaytestHistory *self,
                            sqlite3_stmt    *stmt)
{
  PlaytestConversationInfo *info = g_new0 (PlaytestConversationInfo, 1);

  info->conversation_id = g_strdup (column_text (stmt, 0));
  info->character_id = g_strdup (column_text (stmt, 1));
  info->session_id = g_strdup (column_text (stmt, 2));
  info->started_at = datetime_from_column (stmt, 3);
  info->updated_at = datetime_from_column (stmt, 4);
  info->n_turns = sqlite3_column_int (stmt, 5);
  info->first_line = g_strdup (column_text (stmt, 6));

  return info;
}

/**
 * playtest_history_get_conversation:
 * @self: a store
 * @conversation_id: a conversation's id
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Returns: (transfer full) (nullable): the conversation's summary, or %NULL with @error set
 *   (%PLAYTEST_HISTORY_ERROR_NOT_FOUND when the store has no such conversation)
 */
PlaytestConversationInfo *
playtest_history_get_conversation (PlaytestHistory *self,
                                   const char      *conversation_id,
                                   GError         **error)
{
  g_autoptr(HistoryStatement) stmt = NULL;
  int rc;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);
  g_return_val_if_fail (conversation_id != NULL, NULL);

  stmt = history_prepare (&self->reader, ACTION_READ, error, sql_get_conversation,
                          's', conversation_id, 0);
  if (stmt == NULL || !(rc = history_step (&self->reader, stmt, ACTION_READ, error)))
    return NULL;

  if (rc != SQLITE_ROW)
    return history_set_not_found (error, conversation_id), NULL;

  return conversation_info_from_row (self, stmt);
}

typedef gpointer (*RowFunc) (PlaytestHistory *self,
                            sqlite3_stmt    *stmt);

/* Collects every row of @stmt through @from_row; NULL with @error set on failure. */
static GPtrArray *
collect_rows (PlaytestHistory *self,
              sqlite3_stmt    *stmt,
              RowFunc          from_row,
              GDestroyNotify   free_func,
              GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = history_step (&self->reader, stmt, ACTION_READ, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, from_row (self, stmt));

  if (rc == 0)
    return NULL;

  return g_steal_pointer (&rows);
}

/**
 * playtest_history_list_conversations:
 * @self: a store
 * @character_id: (nullable): only the conversations with this character, or %NULL for all
 * @limit: the most to return, or 0 for all
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Lists conversations, the most recently changed first.
 *
 * Returns: (transfer full) (element-type PlaytestConversationInfo) (nullable): the
 *   conversations, or %NULL with @error set
 */
GPtrArray *
playtest_history_list_conversations (PlaytestHistory *self,
                                     const char      *character_id,
                                     guint            limit,
                                     GError         **error)
{
  g_autoptr(HistoryStatement) stmt = NULL;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);

  stmt = history_prepare (&self->reader, ACTION_READ, error, sql_list_conversations,
                          's', character_id, 'x', limit > 0 ? (gint64) limit : (gint64) -1, 0);
  if (stmt == NULL)
    return NULL;

  return collect_rows (self, stmt, conversation_info_from_row,
                       (GDestroyNotify) playtest_conversation_info_free, error);
}

/**
 * playtest_history_get_last_conversation:
 * @self: a store
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Finds the conversation that changed last (a turn saved, or started), the one the app
 * reopens on start.
 *
 * Returns: (transfer full) (nullable): the conversation's summary; %NULL with @error unset
 *   when the store is empty, %NULL with @error set on failure
 */
PlaytestConversationInfo *
playtest_history_get_last_conversation (PlaytestHistory *self,
                                        GError         **error)
{
  g_autoptr(HistoryStatement) stmt = NULL;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);

  stmt = history_prepare (&self->reader, ACTION_READ, error, sql_last_conversation, 0);
  if (stmt == NULL || history_step (&self->reader, stmt, ACTION_READ, error) != SQLITE_ROW)
    return NULL;

  return conversation_info_from_row (self, stmt);
}

/* Saving a turn ---------------------------------------------------------------------------- */

/* Makes the conversation the last one changed, takes the session id once known, counts a new
 * turn. */
static gboolean
history_touch_conversation (PlaytestHistory          *self,
                            const char               *conversation_id,
                            const PlaytestTurnRecord *record,
                            gboolean                  is_new,
                            GError                  **error)
{
  g_autoptr(HistoryStatement) stmt = NULL;

  stmt = history_prepare (&self->writer, ACTION_WRITE, error, sql_touch_conversation,
                          's', record->session_id, 'x', g_get_real_time (), 'i', is_new ? 1 : 0,
                          's', conversation_id, 0);
  if (stmt == NULL || !history_step (&self->writer, stmt, ACTION_WRITE, error))
    return FALSE;

  if (sqlite3_changes (self->writer.db) == 0)
    return history_set_not_found (error, conversation_id);

  return TRUE;
}

static gboolean
history_write_turn_row (PlaytestHistory          *self,
                        const char               *conversation_id,
                        const PlaytestTurnRecord *r,
                        GError                  **error)
{
  g_autoptr(HistoryStatement) stmt = NULL;
  g_autofree char *user_audio = relative_path (self, r->user_audio_path);
  g_autofree char *reply_audio = relative_path (self, r->reply_audio_path);
  g_autofree char *actions = join_lines (r->actions);
  g_autofree char *warnings = join_lines (r->warnings);

  stmt = history_prepare (&self->writer, ACTION_WRITE, error, sql_save_turn,
                          'o', r->id > 0 ? r->id : (gint64) -1,
                          's', conversation_id, 's', r->character_id, 's', r->session_id,
                          'o', datetime_to_usec (r->sent_at), 'i', (int) r->state,
                          's', r->user_text, 's', user_audio, 'i', r->user_audio_duration_ms,
                          's', r->reply_text, 's', r->user_query, 's', r->emotion,
                          's', r->action, 's', actions, 's', r->narrative_section_id,
                          's', reply_audio, 'i', r->reply_audio_duration_ms,
                          's', r->reply_json, 's', warnings, 's', r->request_description,
                          'o', r->first_byte_ms, 'o', r->first_audio_ms, 'o', r->total_ms,
                          'o', (gint64) r->error_code, 'i', r->error_status,
                          's', r->error_message, 'o', (gint64) r->retry_after, 0);
  if (stmt == NULL || !history_step (&self->writer, stmt, ACTION_WRITE, error))
    return FALSE;

  /* The upsert updates nothing when the id belongs to another conversation. */
  if (sqlite3_changes (self->writer.db) == 0)
    return history_set_not_found (error, conversation_id);

  return TRUE;
}

/* Writes @audio as the turn's @role file unless the turn already has one at @path. Leaves
 * the absolute path of the turn's file in @path_out: the new one, else @path (NULL if none). */
static gboolean
history_write_audio (PlaytestHistory *self,
                     const char      *conversation_id,
                     gint64           turn_id,
                     const char      *role,
                     GBytes          *audio,
                     const char      *path,
                     char           **path_out,
                     GError         **error)
{
  g_autofree char *name = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GError) local_error = NULL;

  *path_out = g_strdup (path);
  if (path != NULL || audio == NULL)
    return TRUE;

  name = g_strdup_printf ("%s-%" G_GINT64_FORMAT "-%s.wav", conversation_id, turn_id, role);
  target = g_build_filename (self->directory, AUDIO_DIR_NAME, name, NULL);

  /* Atomic (a temporary file renamed over the target) and durable, like the row. */
  if (!g_file_set_contents_full (target, g_bytes_get_data (audio, NULL), g_bytes_get_size (audio),
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, PLAYTEST_HISTORY_ERROR, PLAYTEST_HISTORY_ERROR_WRITE,
                   _("Could not save the recording in the history: %s"), local_error->message);
      return FALSE;
    }

  g_free (*path_out);
  *path_out = g_steal_pointer (&target);
  return TRUE;
}

static gboolean
history_set_audio_paths (PlaytestHistory *self,
                         gint64           turn_id,
                         const char      *user_path,
                         const char      *reply_path,
                         GError         **error)
{
  g_autoptr(HistoryStatement) stmt = NULL;
  g_autofree char *user_relative = relative_path (self, user_path);
  g_autofree char *reply_relative = relative_path (self, reply_path);

  stmt = history_prepare (&self->writer, ACTION_WRITE, error, sql_set_audio_paths,
                          's', user_relative, 's', reply_relative, 'x', turn_id, 0);

  return stmt != NULL && history_step (&self->writer, stmt, ACTION_WRITE, error);
}

/* Writes the audio files the turn held in memory only, and records their paths. An audio
 * file that cannot be written leaves the turn's text to be saved all the same: that error
 * goes to @audio_error (the first one only), and the bytes stay in memory for the next save.
 * @error is for the database. */
static gboolean
history_save_audio (PlaytestHistory          *self,
                    const char               *conversation_id,
                    gint64                    turn_id,
                    GBytes                   *user_audio,
                    GBytes                   *reply_audio,
                    const PlaytestTurnRecord *record,
                    char                    **user_path,
                    char                    **reply_path,
                    GError                  **audio_error,
                    GError                  **error)
{
  history_write_audio (self, conversation_id, turn_id, "user", user_audio,
                       record->user_audio_path, user_path, audio_error);
  history_write_audio (self, conversation_id, turn_id, "reply", reply_audio,
                       record->reply_audio_path, reply_path,
                       *audio_error == NULL ? audio_error : NULL);

  if (g_strcmp0 (*user_path, record->user_audio_path) == 0
      && g_strcmp0 (*reply_path, record->reply_audio_path) == 0)
    return TRUE;

  return history_set_audio_paths (self, turn_id, *user_path, *reply_path, error);
}

/* Writing
 *
 * A turn's commit is a write transaction with an fsync of the WAL, plus an fsync per audio
 * file: measured on a VM disk, 6 ms for a typed turn and 17 ms for a spoken one (36 ms at
 * worst), which on the UI thread is a dropped frame or two at every turn. So the owner's
 * thread only takes a copy of the turn (a PlaytestTurn is not thread-safe, and views watch
 * its notifications), a writer thread commits the copy, and the results (the turn's id, its
 * audio files) go back to the turn on the owner's thread.
 *
 * Every write of every store of the process goes through one thread (a GThreadPool of one
 * exclusive thread), in the order it was asked for. So writes never run at the same time on a
 * connection (the writer connection needs no lock: no other thread uses it), a turn's update
 * comes after its insert, and a store opened on the same file later can wait for them all.
 * A mutex around a connection would keep writes apart, but not in order: a GMutex is not
 * fair, and GTask's shared pool runs its threads in any order. */

#define EXIT_WAIT_S 30

static GThreadPool *writer_pool;
static GMutex       writer_lock;
static GCond        writer_cond;
static guint        writer_pending;   /* saves asked for and not yet written, every store */
static pid_t        writer_pid;

/* What the writer knows of a turn while saves of it are on their way: a second save, asked
 * before the first one's id came back to the turn, updates the row the first one inserted
 * instead of inserting another. */
typedef struct
{
  gint64  id;            /* these three: the writer thread's only */
  char   *user_path;
  char   *reply_path;
  guint   n_saves;       /* the owner's thread's only; the slot goes when it is 0 */
} TurnSlot;

typedef struct
{
  PlaytestHistory    *history;
  PlaytestTurn       *turn;            /* touched on the owner's thread only */
  TurnSlot           *slot;
  char               *conversation_id;
  PlaytestTurnRecord *record;          /* a copy: the writer's */
  GBytes             *user_audio;
  GBytes             *reply_audio;
  GTask              *task;            /* NULL: the owner waits (playtest_history_save_turn) */

  /* What the writer did. */
  gboolean            done;            /* under writer_lock, for a waiting owner */
  gboolean            committed;
  gint64              id;
  char               *user_path;
  char               *reply_path;
  GError             *error;
  GError             *audio_error;
} SaveJob;

/* The strings of a PlaytestTurnRecord, which it borrows from the turn. */
static const gsize record_strings[] = {
  G_STRUCT_OFFSET (PlaytestTurnRecord, conversation_id),
  G_STRUCT_OFFSET (PlaytestTurnRecord, character_id),
  G_STRUCT_OFFSET (PlaytestTurnRecord, session_id),
  G_STRUCT_OFFSET (PlaytestTurnRecord, user_text),
  G_STRUCT_OFFSET (PlaytestTurnRecord, user_audio_path),
  G_STRUCT_OFFSET (PlaytestTurnRecord, reply_text),
  G_STRUCT_OFFSET (PlaytestTurnRecord, user_query),
  G_STRUCT_OFFSET (PlaytestTurnRecord, emotion),
  G_STRUCT_OFFSET (PlaytestTurnRecord, action),
  G_STRUCT_OFFSET (PlaytestTurnRecord, narrative_section_id),
  G_STRUCT_OFFSET (PlaytestTurnRecord, reply_audio_path),
  G_STRUCT_OFFSET (PlaytestTurnRecord, reply_json),
  G_STRUCT_OFFSET (PlaytestTurnRecord, request_description),
  G_STRUCT_OFFSET (PlaytestTurnRecord, error_message),
};

/* A record that owns what it holds, for another thread. */
static PlaytestTurnRecord *
record_copy (const PlaytestTurnRecord *record)
{
  PlaytestTurnRecord *copy = g_memdup2 (record, sizeof *record);

  for (guint i = 0; i < G_N_ELEMENTS (record_strings); i++)
    {
      char **field = G_STRUCT_MEMBER_P (copy, record_strings[i]);

      *field = g_strdup (*field);
    }
  copy->sent_at = record->sent_at != NULL ? g_date_time_ref (record->sent_at) : NULL;
  copy->actions = (const char * const *) g_strdupv ((char **) record->actions);
  copy->warnings = (const char * const *) g_strdupv ((char **) record->warnings);

  return copy;
}

static void
record_free (PlaytestTurnRecord *record)
{
  for (guint i = 0; i < G_N_ELEMENTS (record_strings); i++)
    g_free (G_STRUCT_MEMBER (char *, record, record_strings[i]));
  g_clear_pointer (&record->sent_at, g_date_time_unref);
  g_strfreev ((char **) record->actions);
  g_strfreev ((char **) record->warnings);
  g_free (record);
}

static TurnSlot *
slot_acquire (PlaytestHistory *self,
              PlaytestTurn    *turn)
{
  TurnSlot *slot = g_hash_table_lookup (self->saving, turn);

  if (slot == NULL)
    {
      slot = g_new0 (TurnSlot, 1);
      g_hash_table_insert (self->saving, turn, slot);
    }
  slot->n_saves++;

  return slot;
}

/* Once the writer is done with every save of the turn. */
static void
slot_release (PlaytestHistory *self,
              PlaytestTurn    *turn,
              TurnSlot        *slot)
{
  if (--slot->n_saves > 0)
    return;

  g_hash_table_remove (self->saving, turn);
  g_free (slot->user_path);
  g_free (slot->reply_path);
  g_free (slot);
}

static GBytes *
bytes_ref0 (GBytes *bytes)
{
  return bytes != NULL ? g_bytes_ref (bytes) : NULL;
}

/* On the owner's thread: everything the writer needs, copied from the turn. */
static SaveJob *
save_job_new (PlaytestHistory *self,
              const char      *conversation_id,
              PlaytestTurn    *turn)
{
  SaveJob *job = g_new0 (SaveJob, 1);
  PlaytestTurnRecord record;

  playtest_turn_get_record (turn, &record);
  job->history = g_object_ref (self);
  job->turn = g_object_ref (turn);
  job->slot = slot_acquire (self, turn);
  job->conversation_id = g_strdup (conversation_id);
  job->record = record_copy (&record);
  job->user_audio = bytes_ref0 (playtest_turn_get_user_audio (turn));
  job->reply_audio = bytes_ref0 (playtest_turn_get_reply_audio (turn));

  return job;
}

/* On the owner's thread, so that the turn and the store are let go there. */
static void
save_job_free (SaveJob *job)
{
  g_assert (job->slot == NULL && job->task == NULL);

  g_clear_object (&job->history);
  g_clear_object (&job->turn);
  g_free (job->conversation_id);
  record_free (job->record);
  g_clear_pointer (&job->user_audio, g_bytes_unref);
  g_clear_pointer (&job->reply_audio, g_bytes_unref);
  g_free (job->user_path);
  g_free (job->reply_path);
  g_clear_error (&job->error);
  g_clear_error (&job->audio_error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveJob, save_job_free)

/* On the writer thread: the transaction. */
static gboolean
save_job_write (SaveJob  *job,
                GError  **error)
{
  PlaytestHistory *self = job->history;
  PlaytestTurnRecord *record = job->record;
  TurnSlot *slot = job->slot;
  gboolean is_new;
  gint64 id;

  /* An earlier save of this turn may have committed after this one was asked for. */
  if (record->id <= 0)
    record->id = slot->id;
  if (record->user_audio_path == NULL)
    record->user_audio_path = g_strdup (slot->user_path);
  if (record->reply_audio_path == NULL)
    record->reply_audio_path = g_strdup (slot->reply_path);
  is_new = record->id <= 0;

  if (!history_exec (&self->writer, "BEGIN IMMEDIATE", ACTION_WRITE, error))
    return FALSE;

  if (!history_touch_conversation (self, job->conversation_id, record, is_new, error)
      || !history_write_turn_row (self, job->conversation_id, record, error))
    return history_rollback (&self->writer), FALSE;

  id = is_new ? sqlite3_last_insert_rowid (self->writer.db) : record->id;

  if (!history_save_audio (self, job->conversation_id, id, job->user_audio, job->reply_audio,
                           record, &job->user_path, &job->reply_path, &job->audio_error, error)
      || !history_exec (&self->writer, "COMMIT", ACTION_WRITE, error))
    return history_rollback (&self->writer), FALSE;

  job->id = slot->id = id;
  g_free (slot->user_path);
  slot->user_path = g_strdup (job->user_path);
  g_free (slot->reply_path);
  slot->reply_path = g_strdup (job->reply_path);

  return TRUE;
}

/* On the owner's thread, once the writer is done: the turn learns what was committed (only
 * what was committed). Results come back in the order the saves were asked for. */
static gboolean
save_job_apply (SaveJob  *job,
                GError  **error)
{
  PlaytestTurn *turn = job->turn;
  g_autofree char *user_path = NULL;
  g_autofree char *reply_path = NULL;

  slot_release (job->history, turn, g_steal_pointer (&job->slot));

  if (!job->committed)
    return g_propagate_error (error, g_steal_pointer (&job->error)), FALSE;

  if (playtest_turn_get_id (turn) != job->id)
    playtest_turn_set_id (turn, job->id);

  /* A path, once known, is never forgotten (the file is there). */
  user_path = g_strdup (job->user_path ? job->user_path
                                       : playtest_turn_get_user_audio_path (turn));
  reply_path = g_strdup (job->reply_path ? job->reply_path
                                         : playtest_turn_get_reply_audio_path (turn));
  playtest_turn_set_audio_paths (turn, user_path, reply_path);

  if (job->audio_error != NULL)
    return g_propagate_error (error, g_steal_pointer (&job->audio_error)), FALSE;

  playtest_turn_release_audio (turn);

  return TRUE;
}

static gboolean
save_job_return_cb (gpointer data)
{
  g_autoptr(SaveJob) job = data;
  g_autoptr(GTask) task = g_steal_pointer (&job->task);
  g_autoptr(GError) error = NULL;

  if (save_job_apply (job, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));

  return G_SOURCE_REMOVE;
}

static void
writer_run (gpointer data,
            gpointer unused)
{
  SaveJob *job = data;
  gboolean waited_for = job->task == NULL;

  job->committed = save_job_write (job, &job->error);

  /* An idle source rather than g_main_context_invoke(): that would run the callback right
   * here, on this thread, whenever the owner's context happens to be free. Sources of one
   * priority run in the order they were attached: results come back in order. */
  if (!waited_for)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, save_job_return_cb, job, NULL);
      g_source_set_static_name (source, "[playtest] history save result");
      g_source_attach (source, g_task_get_context (job->task));
    }

  /* From here on the job is the owner's, and may be gone. */
  g_mutex_lock (&writer_lock);
  writer_pending--;
  if (waited_for)
    job->done = TRUE;
  g_cond_broadcast (&writer_cond);
  g_mutex_unlock (&writer_lock);
}

/* The process ends (main() returned, exit() was called) while a save is still on its way:
 * the writer thread is still there until the atexit handlers are done, so the save can still
 * be committed. Bounded, so that a stuck disk cannot hold the exit forever; a child forked
 * after the writer started has no writer thread to wait for. */
static void
writer_wait_at_exit (void)
{
  gint64 deadline = g_get_monotonic_time () + EXIT_WAIT_S * G_TIME_SPAN_SECOND;

  if (getpid () != writer_pid)
    return;

  g_mutex_lock (&writer_lock);
  while (writer_pending > 0 && g_cond_wait_until (&writer_cond, &writer_lock, deadline))
    ;
  g_mutex_unlock (&writer_lock);
}

static void
writer_push (SaveJob *job)
{
  static gsize started = 0;

  if (g_once_init_enter (&started))
    {
      g_autoptr(GError) error = NULL;

      writer_pool = g_thread_pool_new (writer_run, NULL, 1, TRUE, &error);
      if (writer_pool == NULL)
        g_error ("Could not start the history's writer thread: %s", error->message);
      writer_pid = getpid ();
      atexit (writer_wait_at_exit);
      g_once_init_leave (&started, 1);
    }

  g_mutex_lock (&writer_lock);
  writer_pending++;
  g_mutex_unlock (&writer_lock);

  g_thread_pool_push (writer_pool, job, NULL);
}

static void
history_wait_for_writes (void)
{
  g_mutex_lock (&writer_lock);
  while (writer_pending > 0)
    g_cond_wait (&writer_cond, &writer_lock);
  g_mutex_unlock (&writer_lock);
}

/**
 * playtest_history_save_turn:
 * @self: a store
 * @conversation_id: the conversation the turn belongs to
 *   (from playtest_history_new_conversation())
 * @turn: the turn
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Commits @turn: inserts it the first time (and gives it its id), updates it in place
 * after that. Audio the turn holds in memory is written beside the database and the turn
 * learns the files' paths, then releases its audio from memory (a retry reads the recording
 * back from its file). When this returns %TRUE the turn survives a crash.
 *
 * If only an audio file could not be written, the turn's row is saved all the same (the
 * turn has its id) and this returns %FALSE with %PLAYTEST_HISTORY_ERROR_WRITE.
 *
 * This waits for the disk (milliseconds): for tests and the command line. A window saves
 * with playtest_history_save_turn_async(). Both kinds of save go in one queue, in order.
 *
 * Returns: %TRUE once committed, %FALSE with @error set
 */
gboolean
playtest_history_save_turn (PlaytestHistory *self,
                            const char      *conversation_id,
                            PlaytestTurn    *turn,
                            GError         **error)
{
  g_autoptr(SaveJob) job = NULL;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (conversation_id != NULL, FALSE);
  g_return_val_if_fail (PLAYTEST_IS_TURN (turn), FALSE);

  job = save_job_new (self, conversation_id, turn);
  writer_push (job);

  g_mutex_lock (&writer_lock);
  while (!job->done)
    g_cond_wait (&writer_cond, &writer_lock);
  g_mutex_unlock (&writer_lock);

  return save_job_apply (job, error);
}

/**
 * playtest_history_save_turn_async:
 * @self: a store
 * @conversation_id: the conversation the turn belongs to
 * @turn: the turn
 * @callback: (scope async): called once the turn is committed, or could not be
 * @user_data: data for @callback
 *
 * Like playtest_history_save_turn(), without waiting for the disk: what the turn holds now
 * is copied, and committed by another thread. The turn learns its id and its audio files'
 * paths, and lets its audio go from memory, on this thread, just before @callback runs.
 *
 * Saves are committed in the order they are asked for; a turn saved again before an earlier
 * save of it came back is updated in place all the same. A save cannot be cancelled: once
 * asked for, it is committed even if everything else is let go (the store stays alive
 * until then) and even if the process exits normally right after (it waits for the writes
 * on their way). A store opened later on the same folder, in this process, finds it.
 */
void
playtest_history_save_turn_async (PlaytestHistory     *self,
                                  const char          *conversation_id,
                                  PlaytestTurn        *turn,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  SaveJob *job;

  g_return_if_fail (PLAYTEST_IS_HISTORY (self));
  g_return_if_fail (conversation_id != NULL);
  g_return_if_fail (PLAYTEST_IS_TURN (turn));

  job = save_job_new (self, conversation_id, turn);
  job->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (job->task, playtest_history_save_turn_async);
  g_task_set_name (job->task, "[playtest] save turn");
  writer_push (job);
}

/**
 * playtest_history_save_turn_finish:
 * @self: a store
 * @result: the result given to the callback
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Returns: %TRUE once committed, %FALSE with @error set, as playtest_history_save_turn()
 */
gboolean
playtest_history_save_turn_finish (PlaytestHistory  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, playtest_history_save_turn_async),
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Loading turns ---------------------------------------------------------------------------- */

/* A turn stored while it was still under way was cut short by the app's end: it comes back
 * as failed, so that it can be sent again, rather than waiting forever. */
static void
record_settle (PlaytestTurnRecord *record)
{
  if (record->state != PLAYTEST_TURN_PENDING && record->state != PLAYTEST_TURN_STREAMING)
    return;

  record->state = PLAYTEST_TURN_FAILED;
  record->error_code = PLAYTEST_CLIENT_ERROR_CANCELLED;
  record->error_message = _("The app was closed before the reply arrived.");
}

static gpointer
turn_from_row (PlaytestHistory *self,
               sqlite3_stmt    *stmt)
{
  g_autofree char *user_audio = absolute_path (self, column_text (stmt, COL_USER_AUDIO_PATH));
  g_autofree char *reply_audio = absolute_path (self, column_text (stmt, COL_REPLY_AUDIO_PATH));
  g_auto(GStrv) actions = split_lines (column_text (stmt, COL_ACTIONS));
  g_auto(GStrv) warnings = split_lines (column_text (stmt, COL_WARNINGS));
  g_autoptr(GDateTime) sent_at = datetime_from_column (stmt, COL_SENT_AT);
  PlaytestTurnRecord record = {
    .id = sqlite3_column_int64 (stmt, COL_ID),
    .conversation_id = column_text (stmt, COL_CONVERSATION_ID),
    .character_id = column_text (stmt, COL_CHARACTER_ID),
    .session_id = column_text (stmt, COL_SESSION_ID),
    .sent_at = sent_at,
    .state = sqlite3_column_int (stmt, COL_STATE),
    .user_text = column_text (stmt, COL_USER_TEXT),
    .user_audio_path = user_audio,
    .user_audio_duration_ms = sqlite3_column_int (stmt, COL_USER_AUDIO_DURATION),
    .reply_text = column_text (stmt, COL_REPLY_TEXT),
    .user_query = column_text (stmt, COL_USER_QUERY),
    .emotion = column_text (stmt, COL_EMOTION),
    .action = column_text (stmt, COL_ACTION),
    .actions = (const char * const *) actions,
    .narrative_section_id = column_text (stmt, COL_SECTION_ID),
    .reply_audio_path = reply_audio,
    .reply_audio_duration_ms = sqlite3_column_int (stmt, COL_REPLY_AUDIO_DURATION),
    .reply_json = column_text (stmt, COL_REPLY_JSON),
    .warnings = (const char * const *) warnings,
    .request_description = column_text (stmt, COL_REQUEST_DESCRIPTION),
    .first_byte_ms = column_optional (stmt, COL_FIRST_BYTE_MS),
    .first_audio_ms = column_optional (stmt, COL_FIRST_AUDIO_MS),
    .total_ms = column_optional (stmt, COL_TOTAL_MS),
    .error_code = (int) column_optional (stmt, COL_ERROR_CODE),
    .error_status = sqlite3_column_int (stmt, COL_ERROR_STATUS),
    .error_message = column_text (stmt, COL_ERROR_MESSAGE),
    .retry_after = (int) column_optional (stmt, COL_RETRY_AFTER),
  };

  record_settle (&record);

  return playtest_turn_new_from_record (&record);
}

/**
 * playtest_history_load_turns:
 * @self: a store
 * @conversation_id: a conversation's id
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Loads a conversation's turns, oldest first. Their audio stays on disk: the turns know
 * the files' absolute paths.
 *
 * Returns: (transfer full) (element-type PlaytestTurn) (nullable): the turns, or %NULL with
 *   @error set (%PLAYTEST_HISTORY_ERROR_NOT_FOUND when the store has no such conversation)
 */
GPtrArray *
playtest_history_load_turns (PlaytestHistory *self,
                             const char      *conversation_id,
                             GError         **error)
{
  g_autoptr(PlaytestConversationInfo) info = NULL;
  g_autoptr(HistoryStatement) stmt = NULL;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);
  g_return_val_if_fail (conversation_id != NULL, NULL);

  info = playtest_history_get_conversation (self, conversation_id, error);
  if (info == NULL)
    return NULL;

  stmt = history_prepare (&self->reader, ACTION_READ, error, sql_load_turns,
                          's', conversation_id, 0);
  if (stmt == NULL)
    return NULL;

  return collect_rows (self, stmt, turn_from_row, g_object_unref, error);
}

/* Script runs ------------------------------------------------------------------------------ */

static gboolean
history_write_script_run (PlaytestHistory         *self,
                          const PlaytestScriptRun *run,
                          gint64                  *id,
                          GError                 **error)
{
  g_autoptr(HistoryStatement) stmt = NULL;

  stmt = history_prepare (&self->reader, ACTION_WRITE, error, sql_save_script_run,
                          's', run->script_name, 's', run->script_path,
                          'x', datetime_to_usec (run->started_at),
                          'o', datetime_to_usec (run->finished_at),
                          'i', (int) run->n_steps, 'i', (int) run->n_passed,
                          'i', (int) run->n_failed, 'i', (int) run->n_errors,
                          'i', (int) run->n_skipped, 's', run->results_json, 0);
  if (stmt == NULL || !history_step (&self->reader, stmt, ACTION_WRITE, error))
    return FALSE;

  *id = sqlite3_last_insert_rowid (self->reader.db);

  for (guint i = 0; run->conversation_ids != NULL && run->conversation_ids[i] != NULL; i++)
    {
      g_autoptr(HistoryStatement) link = NULL;

      link = history_prepare (&self->reader, ACTION_WRITE, error,
                              sql_save_script_run_conversation,
                              'x', *id, 'i', (int) i, 's', run->conversation_ids[i], 0);
      if (link == NULL || !history_step (&self->reader, link, ACTION_WRITE, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * playtest_history_save_script_run:
 * @self: a store
 * @run: the run; its @id is ignored
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Keeps the outcome of a script run beside the conversations it recorded, in one
 * transaction. It is written on the owner's thread: a run ends once, unlike a turn.
 *
 * Returns: the run's id in the store, or 0 with @error set
 */
gint64
playtest_history_save_script_run (PlaytestHistory         *self,
                                  const PlaytestScriptRun *run,
                                  GError                 **error)
{
  gint64 id = 0;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), 0);
  g_return_val_if_fail (run != NULL && run->script_name != NULL, 0);
  g_return_val_if_fail (run->started_at != NULL && run->results_json != NULL, 0);

  if (!history_exec (&self->reader, "BEGIN IMMEDIATE", ACTION_WRITE, error))
    return 0;

  if (!history_write_script_run (self, run, &id, error)
      || !history_exec (&self->reader, "COMMIT", ACTION_WRITE, error))
    {
      history_rollback (&self->reader);
      return 0;
    }

  return id;
}

static gpointer
script_run_from_row (PlaytestHistory *self,
                     sqlite3_stmt    *stmt)
{
  PlaytestScriptRun *run = g_new0 (PlaytestScriptRun, 1);

  run->id = sqlite3_column_int64 (stmt, 0);
  run->script_name = g_strdup (column_text (stmt, 1));
  run->script_path = g_strdup (column_text (stmt, 2));
  run->started_at = datetime_from_column (stmt, 3);
  run->finished_at = datetime_from_column (stmt, 4);
  run->n_steps = sqlite3_column_int (stmt, 5);
  run->n_passed = sqlite3_column_int (stmt, 6);
  run->n_failed = sqlite3_column_int (stmt, 7);
  run->n_errors = sqlite3_column_int (stmt, 8);
  run->n_skipped = sqlite3_column_int (stmt, 9);
  run->results_json = g_strdup (column_text (stmt, 10));
  run->conversation_ids = split_lines (column_text (stmt, 11));

  return run;
}

/**
 * playtest_history_list_script_runs:
 * @self: a store
 * @conversation_id: (nullable): only the runs that recorded this conversation, or %NULL
 *   for all
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Lists script runs, the newest first.
 *
 * Returns: (transfer full) (element-type PlaytestScriptRun) (nullable): the runs, or %NULL
 *   with @error set
 */
GPtrArray *
playtest_history_list_script_runs (PlaytestHistory *self,
                                   const char      *conversation_id,
                                   GError         **error)
{
  g_autoptr(HistoryStatement) stmt = NULL;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);

  stmt = history_prepare (&self->reader, ACTION_READ, error, sql_list_script_runs,
                          's', conversation_id, 0);
  if (stmt == NULL)
    return NULL;

  return collect_rows (self, stmt, script_run_from_row,
                       (GDestroyNotify) playtest_script_run_free, error);
}

/* Search ----------------------------------------------------------------------------------- */

static gboolean
has_word_characters (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

/* The user's words as an FTS5 query that cannot be a syntax error: each word becomes a quoted
 * string (quotes doubled), so operators, parentheses, `*`, `-` or `NEAR(` are just text; the
 * words must all match; the last one matches as a prefix, for search as you type. NULL when
 * no word is left. */
static char *
build_match_expression (const char *query)
{
  g_autofree char *valid = g_utf8_make_valid (query, -1);
  g_auto(GStrv) words = g_strsplit_set (valid, " \t\r\n", -1);
  g_autoptr(GString) expression = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *quoted = NULL;
      g_auto(GStrv) parts = NULL;

      if (!has_word_characters (words[i]))
        continue;

      parts = g_strsplit (words[i], "\"", -1);
      quoted = g_strjoinv ("\"\"", parts);
      g_string_append_printf (expression, "%s\"%s\"", expression->len > 0 ? " " : "", quoted);
    }

  if (expression->len == 0)
    return NULL;

  g_string_append_c (expression, '*');
  return g_string_free (g_steal_pointer (&expression), FALSE);
}

static gpointer
search_hit_from_row (PlaytestHistory *self,
                     sqlite3_stmt    *stmt)
{
  PlaytestSearchHit *hit = g_new0 (PlaytestSearchHit, 1);

  hit->conversation_id = g_strdup (column_text (stmt, 0));
  hit->turn_id = sqlite3_column_int64 (stmt, 1);
  hit->character_id = g_strdup (column_text (stmt, 2));
  hit->sent_at = datetime_from_column (stmt, 3);
  hit->snippet = g_strdup (column_text (stmt, 4));

  return hit;
}

/**
 * playtest_history_search:
 * @self: a store
 * @query: what the user typed
 * @limit: the most hits to return, or 0 for all
 * @error: return location for a #PLAYTEST_HISTORY_ERROR
 *
 * Finds the turns of every conversation whose words (what the user typed, the transcript of
 * what they said, the character's reply) contain all the words of @query, the last one as a
 * prefix. Case and accents do not matter. Any text is a valid query: punctuation is ignored,
 * and a query without words finds nothing.
 *
 * Returns: (transfer full) (element-type PlaytestSearchHit) (nullable): the hits, newest
 *   first, or %NULL with @error set
 */
GPtrArray *
playtest_history_search (PlaytestHistory *self,
                         const char      *query,
                         guint            limit,
                         GError         **error)
{
  g_autofree char *expression = NULL;
  g_autoptr(HistoryStatement) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *hits;

  g_return_val_if_fail (PLAYTEST_IS_HISTORY (self), NULL);

  expression = query != NULL ? build_match_expression (query) : NULL;
  if (expression == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_search_hit_free);

  stmt = history_prepare (&self->reader, ACTION_READ, error, sql_search,
                          's', expression, 'x', limit > 0 ? (gint64) limit : (gint64) -1, 0);
  if (stmt == NULL)
    return NULL;

  hits = collect_rows (self, stmt, search_hit_from_row,
                       (GDestroyNotify) playtest_search_hit_free, &local_error);

  /* The quoting above should make a query error impossible; if FTS5 still refuses one, the
   * user sees no hits rather than SQL. */
  if (hits == NULL && sqlite3_extended_errcode (self->reader.db) == SQLITE_ERROR)
    {
      g_debug ("Search for “%s” failed: %s", expression, local_error->message);
      return g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_search_hit_free);
    }

  if (hits == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return hits;
}
