"""The language server (`svclint server`): diagnostics, quick fixes and hover in editors."""
