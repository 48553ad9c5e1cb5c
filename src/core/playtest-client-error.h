/* playtest-client-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PLAYTEST_CLIENT_ERROR (playtest_client_error_quark ())

/**
 * PlaytestClientError:
 * @PLAYTEST_CLIENT_ERROR_BAD_REQUEST: the service refused the request as malformed (400)
 * @PLAYTEST_CLIENT_ERROR_BAD_KEY: the API key is missing or was rejected (401)
 * @PLAYTEST_CLIENT_ERROR_FORBIDDEN: the key may not do this, e.g. on this plan (403)
 * @PLAYTEST_CLIENT_ERROR_NOT_FOUND: not found, or the character failed to generate a
 *   reply (404, including the `process_failure` body that looks like a reply)
 * @PLAYTEST_CLIENT_ERROR_RATE_LIMITED: rate or usage limit reached (429); see
 *   playtest_client_error_get_retry_after()
 * @PLAYTEST_CLIENT_ERROR_SERVER: the service failed (5xx, or any other unexpected status)
 * @PLAYTEST_CLIENT_ERROR_BAD_REPLY: the reply could not be understood (not JSON, truncated)
 * @PLAYTEST_CLIENT_ERROR_TOO_LARGE: the reply body exceeded the client's size cap
 * @PLAYTEST_CLIENT_ERROR_TIMEOUT: no (complete) reply within the timeout
 * @PLAYTEST_CLIENT_ERROR_NETWORK: the service could not be reached or the connection broke
 * @PLAYTEST_CLIENT_ERROR_CANCELLED: the caller cancelled the request
 * @PLAYTEST_CLIENT_ERROR_INVALID_INPUT: the request was refused before sending (e.g. an
 *   audio file that is not a usable WAV)
 *
 * Error codes of #PLAYTEST_CLIENT_ERROR. Messages are written for the user: they carry the
 * HTTP status and the server's own words, and never the API key.
 */
typedef enum
{
  PLAYTEST_CLIENT_ERROR_BAD_REQUEST,
  PLAYTEST_CLIENT_ERROR_BAD_KEY,
  PLAYTEST_CLIENT_ERROR_FORBIDDEN,
  PLAYTEST_CLIENT_ERROR_NOT_FOUND,
  PLAYTEST_CLIENT_ERROR_RATE_LIMITED,
  PLAYTEST_CLIENT_ERROR_SERVER,
  PLAYTEST_CLIENT_ERROR_BAD_REPLY,
  PLAYTEST_CLIENT_ERROR_TOO_LARGE,
  PLAYTEST_CLIENT_ERROR_TIMEOUT,
  PLAYTEST_CLIENT_ERROR_NETWORK,
  PLAYTEST_CLIENT_ERROR_CANCELLED,
  PLAYTEST_CLIENT_ERROR_INVALID_INPUT,
} PlaytestClientError;

GQuark       playtest_client_error_quark            (void);

GError      *playtest_client_error_new_for_status   (guint         status,
                                                     const char   *content_type,
                                                     GBytes       *body,
                                                     const char   *retry_after);
gboolean     playtest_client_error_is_process_failure (GBytes     *body);
guint        playtest_client_error_get_status       (const GError *error);
const char  *playtest_client_error_get_server_message (const GError *error);
int          playtest_client_error_get_retry_after  (const GError *error);
const char  *playtest_client_error_code_to_string   (PlaytestClientError code);

G_END_DECLS
