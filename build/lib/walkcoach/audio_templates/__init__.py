"""The content walkcoach ships: exercises, the session template, programs and the lexicon."""
