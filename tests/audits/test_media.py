"""Media checks in real Chromium: audio transcripts, video alternatives, links to recordings (WCAG 1.2.x).

The recordings are generated WAV files (a tone, or silence); a `<video>` plays them as a video whose only
track is sound, which is all the checks look at."""

from __future__ import annotations

import pytest

from audits.checks.media import (
    AUDIO_RULE,
    DESCRIPTION_RULE,
    LINK_RULE,
    RULE,
    VIDEO_ONLY_RULE,
    MediaCheck,
)
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only, wav
from tests.localserver import Response

pytestmark = pytest.mark.browser

TEXT = "<h1>Annual address of the mayor</h1><p>The mayor spoke about the budget and the new library.</p>"


def doc(body: str) -> str:
    return f"<!doctype html><html lang='en'><head><title>Address – City</title></head><body>{body}</body></html>"


def sound(body: bytes) -> Response:
    return Response(body, headers={"Content-Type": "audio/wav"})


ASSETS = {"/tone.wav": sound(wav()), "/silence.wav": sound(wav(tone_hz=0))}
ROUTES: dict[str, Response | str] = {
    # audio
    "/audio-alone": doc("<audio controls src='/tone.wav'></audio>"),
    "/audio-aria-hidden-text": doc("<audio controls src='/tone.wav'></audio><p aria-hidden='true'>Words</p>"),
    "/audio-transcript-link": doc(
        "<div><audio controls src='/tone.wav'></audio> <a href='/t.html'>Read the transcript</a></div>" + TEXT
    ),
    "/audio-text": doc(TEXT + "<audio controls src='/tone.wav'></audio>"),
    "/audio-no-controls": doc(TEXT + "<audio src='/tone.wav'></audio>"),
    "/audio-hidden": doc(TEXT + "<audio controls src='/tone.wav' style='display:none'></audio>"),
    # video with sound, video without
    "/video-sound": doc(TEXT + "<video controls src='/tone.wav' aria-label='Address'></video>"),
    "/video-captioned": doc(
        TEXT + "<video controls src='/tone.wav'><track kind='captions' src='/c.vtt' srclang='en'></video>"
    ),
    "/video-silent-alone": doc("<video controls src='/silence.wav'></video>"),
    "/video-silent-text": doc(TEXT + "<video controls src='/silence.wav'></video>"),
    "/video-missing": doc(TEXT + "<video controls src='/gone.mp4'></video>"),
    "/video-hidden": doc(TEXT + "<video controls src='/tone.wav' style='display:none'></video>"),
    # links to recordings
    "/links": doc(
        TEXT
        + "<p><a href='/speech.mp3'>Listen to the address</a></p>"
        + "<p><a href='https://www.youtube.com/watch?v=abc'>Watch it on YouTube</a></p>"
        + "<p><a href='https://www.youtube.com/@city'>Our channel</a></p>"
    ),
    "/links-with-transcript": doc(
        TEXT + "<ul><li><a href='/speech.mp3'>Listen (MP3, 2 MB)</a> – <a href='/t.html'>Transcript</a></li></ul>"
    ),
    "/nothing": doc(TEXT + "<img src='data:,' alt='The mayor'>"),
}


@pytest.fixture(scope="module")
def results(chromium: str) -> dict:
    return inspect_pages(chromium, ROUTES, [MediaCheck()], assets=ASSETS)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/audio-alone", Outcome.FAILED),
        ("/audio-aria-hidden-text", Outcome.FAILED),  # text hidden from assistive technology is no transcript
        ("/audio-transcript-link", Outcome.NEEDS_REVIEW),
        ("/audio-text", Outcome.NEEDS_REVIEW),
        ("/audio-no-controls", Outcome.INAPPLICABLE),
        ("/audio-hidden", Outcome.INAPPLICABLE),
        ("/nothing", Outcome.INAPPLICABLE),
    ],
)
def test_audio_transcript(results: dict, path: str, expected: Outcome) -> None:
    r = only(results[path], AUDIO_RULE)
    assert r.outcome is expected, (path, r)
    if expected in (Outcome.FAILED, Outcome.NEEDS_REVIEW):
        assert len(r.nodes) == 1 and r.nodes[0].selector.endswith("audio") and "tone.wav" in r.nodes[0].message


def test_audio_questions_name_what_was_found(results: dict) -> None:
    linked = only(results["/audio-transcript-link"], AUDIO_RULE).nodes[0].message
    assert "'Read the transcript'" in linked and linked.endswith("?")
    bare = only(results["/audio-text"], AUDIO_RULE).nodes[0].message
    assert "no transcript was found" in bare and bare.endswith("?")


@pytest.mark.parametrize(
    ("path", "captions", "description", "video_only"),
    [
        ("/video-sound", Outcome.NEEDS_REVIEW, Outcome.NEEDS_REVIEW, Outcome.INAPPLICABLE),
        ("/video-captioned", Outcome.PASSED, Outcome.NEEDS_REVIEW, Outcome.INAPPLICABLE),
        ("/video-silent-alone", Outcome.INAPPLICABLE, Outcome.INAPPLICABLE, Outcome.FAILED),
        ("/video-silent-text", Outcome.INAPPLICABLE, Outcome.INAPPLICABLE, Outcome.NEEDS_REVIEW),
        ("/video-missing", Outcome.INAPPLICABLE, Outcome.INAPPLICABLE, Outcome.INAPPLICABLE),
        ("/video-hidden", Outcome.INAPPLICABLE, Outcome.INAPPLICABLE, Outcome.INAPPLICABLE),
    ],
)
def test_video_rules(results: dict, path: str, captions: Outcome, description: Outcome, video_only: Outcome) -> None:
    got = {rule: only(results[path], rule).outcome for rule in (RULE, DESCRIPTION_RULE, VIDEO_ONLY_RULE)}
    assert got == {RULE: captions, DESCRIPTION_RULE: description, VIDEO_ONLY_RULE: video_only}, path


def test_video_questions_name_the_video(results: dict) -> None:
    r = only(results["/video-sound"], RULE)
    assert r.wcag == ("1.2.2",) and "'Address'" in r.nodes[0].message
    assert only(results["/video-silent-alone"], VIDEO_ONLY_RULE).impact == "serious"


def test_links_to_recordings(results: dict) -> None:
    r = only(results["/links"], LINK_RULE)
    assert r.outcome is Outcome.NEEDS_REVIEW
    messages = [n.message for n in r.nodes]
    assert len(messages) == 2  # the channel page is no recording
    assert "'Listen to the address' leads to audio" in messages[0] and "leads to video" in messages[1]
    assert only(results["/links-with-transcript"], LINK_RULE).outcome is Outcome.PASSED
    assert only(results["/nothing"], LINK_RULE).outcome is Outcome.INAPPLICABLE
