/* test-secret.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PlaytestSecret without a keyring: each run gets a private session bus with no services
 * (GTestDBus), so the tests never touch the developer's real keyring and always see the
 * "no org.freedesktop.secrets" failure that minimal desktops and CI see.
 */

#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "playtest-secret.h"

#define GENEROUS_TIMEOUT_SECONDS 60

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("The keyring call did not finish within %d s", GENEROUS_TIMEOUT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Spins the default main context until the callback has run; a hang fails the test. */
static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  guint timeout_id = g_timeout_add_seconds (GENEROUS_TIMEOUT_SECONDS, timeout_cb, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);

  return g_steal_pointer (slot);
}

/* Loading never fails here: no keyring is not an error. */
static void
load (PlaytestSecret *secret)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  playtest_secret_load_async (secret, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);

  ok = playtest_secret_load_finish (secret, result, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static gboolean
store (PlaytestSecret  *secret,
       const char      *key,
       GError         **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  playtest_secret_store_async (secret, key, NULL, store_result_cb, &slot);
  result = wait_for_result (&slot);

  return playtest_secret_store_finish (secret, result, error);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_secret_from_environment (void)
{
  g_autoptr(PlaytestSecret) secret = NULL;
  g_autoptr(GError) error = NULL;
  guint key_notifies = 0;

  /* Pasted keys often carry a newline; it must not end up in the header. */
  g_setenv ("CONVAI_API_KEY", " env-key-123\n", TRUE);
  secret = playtest_secret_new ();
  g_signal_connect (secret, "notify::api-key", G_CALLBACK (count_notify_cb), &key_notifies);

  load (secret);
  g_assert_cmpstr (playtest_secret_get_api_key (secret), ==, "env-key-123");
  g_assert_true (playtest_secret_get_from_environment (secret));
  g_assert_cmpuint (key_notifies, ==, 1);

  /* The environment wins: the key cannot be replaced or removed from the app. */
  g_assert_false (store (secret, "typed-key", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "CONVAI_API_KEY"));
  g_assert_null (strstr (error->message, "env-key-123"));
  g_clear_error (&error);
  g_assert_false (store (secret, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (playtest_secret_get_api_key (secret), ==, "env-key-123");
  g_assert_cmpuint (key_notifies, ==, 1);

  g_unsetenv ("CONVAI_API_KEY");
  g_assert_finalize_object (g_steal_pointer (&secret));
}

static void
test_secret_blank_environment (void)
{
  g_autoptr(PlaytestSecret) secret = NULL;
  g_autoptr(GError) error = NULL;

  /* The test environment sets CONVAI_API_KEY=""; blank means "not set". */
  g_setenv ("CONVAI_API_KEY", "  ", TRUE);
  secret = playtest_secret_new ();
  load (secret);
  g_assert_false (playtest_secret_get_from_environment (secret));
  g_assert_null (playtest_secret_get_api_key (secret));
  g_unsetenv ("CONVAI_API_KEY");
}

static void
test_secret_no_keyring_load (void)
{
  g_autoptr(PlaytestSecret) secret = playtest_secret_new ();
  g_autoptr(GError) error = NULL;
  guint keyring_notifies = 0;
  guint key_notifies = 0;

  g_signal_connect (secret, "notify::keyring-available",
                    G_CALLBACK (count_notify_cb), &keyring_notifies);
  g_signal_connect (secret, "notify::api-key", G_CALLBACK (count_notify_cb), &key_notifies);
  g_assert_true (playtest_secret_get_keyring_available (secret));

  /* A missing keyring is not an error the user must dismiss: the load finishes. */
  load (secret);
  g_assert_false (playtest_secret_get_keyring_available (secret));
  g_assert_false (playtest_secret_get_from_environment (secret));
  g_assert_null (playtest_secret_get_api_key (secret));
  g_assert_cmpuint (keyring_notifies, ==, 1);
  g_assert_cmpuint (key_notifies, ==, 0);

  /* Loading again says nothing new. */
  load (secret);
  g_assert_cmpuint (keyring_notifies, ==, 1);

  g_assert_finalize_object (g_steal_pointer (&secret));
}

static void
test_secret_no_keyring_store (void)
{
  g_autoptr(PlaytestSecret) secret = playtest_secret_new ();
  g_autoptr(GError) error = NULL;
  guint key_notifies = 0;

  load (secret);
  g_assert_false (playtest_secret_get_keyring_available (secret));
  g_signal_connect (secret, "notify::api-key", G_CALLBACK (count_notify_cb), &key_notifies);

  g_assert_true (store (secret, "typed-key\n", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (playtest_secret_get_api_key (secret), ==, "typed-key");
  g_assert_cmpuint (key_notifies, ==, 1);

  /* The same key again is no change. */
  g_assert_true (store (secret, "typed-key", &error));
  g_assert_cmpuint (key_notifies, ==, 1);

  g_assert_true (store (secret, "other-key", &error));
  g_assert_cmpstr (playtest_secret_get_api_key (secret), ==, "other-key");
  g_assert_cmpuint (key_notifies, ==, 2);

  /* NULL and "" both clear. */
  g_assert_true (store (secret, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (playtest_secret_get_api_key (secret));
  g_assert_cmpuint (key_notifies, ==, 3);

  g_assert_true (store (secret, "typed-key", &error));
  g_assert_true (store (secret, "", &error));
  g_assert_null (playtest_secret_get_api_key (secret));
  g_assert_cmpuint (key_notifies, ==, 5);

  /* Kept in memory only: a fresh holder (the next run) knows nothing of it. */
  g_assert_true (store (secret, "typed-key", &error));
  {
    g_autoptr(PlaytestSecret) next_run = playtest_secret_new ();

    load (next_run);
    g_assert_null (playtest_secret_get_api_key (next_run));
  }

  g_assert_finalize_object (g_steal_pointer (&secret));
}

static void
test_secret_store_before_load (void)
{
  g_autoptr(PlaytestSecret) secret = playtest_secret_new ();
  g_autoptr(GError) error = NULL;
  guint keyring_notifies = 0;

  g_signal_connect (secret, "notify::keyring-available",
                    G_CALLBACK (count_notify_cb), &keyring_notifies);

  /* The store finds out there is no keyring itself, and still keeps the key. */
  g_assert_true (store (secret, "typed-key", &error));
  g_assert_no_error (error);
  g_assert_false (playtest_secret_get_keyring_available (secret));
  g_assert_cmpstr (playtest_secret_get_api_key (secret), ==, "typed-key");
  g_assert_cmpuint (keyring_notifies, ==, 1);
}

static void
test_secret_cancelled_load (void)
{
  g_autoptr(PlaytestSecret) secret = playtest_secret_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  g_cancellable_cancel (cancellable);
  playtest_secret_load_async (secret, cancellable, store_result_cb, &slot);
  result = wait_for_result (&slot);

  g_assert_false (playtest_secret_load_finish (secret, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* A cancelled look-up proves nothing about the keyring. */
  g_assert_true (playtest_secret_get_keyring_available (secret));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GTestDBus) bus = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  g_unsetenv ("CONVAI_API_KEY");

  g_test_add_func ("/secret/from-environment", test_secret_from_environment);
  g_test_add_func ("/secret/blank-environment", test_secret_blank_environment);
  g_test_add_func ("/secret/no-keyring/load", test_secret_no_keyring_load);
  g_test_add_func ("/secret/no-keyring/store", test_secret_no_keyring_store);
  g_test_add_func ("/secret/no-keyring/store-before-load", test_secret_store_before_load);
  g_test_add_func ("/secret/cancelled-load", test_secret_cancelled_load);

  status = g_test_run ();

  /* libsecret keeps the bus connection in a singleton; GTestDBus waits for it to go. */
  secret_service_disconnect ();
  g_test_dbus_down (bus);

  return status;
}
