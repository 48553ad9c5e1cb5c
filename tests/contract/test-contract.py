#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The requests convai-playtest-cli sends, checked by a real OpenAPI validator against the
contract: Stoplight Prism's mock server answers a request that does not match the contract with
422, which the CLI reports with exit status 1. Prism comes from tests/contract/install-prism.sh
(build-aux/test.sh runs it); without it this test fails, it does not skip.

    test-contract.py PRISM CONTRACT      (PLAYTEST_PRISM_DIR overrides where Prism is)

Prints TAP."""

import os
import sys
import tempfile
import urllib.error
import urllib.request
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))

from playtest_test_support import (  # noqa: E402
    ChildServer, TestFailure, check, closed_port, expect_exit, parse_json, run_cli, run_tests,
    wav_bytes)

KEY = "contract-test-key"
CHARACTER = "contract-character"
PRISM_START_TIMEOUT = 180

prism = None
work = tempfile.TemporaryDirectory()


def say(*args):
    result = run_cli("say", "--base-url", prism.url, "--character", CHARACTER, *args, key=KEY)
    if result.returncode != 0:
        result.stderr += "\nPrism's log:\n" + prism.stdout[-4000:]
    return result


def multipart(fields):
    """A multipart/form-data body from (name, value) pairs; values are text."""
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                 f"{value}\r\n").encode()
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def raw_status(fields):
    """Sends a hand-made getResponse request to Prism; returns the HTTP status."""
    body, content_type = multipart(fields)
    request = urllib.request.Request(prism.url + "/character/getResponse", data=body,
                                     method="POST",
                                     headers={"Content-Type": content_type,
                                              "CONVAI-API-KEY": KEY})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


VALID_FIELDS = [("userText", "Hello"), ("charID", CHARACTER), ("sessionID", "-1"),
                ("voiceResponse", "false")]


def test_validator_accepts_a_valid_request():
    status = raw_status(VALID_FIELDS)
    check(status == 200, f"a request that follows the contract got {status}")


def test_validator_rejects_a_request_without_session():
    status = raw_status([field for field in VALID_FIELDS if field[0] != "sessionID"])
    check(status == 422, f"a request without sessionID got {status}, not 422: is Prism "
          f"validating requests?")


def test_validator_rejects_capitalised_boolean():
    # Why the client sends voiceResponse=true and not Convai's documented "True".
    fields = [(name, "True" if name == "voiceResponse" else value) for name, value in VALID_FIELDS]
    status = raw_status(fields)
    check(status == 422, f"voiceResponse=True got {status}, not 422")


def test_text_turn():
    result = say("Hello, who are you?")
    expect_exit(result, 0, "a text turn")


def test_text_turn_json_continued_session():
    result = say("--json", "--session", "a-session-from-before", "And then?")
    expect_exit(result, 0, "a text turn in a continued session")
    check(isinstance(parse_json(result).get("text"), str), "no text in the reply", result)


def test_voice_response_turn():
    result = say("--voice", "Say something")
    expect_exit(result, 0, "a voice-response turn")
    # Prism's example audio is the word "string": junk, which is a warning, not a failure.
    check("warning" in result.stderr, "no warning about Prism's junk audio", result)


def test_streamed_turn():
    result = say("--stream", "Tell me a story")
    expect_exit(result, 0, "a streamed turn")


def test_voice_input_turn():
    path = os.path.join(work.name, "question.wav")
    with open(path, "wb") as out:
        out.write(wav_bytes(rate=16000, channels=1, seconds=1.0))
    result = say("--audio", path)
    expect_exit(result, 0, "a voice-input turn")


def test_voice_input_voice_response_streamed_turn():
    path = os.path.join(work.name, "question2.wav")
    with open(path, "wb") as out:
        out.write(wav_bytes(rate=16000, channels=1, seconds=0.5))
    result = say("--audio", path, "--voice", "--stream", "--session", "s-42")
    expect_exit(result, 0, "a streamed voice-input turn asking for speech")



def test_converted_voice_input_turn():
    # A 44.1 kHz stereo file is converted to 16 kHz mono by the CLI; the upload must validate.
    path = os.path.join(work.name, "stereo.wav")
    with open(path, "wb") as out:
        out.write(wav_bytes(rate=44100, channels=2, seconds=0.5))
    result = say("--audio", path, "--voice")
    expect_exit(result, 0, "a voice-input turn from a converted 44.1 kHz stereo file")


TESTS = [(name[len("test_"):], function) for name, function in list(globals().items())
         if name.startswith("test_") and callable(function)]


def find_prism():
    prism_dir = os.environ.get("PLAYTEST_PRISM_DIR")
    if prism_dir:
        return os.path.join(prism_dir, "node_modules", ".bin", "prism")
    return sys.argv[1] if len(sys.argv) > 1 else ""


def start_prism(binary, contract):
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise TestFailure(f"Prism is not installed at {binary}; run "
                          f"tests/contract/install-prism.sh (build-aux/test.sh does)")
    port = closed_port()
    server = ChildServer([binary, "mock", "-h", "127.0.0.1", "-p", str(port), contract],
                         lambda line: "Prism is listening" in line, timeout=PRISM_START_TIMEOUT)
    server.url = f"http://127.0.0.1:{port}"
    return server


def main():
    global prism
    contract = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("PLAYTEST_CONTRACT", "")
    if not os.environ.get("PLAYTEST_CLI"):
        print("Bail out! PLAYTEST_CLI is not set")
        return 1
    try:
        prism = start_prism(find_prism(), contract)
    except TestFailure as error:
        print("Bail out! Prism did not start")
        for line in str(error).splitlines():
            print(f"# {line}")
        return 1
    try:
        return run_tests(TESTS)
    finally:
        prism.stop()


if __name__ == "__main__":
    sys.exit(main())
