#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""convai-playtest-cli as scripts use it: exit statuses, --json keys, streaming, audio, help.
Runs the CLI against its own demo backend (`demo-server --port 0`) and against a scripted
server for replies the demo never gives. Prints TAP."""

import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from playtest_test_support import (  # noqa: E402
    DemoServer, TestFailure, check, closed_port, expect_exit, header_only_wav, parse_json, run_cli,
    run_tests_with_servers, start_demo_servers, wav_bytes, write_work_file)

SAY_KEYS = {"text", "sessionID", "emotion", "action", "actions", "narrativeSectionId",
            "userQuery", "audio", "timing"}
DEMO_KEY = "demo-secret-key-for-tests"

demo = None
keyed_demo = None
work = tempfile.TemporaryDirectory()


def work_file(name, contents=None):
    return write_work_file(work.name, name, contents)


def first_character():
    result = run_cli("characters", "--base-url", demo.url, "--json")
    expect_exit(result, 0, "characters --json")
    return parse_json(result)[0]["character_id"]


def say(*args, key=""):
    return run_cli("say", "--base-url", demo.url, "--character", first_character(), *args, key=key)


def plain_fields(stdout):
    """The `name: value` lines of a plain reply, and the reply text (the first line)."""
    lines = stdout.splitlines()
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return lines[0] if lines else "", fields


# --- help and usage -------------------------------------------------------------------------

def test_program_help():
    result = run_cli("--help")
    expect_exit(result, 0, "--help")
    for command in ("say", "characters", "sections", "demo-server", "CONVAI_API_KEY"):
        check(command in result.stdout, f"--help does not mention {command}", result)
    result = run_cli("--version")
    expect_exit(result, 0, "--version")
    check(result.stdout.startswith("convai-playtest-cli "), "--version prints no version", result)


def test_command_help():
    options = {
        "say": ["--character", "--session", "--voice", "--stream", "--audio", "--timeout",
                "--save-audio", "--json", "--base-url", "--api-key-file", "TEXT"],
        "characters": ["--base-url", "--json", "--api-key-file"],
        "sections": ["--character", "--base-url", "--json", "--api-key-file"],
        "demo-server": ["--host", "--port", "--api-key-file", "--latency",
                        "--reject-text-with-audio"],
    }
    for command, names in options.items():
        for flag in ("--help", "-h"):
            result = run_cli(command, flag)
            expect_exit(result, 0, f"{command} {flag}")
            check(f"convai-playtest-cli {command}" in result.stdout,
                  f"{command} {flag} does not show its usage line", result)
            for name in names:
                check(name in result.stdout, f"{command} {flag} does not mention {name}", result)


def test_usage_errors():
    key_file = work_file("key", "some-key\n")
    cases = [
        ([], "no command"),
        (["dance"], "unknown command"),
        (["say", "--bogus", "hello"], "unknown option"),
        (["say", "--base-url", demo.url, "--character", "x"], "missing TEXT"),
        (["say", "--base-url", demo.url, "--character", "x", "   "], "blank TEXT"),
        (["say", "--base-url", demo.url, "hello"], "missing --character"),
        (["say", "--base-url", demo.url, "--character", "x", "--timeout", "soon", "hi"],
         "--timeout that is not a number"),
        (["say", "--base-url", demo.url, "--character", "x", "--timeout", "0", "hi"],
         "--timeout 0"),
        (["say", "--base-url", "ftp://example.com", "--character", "x", "hi"],
         "--base-url that is not http"),
        (["say", "--base-url", demo.url, "--character", "x", "--api-key-file",
          work_file("missing-key"), "hi"], "unreadable --api-key-file"),
        (["say", "--base-url", demo.url, "--character", "x", "--api-key-file",
          work_file("empty-key", ""), "hi"], "empty --api-key-file"),
        (["say", "--base-url", demo.url, "--character", "x", "--audio",
          work_file("missing.wav")], "unreadable --audio"),
        (["say", "--base-url", demo.url, "--character", "x", "--audio",
          work_file("header-only.wav", header_only_wav())], "header-only --audio WAV"),
        (["say", "--base-url", demo.url, "--character", "x", "--audio",
          work_file("not-a.wav", b"hello, I am not audio at all, really not" * 4)],
         "--audio that is not a WAV"),
        (["say", "--base-url", demo.url, "--character", "x", "--audio",
          work_file("voice.wav", wav_bytes()), "and text"], "both TEXT and --audio"),
        (["say", "--base-url", demo.url, "--character", "x", "--save-audio",
          os.path.join(work.name, "no-such-folder", "reply.wav"), "hi"],
         "--save-audio into a missing folder"),
        (["characters", "--base-url", demo.url, "extra"], "characters with an argument"),
        (["sections", "--base-url", demo.url], "sections without --character"),
        (["demo-server", "--port", "garbage"], "demo-server --port garbage"),
        (["demo-server", "--port", "70000"], "demo-server --port 70000"),
        (["demo-server", "--port", "0", "--host", "not an address"], "demo-server --host junk"),
        (["demo-server", "--port", "0", "--api-key-file", work_file("missing-key")],
         "demo-server with an unreadable --api-key-file"),
    ]
    check(os.path.exists(key_file), "could not write the key file")
    for args, what in cases:
        result = run_cli(*args)
        expect_exit(result, 2, what)
        check(result.stderr.strip() != "", f"{what}: nothing on stderr", result)
        check(result.stdout == "", f"{what}: something on stdout", result)


def test_no_key_no_base_url():
    for args in (["say", "--character", "x", "hello"], ["characters"],
                 ["sections", "--character", "x"]):
        result = run_cli(*args, key="")
        expect_exit(result, 2, f"{args[0]} with no key and no --base-url")
        for hint in ("CONVAI_API_KEY", "--api-key-file", "demo-server", "--base-url"):
            check(hint in result.stderr, f"{args[0]}: the explanation does not mention {hint}",
                  result)


def test_key_never_printed():
    secret = "sk-never-print-this-key"
    result = run_cli("say", "--base-url", keyed_demo.url, "--character", "x", "hi", key=secret)
    expect_exit(result, 1, "a wrong key against a demo with a key")
    check(secret not in result.stdout + result.stderr, "the API key was printed", result)


# --- characters and sections ----------------------------------------------------------------

def test_characters():
    result = run_cli("characters", "--base-url", demo.url, "--json")
    expect_exit(result, 0, "characters --json")
    characters = parse_json(result)
    check(isinstance(characters, list) and len(characters) >= 3,
          "characters --json lists fewer than three characters", result)
    for character in characters:
        check(isinstance(character.get("character_id"), str) and
              isinstance(character.get("character_name"), str),
              f"a character without id or name: {character}", result)

    plain = run_cli("characters", "--base-url", demo.url)
    expect_exit(plain, 0, "characters")
    lines = plain.stdout.splitlines()
    check(len(lines) == len(characters), "characters prints one line per character", plain)
    for line, character in zip(lines, characters):
        check(line.startswith(character["character_id"] + "  ") and
              line.endswith(character["character_name"]), f"unexpected line {line!r}", plain)


def test_sections():
    character = first_character()
    result = run_cli("sections", "--base-url", demo.url, "--character", character, "--json")
    expect_exit(result, 0, "sections --json")
    sections = parse_json(result)
    check(isinstance(sections, list) and len(sections) >= 3,
          "sections --json lists fewer than three sections", result)
    for section in sections:
        check(isinstance(section.get("section_id"), str) and
              isinstance(section.get("section_name"), str) and
              isinstance(section.get("next_section_ids"), list),
              f"a section without id, name or next ids: {section}", result)

    plain = run_cli("sections", "--base-url", demo.url, "--character", character)
    expect_exit(plain, 0, "sections")
    check(len(plain.stdout.splitlines()) == len(sections), "sections prints a line each", plain)


# --- say ------------------------------------------------------------------------------------

def test_say_plain():
    result = say("Good evening! What is wrong?")
    expect_exit(result, 0, "say")
    text, fields = plain_fields(result.stdout)
    check(text.strip() != "", "say printed no reply text", result)
    for name in ("emotion", "action", "section", "session"):
        check(name in fields, f"say printed no `{name}:` line", result)
    check(fields["session"] not in ("—", "-1"), "say printed no new session id", result)
    check(fields["emotion"] != "—" and fields["section"] != "—",
          "a demo reply carries an emotion and a section", result)


def test_say_json_keys():
    result = say("--json", "Hello there")
    expect_exit(result, 0, "say --json")
    reply = parse_json(result)
    check(set(reply) == SAY_KEYS, f"say --json keys are {sorted(reply)}", result)
    check(isinstance(reply["text"], str) and reply["text"], "text is not a string", result)
    check(isinstance(reply["sessionID"], str), "sessionID is not a string", result)
    for key in ("emotion", "action", "narrativeSectionId", "userQuery"):
        check(reply[key] is None or isinstance(reply[key], str), f"{key} has a wrong type", result)
    check(isinstance(reply["emotion"], str), "a demo reply has an emotion", result)
    check(isinstance(reply["narrativeSectionId"], str), "a demo reply has a section", result)
    check(isinstance(reply["actions"], list) and all(isinstance(a, str) for a in reply["actions"]),
          "actions is not a list of strings", result)
    check(reply["audio"] is None, "audio is not null without --voice", result)
    timing = reply["timing"]
    check(isinstance(timing, dict) and set(timing) == {"first_byte_ms", "total_ms"},
          "timing has wrong keys", result)
    check(isinstance(timing["total_ms"], int) and timing["total_ms"] >= 0,
          "timing.total_ms is not a number", result)
    check(timing["first_byte_ms"] is None or isinstance(timing["first_byte_ms"], int),
          "timing.first_byte_ms has a wrong type", result)


def test_say_continues_session():
    first = parse_json(say("--json", "Hello"))
    session = first["sessionID"]
    second = say("--json", "--session", session, "What is wrong?")
    expect_exit(second, 0, "say --session")
    check(parse_json(second)["sessionID"] == session, "the session did not continue", second)


def test_say_voice_json():
    result = say("--json", "--voice", "Hello there")
    expect_exit(result, 0, "say --voice --json")
    audio = parse_json(result)["audio"]
    check(isinstance(audio, dict) and set(audio) == {"bytes", "rate", "channels", "duration_ms"},
          f"audio is {audio!r}", result)
    check(audio["rate"] == 22050 and audio["channels"] == 1, "audio is not 22050 Hz mono", result)
    check(audio["bytes"] > 44 and audio["duration_ms"] > 0, "audio is empty", result)


def test_say_stream_same_text():
    text = "What is wrong?"
    plain = say(text)
    streamed = say("--stream", text)
    expect_exit(plain, 0, "say")
    expect_exit(streamed, 0, "say --stream")
    check(plain_fields(streamed.stdout)[0] == plain_fields(plain.stdout)[0],
          f"streamed text differs:\n{plain.stdout}\n---\n{streamed.stdout}", streamed)
    check(plain_fields(streamed.stdout)[1].keys() == plain_fields(plain.stdout)[1].keys(),
          "the streamed reply lacks lines the plain one has", streamed)
    streamed_json = parse_json(say("--stream", "--json", text))
    check(streamed_json["text"] == plain_fields(plain.stdout)[0],
          "say --stream --json has other text", streamed)


def test_say_save_audio():
    for extra in ([], ["--stream"]):
        path = work_file(f"reply{len(extra)}.wav")
        result = say("--save-audio", path, *extra, "Hello there")
        expect_exit(result, 0, f"say --save-audio {' '.join(extra)}")
        with wave.open(path, "rb") as saved:
            check(saved.getframerate() == 22050 and saved.getnchannels() == 1 and
                  saved.getsampwidth() == 2 and saved.getnframes() > 0,
                  f"the saved WAV is {saved.getparams()}", result)


def test_say_audio_input():
    path = work_file("question.wav", wav_bytes(rate=16000))
    result = say("--json", "--audio", path)
    expect_exit(result, 0, "say --audio")
    reply = parse_json(result)
    check(isinstance(reply["userQuery"], str) and reply["userQuery"],
          "a voice turn did not bring back a transcript", result)
    check(isinstance(reply["text"], str) and reply["text"], "a voice turn got no reply", result)


def make_ogg(path):
    """An Ogg Vorbis file with a second of tone, made by whatever encoder is installed."""
    if shutil.which("gst-launch-1.0"):
        command = ["gst-launch-1.0", "-q", "audiotestsrc", "num-buffers=50", "!", "audioconvert",
                   "!", "vorbisenc", "!", "oggmux", "!", "filesink", f"location={path}"]
    elif shutil.which("sox"):
        command = ["sox", "-n", "-t", "ogg", path, "synth", "1", "sine", "440"]
    else:
        raise TestFailure("neither gst-launch-1.0 nor sox is installed to make an Ogg file")
    made = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    check(made.returncode == 0 and os.path.getsize(path) > 0,
          f"could not make an Ogg file: {made.stderr}")
    return path


def test_say_audio_converts_any_audio():
    files = {
        "44.1 kHz stereo WAV": work_file("stereo.wav", wav_bytes(rate=44100, channels=2)),
        "Ogg Vorbis": make_ogg(work_file("question.ogg")),
    }
    for what, path in files.items():
        for extra in ([], ["--stream"]):
            result = say("--json", *extra, "--audio", path)
            expect_exit(result, 0, f"say --audio with a {what} {' '.join(extra)}")
            reply = parse_json(result)
            check(isinstance(reply["userQuery"], str) and reply["userQuery"],
                  f"a {what} did not bring back a transcript", result)
            check(isinstance(reply["text"], str) and reply["text"],
                  f"a {what} got no reply", result)


def test_say_audio_junk_names_the_file():
    path = work_file("noise-not-audio.bin", bytes(range(256)) * 16)
    result = say("--audio", path)
    expect_exit(result, 2, "say --audio with junk")
    check("noise-not-audio.bin" in result.stderr, "the error does not name the file", result)
    check(result.stdout == "", "something on stdout for junk --audio", result)


def test_say_play():
    help_text = run_cli("say", "--help").stdout
    check("--play" in help_text, "say --help does not mention --play")
    plain = say("Hello there")
    for extra in ([], ["--stream"]):
        result = say("--play", *extra, "Hello there")
        expect_exit(result, 0, f"say --play {' '.join(extra)}")
        text, fields = plain_fields(result.stdout)
        check(text == plain_fields(plain.stdout)[0], "say --play printed other text", result)
        check("audio" in fields, "say --play did not ask for speech", result)
        check("warning" not in result.stderr, "say --play into fakesink warned", result)


def test_say_play_without_sound_device():
    for extra in ([], ["--stream"]):
        result = run_cli("say", "--base-url", demo.url, "--character", first_character(),
                         "--play", *extra, "Hello there", env={"PLAYTEST_AUDIO": "none"})
        expect_exit(result, 0, f"say --play {' '.join(extra)} without a sound device")
        check(plain_fields(result.stdout)[0] != "", "no reply text without a sound device", result)
        check("No sound output device was found; the reply was not played." in result.stderr,
              "no warning about the missing sound device", result)


# --- errors from the service and the network ------------------------------------------------

def test_bad_key_exit_1():
    character = first_character()
    result = run_cli("say", "--base-url", keyed_demo.url, "--character", character, "hi",
                     key="wrong-key")
    expect_exit(result, 1, "a wrong key")
    check("HTTP 401" in result.stderr, "the error does not name HTTP 401", result)
    key_file = work_file("good-key", DEMO_KEY + "\n")
    result = run_cli("say", "--base-url", keyed_demo.url, "--character", character,
                     "--api-key-file", key_file, "hi", key="wrong-key")
    expect_exit(result, 0, "the right key from --api-key-file (which beats CONVAI_API_KEY)")


def test_connection_refused_exit_3():
    url = f"http://127.0.0.1:{closed_port()}"
    for args in (["say", "--character", "x", "hi"], ["characters"]):
        result = run_cli(*args, "--base-url", url)
        expect_exit(result, 3, f"{args[0]} to a closed port")
        check(result.stderr.strip(), "no message for a refused connection", result)


def test_timeout_exit_3():
    result = say("--timeout", "1", "[demo:delay=3000] Hello?")
    expect_exit(result, 3, "a reply slower than --timeout")


class ScriptedHandler(http.server.BaseHTTPRequestHandler):
    """Answers what the demo never does, picked by a word in the request body."""

    replies = {
        b"garbage": (200, "text/plain", b"this is not JSON"),
        b"overloaded": (503, "application/json", b'{"detail": "Service overloaded"}'),
        b"junkaudio": (200, "application/json",
                       b'{"text": "Hi there", "audio": "string", "sessionID": "s-1"}'),
    }

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, content_type, reply = next(
            (value for word, value in self.replies.items() if word in body),
            (500, "text/plain", b"unscripted"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def with_scripted_server(function):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ScriptedHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        function(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


def test_service_errors_exit_1():
    def run(url):
        for word, what in ((b"garbage", "a reply that is not JSON"),
                           (b"overloaded", "HTTP 503")):
            result = run_cli("say", "--base-url", url, "--character", "x", word.decode())
            expect_exit(result, 1, what)
        result = run_cli("say", "--base-url", url, "--character", "x", "overloaded")
        check("503" in result.stderr and "Service overloaded" in result.stderr,
              "the error lacks the status or the server's words", result)
    with_scripted_server(run)


def test_junk_audio_is_a_warning():
    def run(url):
        result = run_cli("say", "--base-url", url, "--character", "x", "--voice", "junkaudio")
        expect_exit(result, 0, "a reply with junk audio")
        text, fields = plain_fields(result.stdout)
        check(text == "Hi there", "the text of a reply with junk audio is lost", result)
        check(fields.get("emotion") == "—" and fields.get("section") == "—",
              "absent fields are not shown as —", result)
        check(fields.get("session") == "s-1", "the session is not shown", result)
        check("warning" in result.stderr, "no warning about the junk audio", result)
        result = run_cli("say", "--base-url", url, "--character", "x", "--json", "junkaudio")
        check(parse_json(result)["audio"] is None, "junk audio is not null in --json", result)
    with_scripted_server(run)


def with_demo(args, function):
    server = DemoServer(*args)
    try:
        function(server.url)
    finally:
        status = server.stop()
    check(status == 0, f"demo-server {' '.join(args)} exited with {status}:\n{server.stderr}")


def test_demo_server_latency():
    def run(url):
        result = run_cli("say", "--base-url", url, "--character", first_character(),
                         "--timeout", "1", "Hello")
        expect_exit(result, 3, "a demo with --latency 3000 and --timeout 1")
    with_demo(["--latency", "3000"], run)


def test_demo_server_rejecting_text_with_audio():
    # The live service's "Expecting only one…" 400: the client resends the recording alone.
    path = work_file("fallback.wav", wav_bytes(rate=16000))

    def run(url):
        result = run_cli("say", "--base-url", url, "--character", first_character(), "--json",
                         "--audio", path)
        expect_exit(result, 0, "a voice turn to a demo that rejects text with audio")
        check(isinstance(parse_json(result)["userQuery"], str), "no transcript", result)
    with_demo(["--reject-text-with-audio"], run)


def test_demo_server_stops_cleanly():
    server = DemoServer()
    check(server.url.startswith("http://127.0.0.1:"), f"listening on {server.url}")
    status = server.stop()
    check(status == 0, f"demo-server exited with {status} on SIGTERM:\n{server.stderr}")


TESTS = [(name[len("test_"):], function) for name, function in list(globals().items())
         if name.startswith("test_") and callable(function)]


def main():
    global demo, keyed_demo
    servers = start_demo_servers((), ("--api-key-file", work_file("demo-key", DEMO_KEY + "\n")))
    if servers is None:
        return 1
    demo, keyed_demo = servers
    return run_tests_with_servers(TESTS, servers)

if __name__ == "__main__":
    sys.exit(main())
