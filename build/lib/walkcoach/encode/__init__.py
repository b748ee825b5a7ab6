"""Encode: samples and a timeline in, files a player reads out.

Takes in the mixed samples and the planned timeline; gives out the track (MP3 by walkcoach's
own writer, M4A and WAV by ffmpeg) with its tags, chapters and cover, and the files beside
it: the cue sheet (JSON), captions (WebVTT) and transcript. The only stage that runs ffmpeg
(it also decodes a coach's music file into samples for the mixer).
"""
