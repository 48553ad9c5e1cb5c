/* playtest-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "playtest-audio-convert.h"
#include "playtest-composer.h"
#include "playtest-format.h"
#include "playtest-audio-device.h"
#include "playtest-playback.h"
#include "playtest-script-pane.h"
#include "playtest-conversation-view.h"
#include "playtest-export.h"
#include "playtest-search-window.h"
#include "playtest-state-panel.h"
#include "playtest-timeline.h"
#include "playtest-window.h"

#define PAST_SESSIONS_LIMIT 20

typedef enum
{
  BAR_NONE,
  BAR_DEMO,
  BAR_KEY_REJECTED,
} BarKind;

struct _PlaytestWindow
{
  AdwApplicationWindow      parent_instance;

  /* Template widgets */
  AdwToastOverlay          *toast_overlay;
  GtkDropDown              *character_dropdown;
  GtkWidget                *session_box;
  GtkLabel                 *session_label;
  GtkWidget                *new_session_button;
  GtkWidget                *search_button;
  GtkWidget                *side_panel_button;
  GtkStack                 *title_stack;
  GtkLabel                 *presentation_emotion;
  GtkLabel                 *presentation_section;
  GtkMenuButton            *menu_button;
  GMenu                    *past_sessions_menu;
  GtkRevealer              *bar_revealer;
  GtkLabel                 *bar_label;
  GtkButton                *bar_button;
  AdwFlap                  *flap;
  PlaytestConversationView *conversation_view;
  PlaytestStatePanel       *state_panel;
  GtkStack                 *side_stack;
  PlaytestScriptPane       *script_pane;
  PlaytestTimeline         *timeline;
  PlaytestComposer         *composer;

  PlaytestApplication      *app;
  GSettings                *settings;
  PlaytestCharacterList    *characters;
  PlaytestConversation     *conversation;
  GHashTable               *sections_cache;  /* character id → (section id → name) */
  GHashTable               *section_names;   /* of the current character, borrowed */
  GCancellable             *cancellable;
  GtkWidget                *search_window;   /* weak */
  PlaytestPlayback         *playback;
  gboolean                  audio_error_shown;
  gboolean                  mic_error_shown;

  BarKind                   bar_kind;
  gboolean                  key_rejected;
  gboolean                  syncing_characters;
  gboolean                  characters_loaded;
  gboolean                  switch_character;   /* demo mode flipped: old characters are gone */
  gboolean                  demo_mode;
  gboolean                  presentation;
  gboolean                  panel_before_presentation;
  gboolean                  was_fullscreen;
};

G_DEFINE_FINAL_TYPE (PlaytestWindow, playtest_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONVERSATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void set_conversation (PlaytestWindow       *self,
                              PlaytestConversation *conversation);
static void update_export_action (PlaytestWindow *self);

/* Toasts and notices ----------------------------------------------------------------------- */

/* libadwaita 1.2 reads a toast's title as markup: a server's "<html>" or "&" in an error
 * message would show nothing at all. */
static AdwToast *
toast_new (const char *text,
           guint       timeout)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast = adw_toast_new (markup);

  adw_toast_set_timeout (toast, timeout);
  return toast;
}

static void
add_toast (PlaytestWindow *self,
           const char     *text,
           guint           timeout)
{
  adw_toast_overlay_add_toast (self->toast_overlay, toast_new (text, timeout));
}

/* A toast that is only worth reading now (wait 3 s) goes before any lasting notice shown
 * already: a normal one would wait in the queue behind a toast that stays until dismissed. */
static void
add_urgent_toast (PlaytestWindow *self,
                  const char     *text,
                  guint           timeout)
{
  AdwToast *toast = toast_new (text, timeout);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Problems of the app as a whole (no history, an unreadable keyring) are said once per run,
 * in the first window, and stay until dismissed: they go on mattering. */
static void
add_notice_once (PlaytestWindow *self,
                 const char     *key,
                 const char     *message)
{
  if (g_object_get_data (G_OBJECT (self->app), key) != NULL)
    return;

  g_object_set_data (G_OBJECT (self->app), key, GINT_TO_POINTER (TRUE));
  add_toast (self, message, 0);
}

/* A missing keyring is not among these: with no key there is nothing to lose, and most runs
 * without one (CI, demo mode) would be nagged for nothing. It matters where a key is typed,
 * so the preferences say it there, and again when a key is kept only until quitting. */
static void
show_app_notices (PlaytestWindow *self)
{
  const GError *history_error = playtest_application_get_history_error (self->app);
  const GError *key_error = playtest_application_get_key_error (self->app);

  if (history_error != NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("History is off, turns are not saved: %s"), history_error->message);

      add_notice_once (self, "playtest-history-notice", message);
    }

  /* Its message already says it was the keyring that failed. */
  if (key_error != NULL)
    add_notice_once (self, "playtest-key-notice", key_error->message);
}

/* Small helpers ---------------------------------------------------------------------------- */

static PlaytestClient *
get_client (PlaytestWindow *self)
{
  return playtest_application_get_client (self->app);
}

static PlaytestHistory *
get_history (PlaytestWindow *self)
{
  return playtest_application_get_history (self->app);
}

static const char *
current_character_id (PlaytestWindow *self)
{
  return self->conversation ? playtest_conversation_get_character_id (self->conversation) : NULL;
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         || g_error_matches (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_CANCELLED);
}

/* Bar and header --------------------------------------------------------------------------- */

/* The bar under the header: a rejected key matters more than demo mode. */

static void
update_bar (PlaytestWindow *self)
{
  BarKind kind = BAR_NONE;

  if (self->key_rejected)
    kind = BAR_KEY_REJECTED;
  else if (self->demo_mode)
    kind = BAR_DEMO;

  self->bar_kind = kind;
  switch (kind)
    {
    case BAR_KEY_REJECTED:
      gtk_label_set_label (self->bar_label, _("Convai rejected the API key."));
      gtk_button_set_label (self->bar_button, _("Change Key…"));
      break;
    case BAR_DEMO:
      gtk_label_set_label (self->bar_label,
                           _("You are talking to demo characters. Add a Convai API key to "
                             "talk to your own."));
      gtk_button_set_label (self->bar_button, _("Add Key…"));
      break;
    case BAR_NONE:
    default:
      break;
    }
  gtk_revealer_set_reveal_child (self->bar_revealer, kind != BAR_NONE);
}

static void
bar_button_clicked_cb (PlaytestWindow *self,
                       GtkButton      *button)
{
  playtest_application_show_preferences (self->app, TRUE);
}

/* Header: session id and, in presentation mode, emotion and section. */

static void
update_session_label (PlaytestWindow *self)
{
  const char *id = self->conversation ? playtest_conversation_get_session_id (self->conversation)
                                      : NULL;
  gboolean has_id = id != NULL && *id != '\0';
  GAction *copy = g_action_map_lookup_action (G_ACTION_MAP (self), "copy-session-id");

  gtk_label_set_label (self->session_label, has_id ? id : _("New session"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->session_label),
                               has_id ? id : _("The next line starts a new session"));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (copy), has_id);
}

static const char *
section_display_name (PlaytestWindow *self,
                      const char     *section_id)
{
  if (section_id == NULL || *section_id == '\0')
    return NULL;

  return playtest_format_section_name (self->section_names, section_id);
}

/* The latest turn that came back is what the character feels and where it is now. */
static PlaytestTurn *
dup_latest_complete_turn (PlaytestWindow *self)
{
  guint n = self->conversation ? g_list_model_get_n_items (G_LIST_MODEL (self->conversation))
                               : 0;

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(PlaytestTurn) turn = g_list_model_get_item (G_LIST_MODEL (self->conversation),
                                                            i - 1);

      if (playtest_turn_get_state (turn) == PLAYTEST_TURN_COMPLETE)
        return g_steal_pointer (&turn);
    }

  return NULL;
}

static void
update_presentation_labels (PlaytestWindow *self)
{
  g_autoptr(PlaytestTurn) turn = dup_latest_complete_turn (self);
  const char *emotion = turn ? playtest_turn_get_emotion (turn) : NULL;
  const char *section = turn ? section_display_name (self,
                                                     playtest_turn_get_narrative_section_id (turn))
                             : NULL;

  gtk_label_set_label (self->presentation_emotion,
                       emotion != NULL && *emotion != '\0' ? emotion : "—");
  gtk_label_set_label (self->presentation_section, section != NULL ? section : "");
  gtk_widget_set_visible (GTK_WIDGET (self->presentation_section), section != NULL);
}

/* Turns ------------------------------------------------------------------------------------ */

/* Turns: a finished turn updates the header; a failed one may need the user's attention
 * beyond its own row (a rejected key, a busy service). */

static void
report_turn_error (PlaytestWindow *self,
                   const GError   *error)
{
  g_autofree char *message = NULL;
  int seconds;

  if (error == NULL || error->domain != PLAYTEST_CLIENT_ERROR)
    return;

  switch ((PlaytestClientError) error->code)
    {
    case PLAYTEST_CLIENT_ERROR_BAD_KEY:
      self->key_rejected = TRUE;
      update_bar (self);
      break;

    case PLAYTEST_CLIENT_ERROR_RATE_LIMITED:
      seconds = playtest_client_error_get_retry_after (error);
      if (seconds > 0)
        /* Translators: %d is a number of seconds */
        message = g_strdup_printf (ngettext ("The service is busy. Try again in %d s.",
                                             "The service is busy. Try again in %d s.",
                                             seconds), seconds);
      else
        message = g_strdup (_("The service is busy. Try again in a moment."));
      add_urgent_toast (self, message, CLAMP (seconds, 5, 30));
      break;

    case PLAYTEST_CLIENT_ERROR_BAD_REQUEST:
    case PLAYTEST_CLIENT_ERROR_FORBIDDEN:
    case PLAYTEST_CLIENT_ERROR_NOT_FOUND:
    case PLAYTEST_CLIENT_ERROR_SERVER:
    case PLAYTEST_CLIENT_ERROR_BAD_REPLY:
    case PLAYTEST_CLIENT_ERROR_TOO_LARGE:
    case PLAYTEST_CLIENT_ERROR_TIMEOUT:
    case PLAYTEST_CLIENT_ERROR_NETWORK:
    case PLAYTEST_CLIENT_ERROR_CANCELLED:
    case PLAYTEST_CLIENT_ERROR_INVALID_INPUT:
    default:
      /* The failed row says it in words, with Retry. */
      break;
    }
}

static void
turn_state_changed_cb (PlaytestWindow *self,
                       GParamSpec     *pspec,
                       PlaytestTurn   *turn)
{
  switch (playtest_turn_get_state (turn))
    {
    case PLAYTEST_TURN_COMPLETE:
      update_session_label (self);
      update_presentation_labels (self);
      break;
    case PLAYTEST_TURN_FAILED:
      update_session_label (self);
      report_turn_error (self, playtest_turn_get_error (turn));
      break;
    case PLAYTEST_TURN_PENDING:
    case PLAYTEST_TURN_STREAMING:
    default:
      break;
    }
}

/* Only turns that may still change are watched: a restored session of thousands of complete
 * turns costs no handlers. A failed turn may be retried. */
static void
conversation_items_changed_cb (PlaytestWindow *self,
                               guint           position,
                               guint           removed,
                               guint           added,
                               GListModel     *model)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(PlaytestTurn) turn = g_list_model_get_item (model, i);

      if (playtest_turn_get_state (turn) != PLAYTEST_TURN_COMPLETE)
        g_signal_connect_object (turn, "notify::state", G_CALLBACK (turn_state_changed_cb),
                                 self, G_CONNECT_SWAPPED);
    }

  update_session_label (self);
  update_presentation_labels (self);
  update_export_action (self);
}

static void
session_id_changed_cb (PlaytestWindow       *self,
                       GParamSpec           *pspec,
                       PlaytestConversation *conversation)
{
  update_session_label (self);
}

/* Section names ---------------------------------------------------------------------------- */

/* Fetched once per character: the views show ids until the names come. */

static void
apply_section_names (PlaytestWindow *self,
                     GHashTable     *names)
{
  self->section_names = names;
  playtest_conversation_view_set_section_names (self->conversation_view, names);
  playtest_state_panel_set_section_names (self->state_panel, names);
  playtest_timeline_set_section_names (self->timeline, names);
  update_presentation_labels (self);
}

typedef struct
{
  PlaytestWindow *self;
  char           *character_id;
} SectionsRequest;

static void
sections_request_free (SectionsRequest *request)
{
  g_object_unref (request->self);
  g_free (request->character_id);
  g_free (request);
}

static GHashTable *
section_names_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
list_sections_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SectionsRequest *request = user_data;
  PlaytestWindow *self = request->self;
  g_autoptr(GPtrArray) sections = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *names;

  sections = playtest_client_list_sections_finish (PLAYTEST_CLIENT (object), result, &error);
  if (sections == NULL)
    {
      /* Not worth a message: a character without a narrative design has no sections, and
       * the views show section ids when names are missing. Not cached, so tried again. */
      if (!is_cancelled (error))
        g_debug ("No section names for %s: %s", request->character_id, error->message);
      sections_request_free (request);
      return;
    }

  names = section_names_new ();
  for (guint i = 0; i < sections->len; i++)
    {
      PlaytestNarrativeSection *section = g_ptr_array_index (sections, i);

      if (section->section_id != NULL && section->section_name != NULL)
        g_hash_table_replace (names, g_strdup (section->section_id),
                              g_strdup (section->section_name));
    }
  g_hash_table_replace (self->sections_cache, g_strdup (request->character_id), names);

  if (g_strcmp0 (request->character_id, current_character_id (self)) == 0)
    apply_section_names (self, names);

  sections_request_free (request);
}

static void
load_section_names (PlaytestWindow *self,
                    const char     *character_id)
{
  GHashTable *names = g_hash_table_lookup (self->sections_cache, character_id);
  SectionsRequest *request;

  if (names != NULL)
    {
      apply_section_names (self, names);
      return;
    }

  /* An empty table until the names arrive: views fall back to the ids. */
  names = g_hash_table_lookup (self->sections_cache, "");
  apply_section_names (self, names);

  request = g_new0 (SectionsRequest, 1);
  request->self = g_object_ref (self);
  request->character_id = g_strdup (character_id);
  playtest_client_list_sections_async (get_client (self), character_id, self->cancellable,
                                       list_sections_cb, request);
}

/* Characters ------------------------------------------------------------------------------- */

static void
sync_character_selection (PlaytestWindow *self)
{
  guint position = playtest_character_list_find (self->characters, current_character_id (self));

  self->syncing_characters = TRUE;
  gtk_drop_down_set_selected (self->character_dropdown, position);
  self->syncing_characters = FALSE;
}

static void
start_new_conversation (PlaytestWindow *self,
                        const char     *character_id)
{
  g_autoptr(PlaytestConversation) conversation = NULL;

  conversation = playtest_conversation_new (get_client (self), get_history (self), character_id);
  set_conversation (self, conversation);
}

static void
character_selected_cb (PlaytestWindow *self,
                       GParamSpec     *pspec,
                       GtkDropDown    *dropdown)
{
  PlaytestCharacterItem *item = gtk_drop_down_get_selected_item (dropdown);
  const char *id;

  if (self->syncing_characters || item == NULL)
    return;

  id = playtest_character_item_get_id (item);
  if (g_strcmp0 (id, current_character_id (self)) != 0)
    start_new_conversation (self, id);
}

/* The list replaces its items at once; the selector would follow to some other character.
 * Before it reacts the window ignores the selection, after it the window puts it back. */
static void
characters_changing_cb (PlaytestWindow *self,
                        guint           position,
                        guint           removed,
                        guint           added,
                        GListModel     *model)
{
  self->syncing_characters = TRUE;
}

static void
characters_changed_cb (PlaytestWindow *self,
                       guint           position,
                       guint           removed,
                       guint           added,
                       GListModel     *model)
{
  self->syncing_characters = FALSE;
  sync_character_selection (self);
}

static gboolean
reopen_last_conversation (PlaytestWindow *self,
                          gboolean        list_known)
{
  PlaytestHistory *history = get_history (self);
  g_autoptr(PlaytestConversationInfo) info = NULL;
  g_autoptr(PlaytestConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;

  if (history == NULL)
    return FALSE;

  info = playtest_history_get_last_conversation (history, &error);
  if (info == NULL)
    {
      if (error != NULL && !g_error_matches (error, PLAYTEST_HISTORY_ERROR,
                                             PLAYTEST_HISTORY_ERROR_NOT_FOUND))
        add_toast (self, error->message, 0);
      return FALSE;
    }

  /* A character that is gone (demo characters once a key is set) is not reopened. */
  if (list_known && playtest_character_list_find (self->characters, info->character_id)
                    == G_MAXUINT)
    return FALSE;

  conversation = playtest_conversation_new_from_history (get_client (self), history,
                                                         info->conversation_id, &error);
  if (conversation == NULL)
    {
      add_toast (self, error->message, 0);
      return FALSE;
    }

  set_conversation (self, conversation);
  /* A script opened with --script stays in the pane rather than the session's last run. */
  if (playtest_script_pane_get_script (self->script_pane) == NULL)
    playtest_script_pane_show_runs_of (self->script_pane, info->conversation_id);
  return TRUE;
}

static const char *
first_listed_character (PlaytestWindow *self,
                        const char     *preferred)
{
  g_autoptr(PlaytestCharacterItem) first = NULL;

  if (preferred != NULL && *preferred != '\0'
      && playtest_character_list_find (self->characters, preferred) != G_MAXUINT)
    return preferred;

  first = g_list_model_get_item (G_LIST_MODEL (self->characters), 0);
  if (first == NULL)
    return NULL;

  /* The list holds its items: the id stays valid after the unref. */
  return playtest_character_item_get_id (first);
}

/* At start: the character asked for on the command line, else the last session, else the
 * last character, else the first one. */
static void
choose_conversation (PlaytestWindow *self,
                     gboolean        list_known)
{
  const char *requested = playtest_application_get_character_id (self->app);
  g_autofree char *last_id = g_settings_get_string (self->settings, "last-character-id");
  const char *id;

  if (requested != NULL && self->conversation == NULL)
    {
      start_new_conversation (self, requested);
      return;
    }

  if (self->conversation == NULL && reopen_last_conversation (self, list_known))
    return;

  id = first_listed_character (self, last_id);
  if (id != NULL)
    start_new_conversation (self, id);
  else if (self->conversation == NULL)
    add_toast (self, _("No characters yet: add one by ID from the main menu"), 0);
}

/* A rejected key has its bar, which says it better and leads to the key. */
static void
report_characters_error (PlaytestWindow *self,
                         const GError   *error)
{
  g_autofree char *message = NULL;

  if (!g_error_matches (error, PLAYTEST_CLIENT_ERROR, PLAYTEST_CLIENT_ERROR_BAD_KEY))
    {
      message = g_strdup_printf (_("Could not list the characters: %s"), error->message);
      add_toast (self, message, 0);
    }
  report_turn_error (self, error);
}

/* In or out of demo mode, the session belongs to the other server: a new conversation, with
 * the same character if the new list has it, else the first listed (else the same). */
static void
restart_conversation (PlaytestWindow *self)
{
  const char *current = current_character_id (self);
  const char *listed = first_listed_character (self, current);
  g_autofree char *id = g_strdup (listed != NULL ? listed : current);

  start_new_conversation (self, id);
}

static void
refresh_characters_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(PlaytestWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = playtest_character_list_refresh_finish (PLAYTEST_CHARACTER_LIST (object), result, &error);
  if (!ok && is_cancelled (error))
    return;
  if (!ok)
    report_characters_error (self, error);

  self->characters_loaded = TRUE;

  if (self->conversation == NULL)
    choose_conversation (self, ok);
  else if (self->switch_character)
    restart_conversation (self);
  self->switch_character = FALSE;
}

static void
refresh_characters (PlaytestWindow *self)
{
  playtest_character_list_set_demo (self->characters,
                                    playtest_application_get_demo_mode (self->app));
  playtest_character_list_refresh_async (self->characters, get_client (self), self->cancellable,
                                         refresh_characters_cb, g_object_ref (self));
}

static void
client_changed_cb (PlaytestWindow      *self,
                   PlaytestApplication *app)
{
  gboolean demo_mode = playtest_application_get_demo_mode (app);

  if (demo_mode != self->demo_mode)
    self->switch_character = TRUE;
  self->demo_mode = demo_mode;
  self->key_rejected = FALSE;
  update_bar (self);

  /* Sections came from the other server: ask again. */
  g_hash_table_remove_all (self->sections_cache);
  g_hash_table_replace (self->sections_cache, g_strdup (""), section_names_new ());
  if (self->conversation != NULL)
    load_section_names (self, current_character_id (self));

  refresh_characters (self);
}

/* Conversations ---------------------------------------------------------------------------- */

static gboolean
script_owns_conversation (PlaytestWindow *self)
{
  return playtest_script_pane_get_running (self->script_pane)
         && playtest_script_pane_get_conversation (self->script_pane) == self->conversation;
}

static void
apply_reply_settings (PlaytestWindow *self)
{
  /* A script run talks as its script says, whatever the preferences. */
  if (self->conversation == NULL || script_owns_conversation (self))
    return;

  playtest_conversation_set_voice_response (self->conversation,
                                            g_settings_get_boolean (self->settings,
                                                                    "voice-response"));
  playtest_conversation_set_stream (self->conversation,
                                    g_settings_get_boolean (self->settings, "stream"));
}

static void
reply_settings_changed_cb (PlaytestWindow *self,
                           const char     *key,
                           GSettings      *settings)
{
  apply_reply_settings (self);
}

static void
update_character_name (PlaytestWindow *self)
{
  const char *id = current_character_id (self);
  PlaytestCharacterItem *item = playtest_character_list_lookup (self->characters, id);

  playtest_conversation_view_set_character_name (self->conversation_view,
                                                 item ? playtest_character_item_get_name (item)
                                                      : id);
}

static void
set_conversation (PlaytestWindow       *self,
                  PlaytestConversation *conversation)
{
  guint n;

  if (self->conversation == conversation)
    return;

  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_set_object (&self->conversation, conversation);
  apply_reply_settings (self);

  playtest_conversation_view_set_conversation (self->conversation_view, conversation);
  playtest_state_panel_set_conversation (self->state_panel, conversation);
  playtest_timeline_set_conversation (self->timeline, conversation);
  if (self->playback != NULL)
    playtest_playback_set_conversation (self->playback, conversation);

  if (conversation != NULL)
    {
      g_signal_connect_object (conversation, "items-changed",
                               G_CALLBACK (conversation_items_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (conversation, "notify::session-id",
                               G_CALLBACK (session_id_changed_cb), self, G_CONNECT_SWAPPED);
      n = g_list_model_get_n_items (G_LIST_MODEL (conversation));
      conversation_items_changed_cb (self, 0, 0, n, G_LIST_MODEL (conversation));

      g_settings_set_string (self->settings, "last-character-id",
                             playtest_conversation_get_character_id (conversation));
      update_character_name (self);
      load_section_names (self, playtest_conversation_get_character_id (conversation));
      playtest_script_pane_set_default_character_id (self->script_pane,
                                                     current_character_id (self));
    }

  sync_character_selection (self);
  update_session_label (self);
  update_presentation_labels (self);
  update_export_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION]);
}

static PlaytestTurn *
find_turn (PlaytestConversation *conversation,
           gint64                turn_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (conversation));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PlaytestTurn) turn = g_list_model_get_item (G_LIST_MODEL (conversation), i);

      if (playtest_turn_get_id (turn) == turn_id)
        return turn;  /* the conversation holds it */
    }

  return NULL;
}

/**
 * playtest_window_open_conversation:
 * @self: a #PlaytestWindow
 * @conversation_id: a conversation of the history store
 * @turn_id: a turn to show, or -1
 *
 * Shows a past conversation (to read it or continue it with its session id) and scrolls
 * to @turn_id in it.
 */
void
playtest_window_open_conversation (PlaytestWindow *self,
                                   const char     *conversation_id,
                                   gint64          turn_id)
{
  PlaytestHistory *history = get_history (self);
  PlaytestTurn *turn;

  g_return_if_fail (PLAYTEST_IS_WINDOW (self));
  g_return_if_fail (conversation_id != NULL);

  if (history == NULL)
    return;

  /* A search hit would take the chat away from the run's conversation. */
  if (playtest_script_pane_get_running (self->script_pane)
      && g_strcmp0 (playtest_conversation_get_id (self->conversation), conversation_id) != 0)
    {
      add_toast (self, _("A script is running: stop it to open another session"), 5);
      return;
    }

  if (self->conversation == NULL
      || g_strcmp0 (playtest_conversation_get_id (self->conversation), conversation_id) != 0)
    {
      g_autoptr(PlaytestConversation) conversation = NULL;
      g_autoptr(GError) error = NULL;

      conversation = playtest_conversation_new_from_history (get_client (self), history,
                                                             conversation_id, &error);
      if (conversation == NULL)
        {
          add_toast (self, error->message, 0);
          return;
        }
      set_conversation (self, conversation);
      playtest_script_pane_show_runs_of (self->script_pane, conversation_id);
    }

  turn = turn_id >= 0 ? find_turn (self->conversation, turn_id) : NULL;
  if (turn != NULL)
    {
      playtest_conversation_view_scroll_to_turn (self->conversation_view, turn);
      playtest_state_panel_set_selected_turn (self->state_panel, turn);
    }
}

/* Signals of the child widgets ------------------------------------------------------------- */

static void
composer_send_cb (PlaytestWindow   *self,
                  const char       *text,
                  PlaytestComposer *composer)
{
  if (self->conversation == NULL)
    {
      playtest_composer_set_text (composer, text);
      add_toast (self, _("Choose a character first"), 5);
      return;
    }

  playtest_conversation_send_text (self->conversation, text);
}

static void
composer_cancel_cb (PlaytestWindow   *self,
                    PlaytestComposer *composer)
{
  if (self->conversation != NULL && playtest_conversation_get_busy (self->conversation))
    playtest_conversation_cancel (self->conversation);
  else if (self->presentation)
    playtest_window_set_presentation (self, FALSE);
}

static void
composer_send_audio_cb (PlaytestWindow   *self,
                        GBytes           *wav,
                        PlaytestComposer *composer)
{
  if (self->conversation == NULL)
    {
      add_toast (self, _("Choose a character first"), 5);
      return;
    }

  playtest_conversation_send_audio (self->conversation, wav);
}

static void
composer_error_cb (PlaytestWindow   *self,
                   GError           *error,
                   PlaytestComposer *composer)
{
  /* Like the missing speakers: each Record on a machine without a microphone fails the same
   * way, and saying so once is enough. A recording too short is worth saying every time. */
  if (g_error_matches (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_INPUT))
    {
      if (self->mic_error_shown)
        return;
      self->mic_error_shown = TRUE;
    }
  add_toast (self, error->message, 5);
}

static void
turn_selected_cb (PlaytestWindow           *self,
                  PlaytestTurn             *turn,
                  PlaytestConversationView *view)
{
  playtest_state_panel_set_selected_turn (self->state_panel, turn);
}

static void
retry_cb (PlaytestWindow           *self,
          PlaytestTurn             *turn,
          PlaytestConversationView *view)
{
  if (self->conversation != NULL)
    playtest_conversation_retry (self->conversation, turn);
}

static void
timeline_turn_activated_cb (PlaytestWindow   *self,
                            PlaytestTurn     *turn,
                            PlaytestTimeline *timeline)
{
  playtest_conversation_view_scroll_to_turn (self->conversation_view, turn);
  playtest_state_panel_set_selected_turn (self->state_panel, turn);
}

/* Side panel and presentation mode --------------------------------------------------------- */

static void
reveal_flap_changed_cb (PlaytestWindow *self,
                        GParamSpec     *pspec,
                        AdwFlap        *flap)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "toggle-side-panel");

  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_boolean (adw_flap_get_reveal_flap (flap)));
}

static void
toggle_side_panel_change_state_cb (GSimpleAction *action,
                                   GVariant      *state,
                                   gpointer       user_data)
{
  PlaytestWindow *self = user_data;
  gboolean show = g_variant_get_boolean (state);

  /* In presentation mode the panel stays out of the way; F9 still peeks at it, unsaved. */
  adw_flap_set_reveal_flap (self->flap, show);
  if (!self->presentation)
    g_settings_set_boolean (self->settings, "show-side-panel", show);
}

static void
presentation_change_state_cb (GSimpleAction *action,
                              GVariant      *state,
                              gpointer       user_data)
{
  playtest_window_set_presentation (PLAYTEST_WINDOW (user_data), g_variant_get_boolean (state));
}

static void
fullscreened_cb (PlaytestWindow *self,
                 GParamSpec     *pspec,
                 GtkWindow      *window)
{
  gboolean fullscreen = gtk_window_is_fullscreen (window);

  /* Leaving fullscreen by other means (the window manager) leaves presentation mode. */
  if (self->presentation && self->was_fullscreen && !fullscreen)
    playtest_window_set_presentation (self, FALSE);
  self->was_fullscreen = fullscreen;
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (widget);

  if (playtest_script_pane_get_running (self->script_pane))
    {
      playtest_script_pane_stop (self->script_pane);
      return TRUE;
    }

  if (!self->presentation)
    return FALSE;

  playtest_window_set_presentation (self, FALSE);
  return TRUE;
}

/* Window actions --------------------------------------------------------------------------- */

static void
new_session_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PlaytestWindow *self = user_data;
  g_autofree char *id = g_strdup (current_character_id (self));

  if (id == NULL)
    return;

  /* A new conversation has no session id yet, so its first turn sends sessionID=-1. */
  start_new_conversation (self, id);
  playtest_composer_grab_focus (self->composer);
}

static void
search_hit_activated_cb (PlaytestWindow *self,
                         const char     *conversation_id,
                         gint64          turn_id,
                         GtkWidget      *search_window)
{
  playtest_window_open_conversation (self, conversation_id, turn_id);
  gtk_window_present (GTK_WINDOW (self));
}

static void
search_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  PlaytestWindow *self = user_data;
  PlaytestHistory *history = get_history (self);

  if (history == NULL)
    {
      add_toast (self, _("Search needs the history, which could not be opened"), 5);
      return;
    }

  if (self->search_window == NULL)
    {
      self->search_window = playtest_search_window_new (GTK_WINDOW (self), history);
      playtest_search_window_set_characters (PLAYTEST_SEARCH_WINDOW (self->search_window),
                                             self->characters);
      g_object_add_weak_pointer (G_OBJECT (self->search_window),
                                 (gpointer *) &self->search_window);
      g_signal_connect_object (self->search_window, "hit-activated",
                               G_CALLBACK (search_hit_activated_cb), self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->search_window));
}

static void
copy_session_id_action_cb (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  PlaytestWindow *self = user_data;
  const char *id = self->conversation ? playtest_conversation_get_session_id (self->conversation)
                                      : NULL;

  if (id == NULL || *id == '\0')
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), id);
  add_toast (self, _("Session ID copied"), 2);
}

static void
focus_composer_action_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  playtest_composer_grab_focus (PLAYTEST_WINDOW (user_data)->composer);
}

static void
cancel_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  PlaytestWindow *self = user_data;

  if (self->conversation != NULL)
    playtest_conversation_cancel (self->conversation);
}

static void
open_session_action_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  playtest_window_open_conversation (PLAYTEST_WINDOW (user_data),
                                     g_variant_get_string (parameter, NULL), -1);
}

/* Add Character by ID… --------------------------------------------------------------------- */

static void
add_character_response_cb (PlaytestWindow   *self,
                           const char       *response,
                           AdwMessageDialog *dialog)
{
  GtkEditable *id_entry = g_object_get_data (G_OBJECT (dialog), "id-entry");
  GtkEditable *name_entry = g_object_get_data (G_OBJECT (dialog), "name-entry");
  g_autofree char *id = NULL;

  if (g_strcmp0 (response, "add") != 0)
    return;

  id = g_strstrip (g_strdup (gtk_editable_get_text (id_entry)));
  playtest_character_list_add_custom (self->characters, id, gtk_editable_get_text (name_entry));
  if (g_strcmp0 (id, current_character_id (self)) != 0)
    start_new_conversation (self, id);
  else
    update_character_name (self);
}

static void
add_character_id_changed_cb (AdwMessageDialog *dialog,
                             GtkEditable      *entry)
{
  g_autofree char *id = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "add", *id != '\0');
}

static GtkWidget *
labelled_entry (const char *label)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), label);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return entry;
}

static void
add_character_action_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  PlaytestWindow *self = user_data;
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *id_entry = labelled_entry (_("Character ID"));
  GtkWidget *name_entry = labelled_entry (_("Name"));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Add Character by ID"),
                                   _("Paste the character ID from the Convai dashboard and "
                                     "give it a name of your choosing."));
  gtk_box_append (GTK_BOX (box), id_entry);
  gtk_box_append (GTK_BOX (box), name_entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_object_set_data (G_OBJECT (dialog), "id-entry", id_entry);
  g_object_set_data (G_OBJECT (dialog), "name-entry", name_entry);
  g_signal_connect_swapped (id_entry, "changed", G_CALLBACK (add_character_id_changed_cb),
                            dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (add_character_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (id_entry);
}

/* Send Audio File…: any file GStreamer can decode, converted to the WAV the service wants. */

/* What a conversion (or an export) needs to report back: the file's name is in any message. */
typedef struct
{
  PlaytestWindow *window;
  GFile          *file;
} FileJob;

static FileJob *
file_job_new (PlaytestWindow *window,
              GFile          *file)
{
  FileJob *job = g_new0 (FileJob, 1);

  job->window = g_object_ref (window);
  job->file = g_object_ref (file);
  return job;
}

static void
file_job_free (FileJob *job)
{
  g_object_unref (job->window);
  g_object_unref (job->file);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileJob, file_job_free)

static void
audio_file_converted_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(FileJob) send = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) wav = playtest_audio_convert_file_finish (result, &error);
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (wav != NULL)
    {
      composer_send_audio_cb (send->window, wav, send->window->composer);
      return;
    }

  name = g_file_get_basename (send->file);
  /* TRANSLATORS: the first %s is a file name, the second the reason */
  message = g_strdup_printf (_("Could not send “%s”: %s"), name, error->message);
  add_toast (send->window, message, 0);
}

static void
audio_file_chosen_cb (GtkNativeDialog *dialog,
                      int              response,
                      PlaytestWindow  *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    playtest_audio_convert_file_async (file, NULL, audio_file_converted_cb,
                                       file_job_new (self, file));

  g_object_unref (dialog);
}

static void
send_audio_file_action_cb (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  if (self->conversation == NULL)
    {
      add_toast (self, _("Choose a character first"), 5);
      return;
    }

  dialog = gtk_file_chooser_native_new (_("Send Audio File"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Send"), NULL);
  gtk_file_filter_set_name (filter, _("Audio files"));
  gtk_file_filter_add_mime_type (filter, "audio/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (audio_file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Export Session…: the session shown, from the history, as Markdown or JSON (with audio). */

static const char *
export_format_extension (PlaytestExportFormat format)
{
  return format == PLAYTEST_EXPORT_JSON ? ".json" : ".md";
}

/* Enabled once the session has a turn: before that there is nothing in the history. */
static void
update_export_action (PlaytestWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "export-session");
  gboolean has_turns = self->conversation != NULL &&
                       g_list_model_get_n_items (G_LIST_MODEL (self->conversation)) > 0;

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               has_turns && self->app != NULL && get_history (self) != NULL);
}

static const char *
current_character_name (PlaytestWindow *self)
{
  const char *id = current_character_id (self);
  PlaytestCharacterItem *item = id != NULL ? playtest_character_list_lookup (self->characters,
                                                                             id)
                                           : NULL;

  return item != NULL ? playtest_character_item_get_name (item) : id;
}

/* "Mira the Innkeeper-2026-11-29.md": who and when, as a file manager sorts them. */
static char *
export_suggested_name (PlaytestWindow       *self,
                       PlaytestExportFormat  format)
{
  g_autoptr(PlaytestTurn) first = g_list_model_get_item (G_LIST_MODEL (self->conversation), 0);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *date = NULL;
  g_autofree char *who = g_strdup (current_character_name (self));

  local = g_date_time_to_local (first != NULL ? playtest_turn_get_sent_at (first) : now);
  date = g_date_time_format (local, "%Y-%m-%d");
  g_strdelimit (who, "/\\:", '-');

  return g_strconcat (who, "-", date, export_format_extension (format), NULL);
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FileJob) job = user_data;
  PlaytestWindow *self = job->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autofree char *folder_uri = NULL;
  AdwToast *toast;

  if (!playtest_export_write_finish (result, &error))
    {
      if (!is_cancelled (error))
        add_toast (self, error->message, 0);
      return;
    }

  name = g_file_get_basename (job->file);
  folder = g_file_get_parent (job->file);
  folder_uri = g_file_get_uri (folder);
  /* Translators: %s is the name of the file a session was exported to */
  message = g_strdup_printf (_("Exported to “%s”"), name);
  toast = toast_new (message, 5);
  adw_toast_set_button_label (toast, _("Open Folder"));
  adw_toast_set_action_name (toast, "win.open-folder");
  adw_toast_set_action_target_value (toast, g_variant_new_string (folder_uri));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
export_start (PlaytestWindow       *self,
              GFile                *output,
              PlaytestExportFormat  format)
{
  PlaytestHistory *history = get_history (self);
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  PlaytestExportSession *session;

  session = playtest_export_session_load (history,
                                          playtest_conversation_get_id (self->conversation),
                                          &error);
  if (session == NULL)
    {
      add_toast (self, error->message, 0);
      return;
    }
  session->character_name = g_strdup (current_character_name (self));
  sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) playtest_export_session_free);
  g_ptr_array_add (sessions, session);

  playtest_export_write_async (sessions, format, self->section_names, output,
                               self->cancellable, export_written_cb, file_job_new (self, output));
}

/* A turn that came back is saved a moment later, by the history's writer thread: an export
 * asked for meanwhile waits for it, so that the file has every turn the window shows. */
static gboolean
has_unsaved_turns (PlaytestConversation *conversation)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (conversation));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PlaytestTurn) turn = g_list_model_get_item (G_LIST_MODEL (conversation), i);
      PlaytestTurnState state = playtest_turn_get_state (turn);

      if ((state == PLAYTEST_TURN_COMPLETE || state == PLAYTEST_TURN_FAILED) &&
          playtest_turn_get_id (turn) <= 0)
        return TRUE;
    }

  return FALSE;
}

typedef struct
{
  FileJob              *job;
  PlaytestExportFormat  format;
} PendingExport;

static void
pending_export_free (gpointer  data,
                     GClosure *closure)
{
  PendingExport *pending = data;

  file_job_free (pending->job);
  g_free (pending);
}

static void
pending_export_run (PlaytestConversation *conversation,
                    PendingExport        *pending)
{
  PlaytestWindow *self = pending->job->window;

  /* Only for the conversation still shown: the user asked to export what they saw. */
  if (self->conversation == conversation)
    export_start (self, pending->job->file, pending->format);
  g_signal_handlers_disconnect_by_data (conversation, pending);
}

static void
export_turn_saved_cb (PlaytestConversation *conversation,
                      PlaytestTurn         *turn,
                      PendingExport        *pending)
{
  if (!has_unsaved_turns (conversation))
    pending_export_run (conversation, pending);
}

/* A save that failed never gives its turn an id: the export goes ahead without it. */
static void
export_history_error_cb (PlaytestConversation *conversation,
                         const GError         *error,
                         PendingExport        *pending)
{
  pending_export_run (conversation, pending);
}

/**
 * playtest_window_export_session:
 * @self: a #PlaytestWindow
 * @output: the file to write
 * @format: Markdown or JSON
 *
 * Exports the session shown, as the history has it, to @output (JSON writes its audio into
 * a folder beside it), without blocking the window; says how it went in a toast. This is
 * what Export Session… does with the file chosen.
 */
void
playtest_window_export_session (PlaytestWindow       *self,
                                GFile                *output,
                                PlaytestExportFormat  format)
{
  PendingExport *pending;

  g_return_if_fail (PLAYTEST_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (output));

  if (get_history (self) == NULL || self->conversation == NULL)
    {
      add_toast (self, _("Export needs the history, which could not be opened"), 5);
      return;
    }

  if (!has_unsaved_turns (self->conversation))
    {
      export_start (self, output, format);
      return;
    }

  pending = g_new0 (PendingExport, 1);
  pending->job = file_job_new (self, output);
  pending->format = format;
  /* One closure owns the pending export; the other only shares it. */
  g_signal_connect (self->conversation, "history-error", G_CALLBACK (export_history_error_cb),
                    pending);
  g_signal_connect_data (self->conversation, "turn-saved", G_CALLBACK (export_turn_saved_cb),
                         pending, pending_export_free, 0);
}

/* The format the name says, else the filter chosen, whose extension the name then gets. */
static GFile *
export_file_and_format (GtkFileChooser       *chooser,
                        PlaytestExportFormat *format)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) filter = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *with_extension = NULL;

  if (file == NULL)
    return NULL;

  name = g_file_get_basename (file);
  if (playtest_export_format_from_path (name, format))
    return g_steal_pointer (&file);

  filter = gtk_file_chooser_get_filter (chooser);
  *format = filter != NULL && g_object_get_data (G_OBJECT (filter), "playtest-json") != NULL
              ? PLAYTEST_EXPORT_JSON : PLAYTEST_EXPORT_MARKDOWN;
  parent = g_file_get_parent (file);
  with_extension = g_strconcat (name, export_format_extension (*format), NULL);
  return g_file_get_child (parent, with_extension);
}

static void
export_file_chosen_cb (GtkNativeDialog *dialog,
                       int              response,
                       PlaytestWindow  *self)
{
  PlaytestExportFormat format = PLAYTEST_EXPORT_MARKDOWN;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = export_file_and_format (GTK_FILE_CHOOSER (dialog), &format);
  if (file != NULL)
    playtest_window_export_session (self, file, format);

  g_object_unref (dialog);
}

static GtkFileFilter *
export_filter_new (const char *name,
                   const char *mime_type,
                   const char *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_filter_add_pattern (filter, pattern);
  return filter;
}

static void
export_session_action_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);
  g_autoptr(GtkFileFilter) markdown = NULL;
  g_autoptr(GtkFileFilter) json = NULL;
  g_autofree char *suggested = NULL;
  GtkFileChooserNative *dialog;

  if (self->conversation == NULL)
    return;

  dialog = gtk_file_chooser_native_new (_("Export Session"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  markdown = export_filter_new (_("Markdown transcript"), "text/markdown", "*.md");
  json = export_filter_new (_("JSON, with the audio in a folder beside it"), "application/json",
                            "*.json");
  g_object_set_data (G_OBJECT (json), "playtest-json", GINT_TO_POINTER (TRUE));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), markdown);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), json);
  suggested = export_suggested_name (self, PLAYTEST_EXPORT_MARKDOWN);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (export_file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
folder_opened_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PlaytestWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error) && !is_cancelled (error))
    add_toast (self, error->message, 5);
}

static void
open_folder_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);

  g_app_info_launch_default_for_uri_async (g_variant_get_string (parameter, NULL), NULL,
                                           self->cancellable, folder_opened_cb,
                                           g_object_ref (self));
}

/* Playback --------------------------------------------------------------------------------- */

/* The turn a play action names (by id), if there is a player to play it. */
static PlaytestTurn *
find_turn_to_play (PlaytestWindow *self,
                   GVariant       *parameter)
{
  if (self->playback == NULL || self->conversation == NULL)
    return NULL;

  return find_turn (self->conversation, g_variant_get_int64 (parameter));
}

static void
play_turn_action_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);
  PlaytestTurn *turn = find_turn_to_play (self, parameter);

  if (turn != NULL)
    playtest_playback_play_turn (self->playback, turn);
}

static void
play_recording_action_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);
  PlaytestTurn *turn = find_turn_to_play (self, parameter);

  if (turn != NULL)
    playtest_playback_play_recording (self->playback, turn);
}

static void
stop_audio_action_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);

  if (self->playback != NULL)
    playtest_playback_stop (self->playback);
}

static void
toggle_mute_change_state_cb (GSimpleAction *action,
                             GVariant      *state,
                             gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);

  g_simple_action_set_state (action, state);
  if (self->playback != NULL)
    playtest_player_set_muted (playtest_playback_get_player (self->playback),
                               g_variant_get_boolean (state));
}

static void
playing_turn_changed_cb (PlaytestWindow   *self,
                         GParamSpec       *pspec,
                         PlaytestPlayback *playback)
{
  playtest_conversation_view_set_playing_turn (self->conversation_view,
                                               playtest_playback_get_playing_turn (playback));
}

static void
player_level_cb (PlaytestWindow *self,
                 double          level,
                 PlaytestPlayer *player)
{
  playtest_state_panel_set_speaking_level (self->state_panel, level);
}

/* A machine without sound plays nothing, every time: saying so once is enough, and the
 * replies still show as text. */
static void
player_error_cb (PlaytestWindow *self,
                 const GError   *error,
                 PlaytestPlayer *player)
{
  playtest_state_panel_set_speaking_level (self->state_panel, 0);
  if (self->audio_error_shown)
    return;

  self->audio_error_shown = TRUE;
  if (g_error_matches (error, PLAYTEST_AUDIO_ERROR, PLAYTEST_AUDIO_ERROR_NO_OUTPUT))
    add_toast (self, _("No sound output device was found. Replies are shown but not played."), 0);
  else
    add_toast (self, error->message, 5);
}

static void
setup_playback (PlaytestWindow *self)
{
  PlaytestPlayer *player;

  self->playback = playtest_playback_new (self->settings);
  player = playtest_playback_get_player (self->playback);
  g_signal_connect_object (self->playback, "notify::playing-turn",
                           G_CALLBACK (playing_turn_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "level", G_CALLBACK (player_level_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (player, "error", G_CALLBACK (player_error_cb), self,
                           G_CONNECT_SWAPPED);
}

/* Scripts ---------------------------------------------------------------------------------- */

/* The script pane is the side panel's second page; a run shows its conversation in the chat,
 * and while it runs the composer, the character and New Session wait. */

static void
show_script_pane (PlaytestWindow *self)
{
  gtk_stack_set_visible_child_name (self->side_stack, "script");
  adw_flap_set_reveal_flap (self->flap, TRUE);
}

static void
update_script_actions (PlaytestWindow *self)
{
  gboolean running = playtest_script_pane_get_running (self->script_pane);
  /* Whatever would show another conversation or talk in this one waits for the run. */
  const char *idle_actions[] = { "open-script", "open-script-file", "save-session-as-script",
                                 "new-session", "send-audio-file", "open-session",
                                 "add-character" };

  for (guint i = 0; i < G_N_ELEMENTS (idle_actions); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                   G_ACTION_MAP (self), idle_actions[i])), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (self), "run-script")),
                               playtest_script_pane_get_can_run (self->script_pane));
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (self), "stop-script")), running);
}

static void
script_running_cb (PlaytestWindow     *self,
                   GParamSpec         *pspec,
                   PlaytestScriptPane *pane)
{
  gboolean running = playtest_script_pane_get_running (pane);

  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), !running);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->composer),
                               running ? _("A script is running: stop it (Esc) to type") : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->character_dropdown), !running);
  update_script_actions (self);
  if (!running)
    {
      apply_reply_settings (self);
      playtest_composer_grab_focus (self->composer);
    }
}

/* Each session of the run shows as it starts: the dropdown follows its character. */
static void
script_conversation_cb (PlaytestWindow     *self,
                        GParamSpec         *pspec,
                        PlaytestScriptPane *pane)
{
  PlaytestConversation *conversation = playtest_script_pane_get_conversation (pane);

  if (conversation != NULL && playtest_script_pane_get_running (pane))
    set_conversation (self, conversation);
}

static void
open_script_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);

  show_script_pane (self);
  gtk_widget_activate_action (GTK_WIDGET (self->script_pane), "script.open", NULL);
}

static void
open_script_file_action_cb (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  playtest_window_open_script (PLAYTEST_WINDOW (user_data), file);
}

static void
run_script_action_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);

  show_script_pane (self);
  playtest_script_pane_run (self->script_pane);
}

static void
stop_script_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  playtest_script_pane_stop (PLAYTEST_WINDOW (user_data)->script_pane);
}

/* Save Session as Script…: what the character did becomes what a replay expects of it. */

static GPtrArray *
dup_answered_turns (PlaytestWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->conversation);
  GPtrArray *turns = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = self->conversation != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PlaytestTurn) turn = g_list_model_get_item (model, i);

      if (playtest_turn_get_state (turn) == PLAYTEST_TURN_COMPLETE)
        g_ptr_array_add (turns, g_steal_pointer (&turn));
    }

  return turns;
}

/* "Mira the Innkeeper, Nov 29 2026 16:50": who and when, as the pane shows it. */
static char *
session_script_name (PlaytestWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  /* Translators: the date in the name of a script saved from a session, see
   * g_date_time_format() */
  g_autofree char *when = g_date_time_format (now, _("%b %e %Y %H:%M"));

  /* Translators: the name of a script saved from a session: the character, then the date */
  return g_strdup_printf (_("%s, %s"), current_character_name (self), when);
}

static void
script_saved_toast (PlaytestWindow *self,
                    GFile          *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *uri = g_file_get_uri (file);
  /* Translators: %s is the file a session was saved to as a script */
  g_autofree char *message = g_strdup_printf (_("Saved script “%s”"), name);
  AdwToast *toast = toast_new (message, 5);

  adw_toast_set_button_label (toast, _("Open"));
  adw_toast_set_action_name (toast, "win.open-script-file");
  adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
script_file_chosen_cb (GtkNativeDialog *dialog,
                       int              response,
                       PlaytestWindow  *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL && playtest_window_save_session_as_script (self, file, &error))
    script_saved_toast (self, file);
  else if (file != NULL)
    add_toast (self, error->message, 0);

  g_object_unref (dialog);
}

static void
save_session_as_script_action_cb (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (user_data);
  g_autoptr(GPtrArray) turns = dup_answered_turns (self);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *suggested = NULL;
  GtkFileChooserNative *dialog;

  if (turns->len == 0)
    {
      add_toast (self, _("Nothing to save yet: the session has no answered turns"), 5);
      return;
    }

  suggested = g_strconcat (current_character_name (self), "-session.json", NULL);
  g_strdelimit (suggested, "/\\:", '-');
  dialog = gtk_file_chooser_native_new (_("Save Session as Script"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested);
  gtk_file_filter_set_name (filter, _("Playthrough scripts (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (script_file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --script FILE opens a script in the pane at start, for presenters and testers. */
static void
setup_script_pane (PlaytestWindow *self)
{
  const char *path = playtest_application_get_script_path (self->app);

  playtest_script_pane_set_backend (self->script_pane, get_client (self), get_history (self));
  playtest_script_pane_set_character_list (self->script_pane, self->characters);
  g_signal_connect_object (self->script_pane, "notify::running",
                           G_CALLBACK (script_running_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->script_pane, "notify::can-run",
                           G_CALLBACK (update_script_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->script_pane, "notify::conversation",
                           G_CALLBACK (script_conversation_cb), self, G_CONNECT_SWAPPED);
  update_script_actions (self);

  if (path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      playtest_window_open_script (self, file);
    }
}

/**
 * playtest_window_open_script:
 * @self: a #PlaytestWindow
 * @file: a playthrough script
 *
 * Shows the script pane with the script in @file, ready to run, or with why it cannot
 * run. This is what Open Script… and --script do.
 *
 * Returns: whether the script could be loaded
 */
gboolean
playtest_window_open_script (PlaytestWindow *self,
                             GFile          *file)
{
  g_return_val_if_fail (PLAYTEST_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  show_script_pane (self);
  return playtest_script_pane_open_file (self->script_pane, file);
}

/**
 * playtest_window_get_script_pane:
 * @self: a #PlaytestWindow
 *
 * Returns: (transfer none): the script pane of the side panel
 */
PlaytestScriptPane *
playtest_window_get_script_pane (PlaytestWindow *self)
{
  g_return_val_if_fail (PLAYTEST_IS_WINDOW (self), NULL);

  return self->script_pane;
}

/**
 * playtest_window_save_session_as_script:
 * @self: a #PlaytestWindow
 * @file: where to write the script
 * @error: return location for an error, in words that name the file
 *
 * Saves the session shown as a playthrough script: each answered line becomes a step that
 * expects what was observed (emotion, actions, section), ready to replay as a regression
 * test. Voice turns keep their recording beside the script. This is what Save Session as
 * Script… does with the file chosen.
 *
 * Returns: whether the script was written
 */
gboolean
playtest_window_save_session_as_script (PlaytestWindow  *self,
                                        GFile           *file,
                                        GError         **error)
{
  g_autoptr(GPtrArray) turns = NULL;
  g_autoptr(PlaytestScript) script = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (PLAYTEST_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  turns = dup_answered_turns (self);
  if (turns->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Nothing to save yet: the session has no answered turns"));
      return FALSE;
    }

  name = session_script_name (self);
  script = playtest_script_new_from_turns (name, current_character_id (self), turns,
                                           playtest_conversation_get_voice_response (
                                             self->conversation),
                                           playtest_conversation_get_stream (self->conversation));
  return playtest_script_save (script, file, error);
}

static const GActionEntry win_actions[] = {
  { "new-session", new_session_action_cb },
  { "search", search_action_cb },
  { "toggle-side-panel", NULL, NULL, "true", toggle_side_panel_change_state_cb },
  { "presentation", NULL, NULL, "false", presentation_change_state_cb },
  { "copy-session-id", copy_session_id_action_cb },
  { "cancel", cancel_action_cb },
  { "focus-composer", focus_composer_action_cb },
  { "add-character", add_character_action_cb },
  { "open-session", open_session_action_cb, "s" },
  { "play-turn", play_turn_action_cb, "x" },
  { "play-recording", play_recording_action_cb, "x" },
  { "stop-audio", stop_audio_action_cb },
  { "toggle-mute", NULL, NULL, "false", toggle_mute_change_state_cb },
  { "send-audio-file", send_audio_file_action_cb },
  { "open-script", open_script_action_cb },
  { "open-script-file", open_script_file_action_cb, "s" },
  { "run-script", run_script_action_cb },
  { "stop-script", stop_script_action_cb },
  { "save-session-as-script", save_session_as_script_action_cb },
  { "export-session", export_session_action_cb },
  { "open-folder", open_folder_action_cb, "s" },
};

/* Past sessions ---------------------------------------------------------------------------- */

/* Past Sessions: the menu is filled each time it opens, so it is never stale. */

static char *
past_session_label (const PlaytestConversationInfo *info)
{
  g_autofree char *when = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (info->updated_at != NULL)
    {
      local = g_date_time_to_local (info->updated_at);
      /* Translators: when a past session was last used, see g_date_time_format() */
      when = g_date_time_format (local, _("%b %e, %H:%M"));
    }
  line = g_strdup (info->first_line != NULL ? info->first_line : "");
  if (g_utf8_strlen (line, -1) > 40)
    {
      g_autofree char *cut = g_utf8_substring (line, 0, 39);

      g_free (line);
      line = g_strconcat (cut, "…", NULL);
    }

  return g_strdup_printf ("%s · %s", when != NULL ? when : "", *line ? line : _("(no text)"));
}

static void
fill_past_sessions (PlaytestWindow *self)
{
  PlaytestHistory *history = get_history (self);
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) error = NULL;

  g_menu_remove_all (self->past_sessions_menu);
  if (history != NULL && self->conversation != NULL)
    infos = playtest_history_list_conversations (history, current_character_id (self),
                                                 PAST_SESSIONS_LIMIT, &error);

  for (guint i = 0; infos != NULL && i < infos->len; i++)
    {
      const PlaytestConversationInfo *info = g_ptr_array_index (infos, i);
      g_autofree char *label = past_session_label (info);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "win.open-session", "s", info->conversation_id);
      g_menu_append_item (self->past_sessions_menu, item);
    }

  /* An item without an action shows greyed out: it says why the list is empty. */
  if (history == NULL)
    g_menu_append (self->past_sessions_menu, _("History is off: no past sessions"), NULL);
  else if (infos == NULL || infos->len == 0)
    g_menu_append (self->past_sessions_menu,
                   error != NULL ? error->message : _("No past sessions"), NULL);
}

static void
menu_popup_cb (GtkMenuButton *button,
               gpointer       user_data)
{
  fill_past_sessions (PLAYTEST_WINDOW (user_data));
}

/* Window state ----------------------------------------------------------------------------- */

static void
restore_window_state (PlaytestWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  adw_flap_set_reveal_flap (self->flap, g_settings_get_boolean (self->settings,
                                                                "show-side-panel"));
}

static void
save_window_state (PlaytestWindow *self)
{
  int width, height;

  if (self->presentation)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

/* GObject ---------------------------------------------------------------------------------- */

static gboolean
playtest_window_close_request (GtkWindow *window)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (window);

  save_window_state (self);
  g_cancellable_cancel (self->cancellable);
  if (self->conversation != NULL)
    playtest_conversation_cancel (self->conversation);

  return GTK_WINDOW_CLASS (playtest_window_parent_class)->close_request (window);
}

static void
playtest_window_dispose (GObject *object)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->conversation != NULL)
    g_signal_handlers_disconnect_by_data (self->conversation, self);
  g_clear_object (&self->conversation);
  if (self->playback != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->playback, self);
      g_signal_handlers_disconnect_by_data (playtest_playback_get_player (self->playback), self);
      g_clear_object (&self->playback);
    }
  if (self->search_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->search_window),
                                    (gpointer *) &self->search_window);
      gtk_window_destroy (GTK_WINDOW (self->search_window));
      self->search_window = NULL;
    }

  /* The children tell of their last changes while they go (the list's selection is
   * cleared), when their neighbours may be gone already. */
  if (self->conversation_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->conversation_view, self);
      g_signal_handlers_disconnect_by_data (self->timeline, self);
      g_signal_handlers_disconnect_by_data (self->composer, self);
      g_signal_handlers_disconnect_by_data (self->script_pane, self);
      /* A selection here would start a new conversation in a window half gone. */
      g_signal_handlers_disconnect_by_data (self->character_dropdown, self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), PLAYTEST_TYPE_WINDOW);

  G_OBJECT_CLASS (playtest_window_parent_class)->dispose (object);
}

static void
playtest_window_finalize (GObject *object)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (object);

  g_clear_object (&self->characters);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->app);
  g_clear_pointer (&self->sections_cache, g_hash_table_unref);

  G_OBJECT_CLASS (playtest_window_parent_class)->finalize (object);
}

static void
playtest_window_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PlaytestWindow *self = PLAYTEST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION:
      g_value_set_object (value, self->conversation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
playtest_window_class_init (PlaytestWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = playtest_window_dispose;
  object_class->finalize = playtest_window_finalize;
  object_class->get_property = playtest_window_get_property;
  window_class->close_request = playtest_window_close_request;

  properties[PROP_CONVERSATION] =
    g_param_spec_object ("conversation", NULL, NULL, PLAYTEST_TYPE_CONVERSATION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PLAYTEST_TYPE_CHARACTER_ITEM);
  g_type_ensure (PLAYTEST_TYPE_COMPOSER);
  g_type_ensure (PLAYTEST_TYPE_CONVERSATION_VIEW);
  g_type_ensure (PLAYTEST_TYPE_STATE_PANEL);
  g_type_ensure (PLAYTEST_TYPE_SCRIPT_PANE);
  g_type_ensure (PLAYTEST_TYPE_TIMELINE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH
                                               "/playtest-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, character_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, session_box);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, session_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, new_session_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, side_panel_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, title_stack);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, presentation_emotion);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, presentation_section);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, past_sessions_menu);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, bar_revealer);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, bar_label);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, bar_button);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, conversation_view);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, state_panel);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, side_stack);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, script_pane);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, PlaytestWindow, composer);
  gtk_widget_class_bind_template_callback (widget_class, bar_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reveal_flap_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, turn_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, timeline_turn_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, composer_send_cb);
  gtk_widget_class_bind_template_callback (widget_class, composer_cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, composer_send_audio_cb);
  gtk_widget_class_bind_template_callback (widget_class, composer_error_cb);

  /* Esc leaves presentation mode; elsewhere it is left to the focused widget. */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

static void
playtest_window_init (PlaytestWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->sections_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  g_hash_table_replace (self->sections_cache, g_strdup (""), section_names_new ());

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  gtk_menu_button_set_create_popup_func (self->menu_button, menu_popup_cb, self, NULL);
  /* Push-to-talk works wherever the focus is, not only in the composer. */
  gtk_widget_add_controller (GTK_WIDGET (self),
                             playtest_composer_new_push_to_talk (self->composer));
  g_signal_connect_swapped (self, "notify::fullscreened", G_CALLBACK (fullscreened_cb), self);

#ifdef DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/* Public API ------------------------------------------------------------------------------- */

static void
setup (PlaytestWindow      *self,
       PlaytestApplication *app)
{
  self->app = g_object_ref (app);
  self->settings = g_object_ref (playtest_application_get_settings (app));
  self->characters = playtest_character_list_new (self->settings);
  self->demo_mode = playtest_application_get_demo_mode (app);
  setup_playback (self);

  /* Connected before the selector sees the model, and after it: see characters_changing_cb. */
  g_signal_connect_object (self->characters, "items-changed",
                           G_CALLBACK (characters_changing_cb), self, G_CONNECT_SWAPPED);
  gtk_drop_down_set_model (self->character_dropdown, G_LIST_MODEL (self->characters));
  g_signal_connect_object (self->characters, "items-changed",
                           G_CALLBACK (characters_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  sync_character_selection (self);
  g_signal_connect_object (self->character_dropdown, "notify::selected",
                           G_CALLBACK (character_selected_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->settings, "changed::voice-response",
                           G_CALLBACK (reply_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::stream",
                           G_CALLBACK (reply_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "client-changed", G_CALLBACK (client_changed_cb), self,
                           G_CONNECT_SWAPPED);

  restore_window_state (self);
  update_bar (self);
  update_session_label (self);
  update_presentation_labels (self);

  show_app_notices (self);

  refresh_characters (self);
  setup_script_pane (self);
  playtest_composer_grab_focus (self->composer);
}

/**
 * playtest_window_new:
 * @application: the application
 *
 * Returns: (transfer none): a new main window, owned by @application
 */
PlaytestWindow *
playtest_window_new (PlaytestApplication *application)
{
  PlaytestWindow *self;

  g_return_val_if_fail (PLAYTEST_IS_APPLICATION (application), NULL);

  self = g_object_new (PLAYTEST_TYPE_WINDOW, "application", application, NULL);
  setup (self, application);

  return self;
}

/**
 * playtest_window_get_conversation:
 * @self: a #PlaytestWindow
 *
 * Returns: (transfer none) (nullable): the conversation shown, if any yet
 */
PlaytestConversation *
playtest_window_get_conversation (PlaytestWindow *self)
{
  g_return_val_if_fail (PLAYTEST_IS_WINDOW (self), NULL);

  return self->conversation;
}

/**
 * playtest_window_get_character_list:
 * @self: a #PlaytestWindow
 *
 * Returns: (transfer none): the characters the selector offers
 */
PlaytestCharacterList *
playtest_window_get_character_list (PlaytestWindow *self)
{
  g_return_val_if_fail (PLAYTEST_IS_WINDOW (self), NULL);

  return self->characters;
}

/**
 * playtest_window_get_player:
 * @self: a #PlaytestWindow
 *
 * Returns: (transfer none): the window's one player, which plays the replies
 */
PlaytestPlayer *
playtest_window_get_player (PlaytestWindow *self)
{
  g_return_val_if_fail (PLAYTEST_IS_WINDOW (self), NULL);

  return playtest_playback_get_player (self->playback);
}

/**
 * playtest_window_get_presentation:
 * @self: a #PlaytestWindow
 *
 * Returns: whether the window is in presentation mode
 */
gboolean
playtest_window_get_presentation (PlaytestWindow *self)
{
  g_return_val_if_fail (PLAYTEST_IS_WINDOW (self), FALSE);

  return self->presentation;
}

/**
 * playtest_window_set_presentation:
 * @self: a #PlaytestWindow
 * @presentation: whether to present
 *
 * Presentation mode: fullscreen, large type, the side panel (and its inspector) hidden,
 * emotion and section large in the header. Esc and F11 leave it.
 */
void
playtest_window_set_presentation (PlaytestWindow *self,
                                  gboolean        presentation)
{
  GAction *action;

  g_return_if_fail (PLAYTEST_IS_WINDOW (self));

  presentation = !!presentation;
  if (self->presentation == presentation)
    return;

  /* The header keeps the character and gives the room to emotion and section. */
  gtk_widget_set_visible (self->session_box, !presentation);
  gtk_widget_set_visible (self->new_session_button, !presentation);
  gtk_widget_set_visible (self->search_button, !presentation);
  gtk_widget_set_visible (self->side_panel_button, !presentation);

  if (presentation)
    self->panel_before_presentation = adw_flap_get_reveal_flap (self->flap);
  self->presentation = presentation;

  if (presentation)
    {
      adw_flap_set_reveal_flap (self->flap, FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (self), "presentation");
      gtk_stack_set_visible_child_name (self->title_stack, "presentation");
      update_presentation_labels (self);
      gtk_window_fullscreen (GTK_WINDOW (self));
    }
  else
    {
      gtk_window_unfullscreen (GTK_WINDOW (self));
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presentation");
      gtk_stack_set_visible_child_name (self->title_stack, "title");
      adw_flap_set_reveal_flap (self->flap, self->panel_before_presentation);
    }

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "presentation");
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (presentation));
}
