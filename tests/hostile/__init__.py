"""Helpers for the hostile-input suite (tests/test_hostile_inputs.py): payloads, a
snapshot of everything stored, comparable pages and files that lie about what they are."""
