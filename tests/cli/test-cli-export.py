#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`convai-playtest-cli sessions` and `export` as testers use them: conversations recorded by
`run` against the demo backend, listed, found by id, prefix, Convai session id or "last", and
exported as Markdown and as JSON with audio files; exit statuses. Prints TAP."""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from playtest_test_support import (  # noqa: E402
    DemoServer, TestFailure, check, closed_port, expect_exit, parse_json, run_cli, run_tests,
    wav_bytes)

LINES = ["Good evening", "Where is the *ring*? [really]"]

demo = None
work = tempfile.TemporaryDirectory()
HISTORY = os.path.join(work.name, "history")
VOICE = wav_bytes(seconds=0.8)


def work_file(name, contents=None):
    path = os.path.join(work.name, name)
    if contents is not None:
        with open(path, "wb" if isinstance(contents, bytes) else "w") as out:
            out.write(contents)
    return path


def cli(*args, history=HISTORY):
    return run_cli(*args, "--history", history)


def record_conversation(character, lines, voice=None):
    """Records a conversation the way a tester's CI does: `run` a script into the history."""
    steps = [{"say": line} for line in lines]
    if voice is not None:
        work_file("greeting.wav", voice)
        steps.append({"audio": "greeting.wav"})
    script = work_file(f"record-{character}.json",
                       json.dumps({"name": "Record", "character": character, "voice": True,
                                   "steps": steps}))
    result = run_cli("run", "--base-url", demo.url, "--history", HISTORY, script)
    expect_exit(result, 0, "run (recording a conversation)")


def sessions():
    result = cli("sessions", "--json")
    expect_exit(result, 0, "sessions --json")
    return parse_json(result)


def mira_conversation():
    return next(info for info in sessions() if info["character_id"] == "demo-mira")


def export_json(which, name):
    output = work_file(name)
    result = cli("export", "--session", which, "--output", output)
    expect_exit(result, 0, f"export --session {which} --output {name}")
    check(result.stdout == "", "export to a file printed on stdout", result)
    with open(output, encoding="utf-8") as file:
        return json.load(file)


# --- help ----------------------------------------------------------------------------------

def test_help():
    result = run_cli("export", "--help")
    expect_exit(result, 0, "export --help")
    for words in ("--session", "--format", "--output", "--history", "--names", "last", "md",
                  "json", "sessions", "-audio", "standard output", "2 usage error",
                  "3 the history could not be read"):
        check(words in result.stdout, f"export --help does not mention “{words}”", result)
    result = run_cli("sessions", "--help")
    expect_exit(result, 0, "sessions --help")
    for words in ("--character", "--limit", "--json", "--history", "export --session"):
        check(words in result.stdout, f"sessions --help does not mention “{words}”", result)
    result = run_cli("--help")
    check("export" in result.stdout and "sessions" in result.stdout,
          "the program's help does not list export and sessions", result)


# --- sessions -----------------------------------------------------------------------------

def test_sessions_empty():
    empty = os.path.join(work.name, "empty-history")
    result = cli("sessions", history=empty)
    expect_exit(result, 0, "sessions on an empty history")
    check(result.stdout == "" and "No conversations" in result.stderr,
          "an empty history does not say so", result)
    result = cli("sessions", "--json", history=empty)
    check(parse_json(result) == [], "an empty history is not an empty JSON list", result)


def test_sessions_lists_newest_first():
    listed = sessions()
    check([info["character_id"] for info in listed] == ["demo-borin", "demo-mira"],
          f"sessions lists {listed}, not Borin's (the newer) then Mira's")
    mira = listed[1]
    check(mira["turns"] == len(LINES) + 1, f"Mira's conversation has {mira['turns']} turns")
    check(mira["first_line"] == LINES[0], f"the first line is {mira['first_line']!r}")
    check(mira["session_id"] and mira["started_at"], "no session id or start time")

    plain = cli("sessions")
    expect_exit(plain, 0, "sessions")
    rows = plain.stdout.splitlines()
    check(len(rows) == 2 and rows[1].startswith(mira["conversation_id"]) and
          "demo-mira" in rows[1] and LINES[0] in rows[1] and "3 turns" in rows[1],
          "the plain list does not show id, character, turns and first line", plain)

    only = cli("sessions", "--character", "demo-mira", "--json")
    check([info["character_id"] for info in parse_json(only)] == ["demo-mira"],
          "--character does not filter", only)
    one = cli("sessions", "--limit", "1", "--json")
    check(len(parse_json(one)) == 1, "--limit 1 does not limit", one)
    expect_exit(cli("sessions", "--limit", "-1"), 2, "sessions --limit -1")


# --- export -------------------------------------------------------------------------------

def check_turns(document, conversation_id):
    check(document["format"] == "convai-playtest-transcript" and document["version"] == 1,
          f"not a transcript: {document.get('format')} {document.get('version')}")
    session = document["sessions"][0]
    check(session["conversation_id"] == conversation_id, "the wrong conversation was exported")
    turns = session["turns"]
    check([turn["user_text"] for turn in turns[:2]] == LINES,
          f"the typed lines are {[turn['user_text'] for turn in turns]}")
    for turn in turns:
        check(turn["state"] == "complete" and turn["reply_text"], f"turn not answered: {turn}")
        for key in ("emotion", "actions", "section_id", "latency_ms", "first_audio_ms",
                    "timings", "warnings", "error", "reply", "user_query", "sent_at"):
            check(key in turn, f"a turn has no “{key}”: {sorted(turn)}")
        check(turn["reply"]["text"] == turn["reply_text"], "the raw reply is not nested")
    return turns


def test_export_json_round_trip():
    mira = mira_conversation()
    output_dir = work_file("")
    document = export_json(mira["conversation_id"], "mira.json")
    turns = check_turns(document, mira["conversation_id"])
    voice = turns[2]
    check(voice["voice"] and voice["user_text"] in (None, ""), f"the voice turn is {voice}")
    for turn in turns:
        path = os.path.join(output_dir, turn["reply_audio"])
        check(turn["reply_audio"].startswith("mira-audio/") and os.path.isfile(path),
              f"no reply audio file for turn {turn['index']}: {turn['reply_audio']}")
        with open(path, "rb") as file:
            check(file.read(4) == b"RIFF", f"{path} is not a WAV file")
    check(os.path.isfile(os.path.join(output_dir, voice["user_audio"])),
          f"no file for what the user said: {voice['user_audio']}")


def test_export_finds_by_prefix_session_and_last():
    mira = mira_conversation()
    by_prefix = export_json(mira["conversation_id"][:8], "prefix.json")
    by_session = export_json(mira["session_id"], "session.json")
    last = export_json("last", "last.json")
    check(by_prefix["sessions"][0]["conversation_id"] == mira["conversation_id"],
          "an id's first characters do not find it")
    check(by_session["sessions"][0]["conversation_id"] == mira["conversation_id"],
          "the Convai session id does not find the conversation")
    check(last["sessions"][0]["character_id"] == "demo-borin",
          "“last” is not the most recent conversation")


def test_export_markdown_to_stdout():
    mira = mira_conversation()
    document = export_json(mira["conversation_id"], "for-markdown.json")
    result = cli("export", "--session", mira["conversation_id"], "--output", "-")
    expect_exit(result, 0, "export --output -")
    text = result.stdout
    check(text.startswith("# demo-mira"), "the transcript has no heading", result)
    check("**You:** Good evening" in text, "the first line is missing", result)
    check("Where is the \\*ring\\*? \\[really\\]" in text,
          "the user's asterisks and brackets are not escaped", result)
    check("(voice, " in text, "the voice turn is not marked", result)
    for turn in document["sessions"][0]["turns"]:
        check(turn["emotion"] in text, f"the emotion {turn['emotion']} is missing", result)
        check(turn["section_id"] in text, f"the section {turn['section_id']} is missing", result)
        for action in turn["actions"]:
            check(action in text, f"the action {action} is missing", result)
    check(text.count("## Turn ") == 3, "not three turns in the transcript", result)


def test_export_names_from_the_service():
    sections = run_cli("sections", "--base-url", demo.url, "--character", "demo-mira", "--json")
    expect_exit(sections, 0, "sections --json")
    names = {section["section_id"]: section["section_name"] for section in parse_json(sections)}
    mira = mira_conversation()
    result = cli("export", "--session", mira["conversation_id"], "--names",
                 "--base-url", demo.url)
    expect_exit(result, 0, "export --names")
    check(result.stdout.startswith("# Mira the Innkeeper") and
          "**Mira the Innkeeper:** " in result.stdout, "the character is not named", result)
    document = export_json(mira["conversation_id"], "ids.json")
    for turn in document["sessions"][0]["turns"]:
        named = f"Section: {names[turn['section_id']]} (`{turn['section_id']}`)"
        check(named in result.stdout, f"“{named}” is not in the transcript", result)

    # No service: the transcript still comes, with ids, and a warning says why.
    result = cli("export", "--session", mira["conversation_id"], "--names",
                 "--base-url", f"http://127.0.0.1:{closed_port()}")
    expect_exit(result, 0, "export --names with the service unreachable")
    check(result.stdout.startswith("# demo-mira") and "warning" in result.stderr,
          "an unreachable service should leave ids and a warning", result)


def test_export_json_to_stdout_has_no_audio():
    result = cli("export", "--session", "last", "--format", "json")
    expect_exit(result, 0, "export --format json to stdout")
    document = parse_json(result)
    turn = document["sessions"][0]["turns"][0]
    check(turn["reply_audio"] is None and turn["reply_audio_duration_ms"] > 0,
          "JSON on stdout should name no audio file but keep the duration", result)


def test_export_format_from_extension():
    output = work_file("notes.markdown")
    expect_exit(cli("export", "--session", "last", "--output", output), 0, "export to .markdown")
    with open(output, encoding="utf-8") as file:
        check(file.read().startswith("# demo-borin"), "a .markdown file did not get Markdown")


def test_export_errors():
    result = cli("export", "--session", "no-such-conversation", "--output", work_file("x.md"))
    expect_exit(result, 2, "export of an unknown conversation")
    check("no-such-conversation" in result.stderr and "sessions" in result.stderr,
          "the message does not name the session and the way to list them", result)
    check(not os.path.exists(work_file("x.md")), "a file was written for nothing")

    result = cli("export", "--output", work_file("y.md"))
    expect_exit(result, 2, "export without --session")
    check("--session" in result.stderr, "the message does not ask for --session", result)

    result = cli("export", "--session", "last", "--output", work_file("notes.txt"))
    expect_exit(result, 2, "export to .txt without --format")
    check("--format" in result.stderr, "the message does not point at --format", result)

    result = cli("export", "--session", "last", "--format", "html")
    expect_exit(result, 2, "export --format html")

    result = cli("export", "--session", "last", history=os.path.join(work.name, "empty-history"))
    expect_exit(result, 2, "export --session last of an empty history")

    unwritable = os.path.join(work.name, "no-such-folder", "out.md")
    result = cli("export", "--session", "last", "--output", unwritable)
    expect_exit(result, 3, "export into a missing folder")
    check(unwritable in result.stderr, "the message does not name the file", result)


def test_unreadable_history():
    broken = os.path.join(work.name, "broken-history")
    os.makedirs(broken, exist_ok=True)
    with open(os.path.join(broken, "history.db"), "wb") as file:
        file.write(b"this is not a database, " * 100)
    for command in (["sessions"], ["export", "--session", "last"]):
        result = cli(*command, history=broken)
        expect_exit(result, 3, f"{command[0]} on a damaged history")
        check("history" in result.stderr, "the message does not say the history is the problem",
              result)


def main():
    global demo
    demo = DemoServer()
    try:
        try:
            record_conversation("demo-mira", LINES, voice=VOICE)
            record_conversation("demo-borin", ["Can you mend a sword?"])
        except TestFailure as error:
            print("Bail out! could not record the conversations to export: " +
                  str(error).replace("\n", " | "))
            return 1
        tests = [(name[5:].replace("_", " "), function)
                 for name, function in globals().items()
                 if name.startswith("test_") and callable(function)]
        return run_tests(tests)
    finally:
        demo.stop()
        work.cleanup()


if __name__ == "__main__":
    sys.exit(main())
