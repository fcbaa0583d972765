"""Fixes: the field edits rules propose, made at the exact bytes of the values in the files."""
